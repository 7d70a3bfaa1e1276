import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { EscalationCase, TicketResult, TicketSummary } from './case';
import {
  cleanError,
  DEFAULT_CREATE_OPTIONS,
  redactCase,
  subjectOf,
  NO_SUBJECT,
  ticketSummary,
  type CreateOptions,
  type DeliveryRecords,
  type Outbox,
  type OutboxItem,
  type OutboxRecord,
  type OutboxStats,
  type OutboxStatus,
} from './outbox';
import { newTicketId } from './ticket';
import { LuaScript } from '../storage/lua-script';

/** The BullMQ queue every instance adds hand-overs to and the worker takes them from. */
export const MAIL_QUEUE = 'handover-mail';
export const BULL_PREFIX = 'bot:bull';

/**
 * Ticket records stay this long for operators (`get`) and for the seller's "my tickets", then
 * Redis drops them; each seller's list of tickets is kept as long.
 */
const RECORD_TTL_SECONDS = 30 * 24 * 3600;

export interface MailJob {
  ticket: string;
}

// Files a case, or answers with the seller's open or latest ticket: the rate-limit check and the
// insert in one server-side step, so two instances cannot both pass the limit. Ticket records
// are read by a computed key, which is fine on one Redis server (not on Redis Cluster).
// KEYS: user's tickets (zset), undelivered (zset), the new ticket's record.
// ARGV: now, reuse since, window since, max per window, ticket, case JSON, user key, record ttl, user ttl, record prefix,
// request key ('' for none: an open ticket that request filed is 'same'), subject (see subjectOf: an open
// ticket about the same is 'existing'), the subject of a case about nothing in particular (an open ticket is 'existing'),
// records since (the user's tickets are kept as long as their records, for ticketsOf).
const CREATE_SCRIPT = new LuaScript(`
local since = math.min(tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[14]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
local recent = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', '(' .. ARGV[2])
local existing = nil
for _, t in ipairs(recent) do
  local found = redis.call('HMGET', ARGV[10] .. t, 'status', 'requestKey', 'subject')
  if found[1] and found[1] ~= 'failed' then
    if ARGV[11] ~= '' and found[2] == ARGV[11] then return {t, 'same'} end
    if not existing and (ARGV[12] == ARGV[13] or found[3] == ARGV[12]) then existing = t end
  end
end
if existing then return {existing, 'existing'} end
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[3], '+inf') >= tonumber(ARGV[4]) then
  local latest = redis.call('ZREVRANGE', KEYS[1], 0, 0)
  if latest[1] then return {latest[1], 'limited'} end
end
if redis.call('EXISTS', KEYS[3]) == 1 then return {'', 'collision'} end
redis.call('HSET', KEYS[3], 'ticket', ARGV[5], 'userKey', ARGV[7], 'case', ARGV[6], 'status', 'pending', 'attempts', 0, 'createdAt', ARGV[1], 'nextAttemptAt', ARGV[1], 'requestKey', ARGV[11], 'subject', ARGV[12])
redis.call('EXPIRE', KEYS[3], ARGV[8])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[9])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[5])
return {ARGV[5], 'created'}
`);

// KEYS: record, undelivered, counts. ARGV: status, now, ticket, error, next attempt.
// A late outcome never undoes a final one: sent stays sent, failed stays failed, except that a
// mail which did go out after all (a slow sender whose claim had lapsed) is recorded as sent.
const MARK_SCRIPT = new LuaScript(`
local current = redis.call('HGET', KEYS[1], 'status')
if not current or current == 'sent' then return 0 end
if current == 'failed' then
  if ARGV[1] ~= 'sent' then return 0 end
  redis.call('HINCRBY', KEYS[3], 'failed', -1)
end
if ARGV[1] == 'sending' then
  redis.call('HSET', KEYS[1], 'status', 'sending', 'claimedAt', ARGV[2])
  return redis.call('HINCRBY', KEYS[1], 'attempts', 1)
elseif ARGV[1] == 'sent' then
  redis.call('HSET', KEYS[1], 'status', 'sent', 'sentAt', ARGV[2])
  redis.call('HDEL', KEYS[1], 'claimedAt', 'lastError')
  redis.call('ZREM', KEYS[2], ARGV[3])
elseif ARGV[1] == 'failed' then
  redis.call('HSET', KEYS[1], 'status', 'failed', 'lastError', ARGV[4])
  redis.call('HDEL', KEYS[1], 'claimedAt')
  redis.call('ZREM', KEYS[2], ARGV[3])
else
  redis.call('HSET', KEYS[1], 'status', 'pending', 'lastError', ARGV[4], 'nextAttemptAt', ARGV[5])
  redis.call('HDEL', KEYS[1], 'claimedAt')
end
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
return 1
`);

type Mark = 'sending' | 'sent' | 'failed' | 'retried';

/**
 * The hand-over outbox on Redis, for several instances: ticket records and per-seller limits in
 * Redis, delivery through a BullMQ queue (job id = ticket, so a case is queued at most once).
 * Every undelivered ticket is also kept in a sorted set, from which `requeueUndelivered` restores
 * a job lost between filing and queueing (a crash, Redis failing over).
 */
export class RedisOutbox implements Outbox, DeliveryRecords {
  readonly queue: Queue<MailJob>;
  private readonly queueConnection: Redis;
  /** BullMQ's key prefix, which the worker must use too. */
  readonly queuePrefix: string;
  private readonly keys;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(
    private readonly redis: Redis,
    opts: { now?: () => number; newId?: () => string; prefix?: string; queuePrefix?: string } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? (() => newTicketId());
    const prefix = opts.prefix ?? 'bot:handover:';
    this.queuePrefix = opts.queuePrefix ?? BULL_PREFIX;
    this.keys = {
      record: (ticket: string) => `${prefix}t:${ticket}`,
      recordPrefix: `${prefix}t:`,
      user: (userKey: string) => `${prefix}u:${userKey}`,
      undelivered: `${prefix}undelivered`,
      counts: `${prefix}counts`,
    };
    // BullMQ defines its sixty-odd scripts on the connection it is given, and ioredis copies every
    // defined script onto each pipeline it builds: on the bot's connection, where auto-pipelining
    // builds one per tick, that was about 3% of the CPU under load. The queue gets its own.
    this.queueConnection = redis.duplicate();
    // Connection trouble is logged for the bot's connection; an unheard 'error' would crash.
    this.queueConnection.on('error', () => undefined);
    this.queue = new Queue<MailJob>(MAIL_QUEUE, { connection: this.queueConnection, prefix: this.queuePrefix });
    this.queue.on('error', () => undefined);
  }

  async create(c: EscalationCase, opts: CreateOptions = DEFAULT_CREATE_OPTIONS): Promise<TicketResult> {
    const now = this.now();
    const stored = redactCase(c);
    const json = JSON.stringify(stored);
    const userTtl = Math.max(opts.reuseWindowSeconds, opts.windowSeconds, RECORD_TTL_SECONDS);
    for (let attempt = 0; ; attempt++) {
      const ticket = this.newId();
      const [found, kind] = (await CREATE_SCRIPT.run(
        this.redis,
        [this.keys.user(c.userKey), this.keys.undelivered, this.keys.record(ticket)],
        [
          now,
          now - opts.reuseWindowSeconds * 1000,
          now - opts.windowSeconds * 1000,
          opts.maxPerWindow,
          ticket,
          json,
          c.userKey,
          RECORD_TTL_SECONDS,
          userTtl,
          this.keys.recordPrefix,
          c.requestKey ?? '',
          subjectOf(stored),
          NO_SUBJECT,
          now - RECORD_TTL_SECONDS * 1000,
        ],
      )) as [string, string];
      if (kind === 'existing') return { ticket: found, existing: true, limited: false };
      if (kind === 'same') return { ticket: found, existing: false, limited: false };
      if (kind === 'limited') return { ticket: found, existing: false, limited: true };
      if (kind === 'created') {
        // Filed: from here the case is safe. Should queueing fail, requeueUndelivered finds it.
        await this.enqueue(found).catch(() => undefined);
        return { ticket: found, existing: false, limited: false };
      }
      // A ticket number already taken (one in a billion per pair): draw again.
      if (attempt >= 10) throw new Error('could not draw a free ticket number');
    }
  }

  /** Queues a ticket's mail; a ticket already queued (same job id) is not queued twice. */
  async enqueue(ticket: string): Promise<void> {
    // Retries are decided by the worker (time-based give-up), so BullMQ may try "forever".
    await this.queue.add(
      'mail',
      { ticket },
      { jobId: ticket, attempts: 1_000_000, backoff: { type: 'handover' }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
    );
  }

  /**
   * Queues again every undelivered ticket filed more than `olderThanMs` ago whose job is gone
   * (the instance died between filing and queueing). Returns how many were queued.
   */
  async requeueUndelivered(olderThanMs = 10_000): Promise<number> {
    const tickets = await this.redis.zrangebyscore(this.keys.undelivered, '-inf', this.now() - olderThanMs, 'LIMIT', 0, 500);
    let queued = 0;
    for (const ticket of tickets) {
      const state = await this.queue.getJobState(ticket);
      if (state !== 'unknown') continue;
      const record = await this.get(ticket);
      if (!record) {
        // The record expired without being delivered or failed; nothing left to send.
        await this.redis.zrem(this.keys.undelivered, ticket);
        continue;
      }
      await this.enqueue(ticket);
      queued++;
    }
    return queued;
  }

  /** Marks a ticket as being sent and returns it with its attempt count, or undefined when it is final or gone. */
  async claim(ticket: string, at: Date): Promise<OutboxItem | undefined> {
    const attempts = Number(await this.mark(ticket, 'sending', at.getTime()));
    if (!attempts) return undefined;
    const record = await this.get(ticket);
    return record && { ticket, case: record.case, attempts, createdAt: record.createdAt };
  }

  async markSent(ticket: string, at: Date): Promise<void> {
    await this.mark(ticket, 'sent', at.getTime());
  }

  async markRetry(ticket: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.mark(ticket, 'retried', this.now(), cleanError(error), nextAttemptAt.getTime());
  }

  async markFailed(ticket: string, error: string): Promise<void> {
    await this.mark(ticket, 'failed', this.now(), cleanError(error));
  }

  private mark(ticket: string, what: Mark, now: number, error = '', next = 0): Promise<unknown> {
    return MARK_SCRIPT.run(this.redis, [this.keys.record(ticket), this.keys.undelivered, this.keys.counts], [what, now, ticket, error, next]);
  }

  async stats(): Promise<OutboxStats> {
    const [undelivered, oldest, counts, sending] = await Promise.all([
      this.redis.zcard(this.keys.undelivered),
      this.redis.zrange(this.keys.undelivered, 0, 0, 'WITHSCORES'),
      this.redis.hgetall(this.keys.counts),
      this.queue.getActiveCount(),
    ]);
    const oldestAt = oldest.length === 2 ? Number(oldest[1]) : undefined;
    return {
      pending: Math.max(0, undelivered - sending),
      sending: Math.min(sending, undelivered),
      sent: Number(counts.sent ?? 0),
      failed: Number(counts.failed ?? 0),
      oldestPendingAgeSeconds: oldestAt === undefined ? 0 : Math.max(0, Math.floor((this.now() - oldestAt) / 1000)),
    };
  }

  /** Deliveries by every process on this Redis: sent, retried and failed. */
  async totals(): Promise<{ sent: number; retried: number; failed: number }> {
    const c = await this.redis.hgetall(this.keys.counts);
    return { sent: Number(c.sent ?? 0), retried: Number(c.retried ?? 0), failed: Number(c.failed ?? 0) };
  }

  /**
   * From the seller's list of tickets in Redis. It used to keep only the reuse and rate-limit
   * windows (a day): a ticket filed more than a day before that changed is not on it.
   */
  async ticketsOf(userKey: string, since: Date, limit: number): Promise<TicketSummary[]> {
    const tickets = await this.redis.zrevrangebyscore(this.keys.user(userKey), '+inf', `(${since.getTime()}`, 'LIMIT', 0, limit);
    const records = await Promise.all(tickets.map((t) => this.redis.hmget(this.keys.record(t), 'userKey', 'status', 'createdAt', 'sentAt', 'attempts', 'case')));
    return records.flatMap(([key, status, createdAt, sentAt, attempts, json], i) => {
      // A record gone (expired) is no longer anyone's; one of another seller never is this one's.
      if (key !== userKey || !status || !json) return [];
      const c = JSON.parse(json) as EscalationCase;
      return [ticketSummary({ ticket: tickets[i]!, status: status as OutboxStatus, createdAt: Number(createdAt), sentAt: sentAt ? Number(sentAt) : undefined, attempts: Number(attempts ?? 0) }, c)];
    });
  }

  /** Records expire after RECORD_TTL_SECONDS anyway; a shorter retention needs them looked at. */
  async purgeBefore(before: Date): Promise<number> {
    let purged = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.keys.recordPrefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const [ticket, status, createdAt] = await this.redis.hmget(key, 'ticket', 'status', 'createdAt');
        if (ticket && (status === 'sent' || status === 'failed') && Number(createdAt) < before.getTime() && (await this.forget(ticket))) purged++;
      }
    } while (cursor !== '0');
    return purged;
  }

  async forget(ticket: string): Promise<boolean> {
    const userKey = await this.redis.hget(this.keys.record(ticket), 'userKey');
    // A mail job that finds no record skips it (see queue-worker.ts): a case waiting is not mailed.
    const tx = this.redis.multi().del(this.keys.record(ticket)).zrem(this.keys.undelivered, ticket);
    if (userKey) tx.zrem(this.keys.user(userKey), ticket);
    const [[, deleted] = [null, 0]] = (await tx.exec()) ?? [];
    return Number(deleted) > 0;
  }

  async get(ticket: string): Promise<OutboxRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.record(ticket));
    if (!h.ticket) return undefined;
    const date = (v: string | undefined) => (v ? new Date(Number(v)) : undefined);
    return {
      ticket,
      case: JSON.parse(h.case!) as EscalationCase,
      attempts: Number(h.attempts ?? 0),
      createdAt: new Date(Number(h.createdAt)),
      status: h.status as OutboxStatus,
      userKey: h.userKey!,
      nextAttemptAt: new Date(Number(h.nextAttemptAt)),
      claimedAt: date(h.claimedAt),
      sentAt: date(h.sentAt),
      lastError: h.lastError || undefined,
    };
  }

  async close(): Promise<void> {
    await this.queue.close();
    // Given to BullMQ, so not closed by it.
    this.queueConnection.disconnect();
  }
}
