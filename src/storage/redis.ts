import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { LuaScript } from './lua-script';
import { RecentStates } from './recent-states';
import { TRANSCRIPT_LIMIT, type ConversationState, type TranscriptEntry } from '../conversation/state';
import { withoutTranscript, type ConversationStore, type HeldConversation } from './conversation-store';
import type { EventDedupStore } from './event-dedup';
import type { EventInbox, PendingEvent } from './event-inbox';
import {
  ConversationWatchers,
  KEEP_ACTIVITIES,
  RETENTION_DAYS,
  type DirectLineConversation,
  type DirectLineStore,
  type StoredActivity,
} from './directline-store';

/**
 * The shared storage for running several instances (REDIS_URL): the same interfaces as the
 * SQLite stores, so every instance sees every conversation. Keys expire on their own, so there
 * is nothing to sweep.
 */

type RedisLog = { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };

export function connectRedis(url: string, log?: RedisLog): Redis {
  // Auto-pipelining: the commands of concurrent turns issued in one tick go out in one write.
  // Under load that is most of the cost saved: each socket write is a system call.
  const redis = new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true, lazyConnect: false, enableAutoPipelining: true });
  return reportOutages(redis, log);
}

/** ioredis reconnects by itself; say so once per outage instead of a stack trace per attempt. */
function reportOutages(redis: Redis, log?: RedisLog, what = 'Redis'): Redis {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log?.warn({ err: { message: err.message } }, `${what} unreachable; reconnecting (readiness reports it)`);
  });
  redis.on('ready', () => {
    if (down) log?.info({}, `${what} reachable again`);
    down = false;
  });
  return redis;
}

// KEYS: state, transcript, lock, state version. ARGV: state JSON, ttl seconds, lines kept, lock
// token (empty: none held), version, lines to append... One command instead of a MULTI of
// five: under load the client's cost is per command.
const SET_STATE_SCRIPT = new LuaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[2])
if #ARGV > 5 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 6))
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
return 1
`);

// KEYS: lock, state, state version. ARGV: token, lock ms, the version this instance has in
// memory (empty: none). The lock, and with it the state, in one step; {2} when the state is
// still the one this instance saved, which it need not read again.
const HOLD_SCRIPT = new LuaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) == ARGV[3] then return {2} end
return {1, redis.call('GET', KEYS[2])}
`);
// KEYS: lock. ARGV: token, lock ms (0: let go). Only the holder's token touches the lock.
const LOCK_SCRIPT = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`);

export interface HoldOptions {
  /** The lock expires unless renewed: a crashed instance holds a conversation this long at most. */
  lockMs: number;
  /** Renewed this often while a turn runs (a slow status check, a hand-over). */
  renewMs: number;
  /** A turn waits for another instance's turn of the same conversation up to about this long. */
  waitMs: number;
  retryMs: number;
}

export const HOLD: HoldOptions = { lockMs: 10_000, renewMs: 3_000, waitMs: 15_000, retryMs: 25 };

export class RedisConversationStore implements ConversationStore {
  /**
   * The states this instance saved last (up to 2,000), parsed, with the version each was saved
   * under (the saving turn's lock token, kept in Redis beside the state). A conversation's next
   * turn often comes to the same instance; the hold then finds the version unchanged and the
   * state need not cross the network and be parsed again (about 3 KB). Another instance's save
   * changes the version. Handed over by the hold like SQLite's (the caller may change the object).
   */
  private readonly recent = new RecentStates<{ state: ConversationState; version: string }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:state:',
    private readonly lockPrefix = 'bot:lock:',
    private readonly holdOptions: HoldOptions = HOLD,
  ) {}

  async hold(key: string): Promise<HeldConversation> {
    const o = this.holdOptions;
    const token = randomUUID();
    const lockKey = this.lockPrefix + key;
    const deadline = Date.now() + o.waitMs;
    const kept = this.recent.take(key);
    let reply: [number, string | null];
    for (;;) {
      reply = (await HOLD_SCRIPT.run(this.redis, [lockKey, this.prefix + key, this.versionKey(key)], [token, o.lockMs, kept?.version ?? ''])) as [number, string | null];
      if (reply[0] !== 0) break;
      if (Date.now() >= deadline) throw new Error(`conversation ${key} is busy in another instance (waited ${o.waitMs} ms)`);
      await new Promise((resolve) => setTimeout(resolve, o.retryMs * (0.5 + Math.random())));
    }
    const lock = (ms: number) => LOCK_SCRIPT.run(this.redis, [lockKey], [token, ms]);
    let held = true;
    const renew = setInterval(() => void lock(o.lockMs).catch(() => undefined), o.renewMs);
    renew.unref();
    const letGo = () => {
      held = false;
      clearInterval(renew);
    };
    return {
      state: reply[0] === 2 ? kept!.state : reply[1] ? (JSON.parse(reply[1]) as ConversationState) : undefined,
      save: async (state, ttlSeconds, lines = []) => {
        if (!held) throw new Error('conversation saved after its hold ended');
        letGo();
        try {
          const stored = await this.write(key, state, ttlSeconds, lines, token);
          this.recent.keep(key, { state: stored, version: token });
        } catch (err) {
          // Not saved: the lock still goes now, not when it expires.
          await lock(0).catch(() => undefined);
          throw err;
        }
      },
      release: async () => {
        if (!held) return;
        letGo();
        await lock(0);
      },
    };
  }

  private linesKey(key: string): string {
    return `${this.prefix}${key}:transcript`;
  }

  private versionKey(key: string): string {
    return `${this.prefix}${key}:version`;
  }

  async get(key: string): Promise<ConversationState | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw ? (JSON.parse(raw) as ConversationState) : undefined;
  }

  async set(key: string, state: ConversationState, ttlSeconds: number, lines: TranscriptEntry[] = []): Promise<void> {
    this.recent.drop(key);
    await this.write(key, state, ttlSeconds, lines, '');
  }

  /** Saves the state under a new version (the lock token when held); returns it as stored. */
  private async write(key: string, state: ConversationState, ttlSeconds: number, lines: TranscriptEntry[], token: string): Promise<ConversationState> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const stored = withoutTranscript(state);
    await SET_STATE_SCRIPT.run(
      this.redis,
      [this.prefix + key, this.linesKey(key), this.lockPrefix + key, this.versionKey(key)],
      [JSON.stringify(stored), ttl, TRANSCRIPT_LIMIT, token, token || randomUUID(), ...lines.map((l) => JSON.stringify(l))],
    );
    return stored;
  }

  async transcript(key: string): Promise<TranscriptEntry[]> {
    return (await this.redis.lrange(this.linesKey(key), -TRANSCRIPT_LIMIT, -1)).map((l) => JSON.parse(l) as TranscriptEntry);
  }

  async delete(key: string): Promise<void> {
    this.recent.drop(key);
    await this.redis.del(this.prefix + key, this.linesKey(key), this.versionKey(key));
  }

  async sweep(): Promise<number> {
    return 0;
  }
}

const RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600;

function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

// KEYS: seq, activities, meta. ARGV: conversation id, activity JSON, activities kept, ttl, channel announcing the new number.
// Members are "<seq>:<json>" (unique, and the JSON stays as the app wrote it).
const APPEND_SCRIPT = new LuaScript(`
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[3]))
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('PUBLISH', ARGV[5], seq)
return seq
`);

/**
 * Direct Line on Redis: a hash per conversation and a sorted set of activities scored by their
 * sequence number (INCR gives each activity its number atomically across instances).
 */
export class RedisDirectLineStore implements DirectLineStore {
  private readonly watchers = new ConversationWatchers();
  /** Subscribed only while a stream is open here: a connection in subscriber mode can do nothing else. */
  private sub: Redis | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:dl:',
    private readonly log?: RedisLog,
    /** Wait before subscribing again after a failed subscription (tests shorten it). */
    private readonly resubscribeMs = 5_000,
  ) {}

  private keys(conversationId: string) {
    const base = `${this.prefix}${conversationId}`;
    return { meta: `${base}:meta`, seq: `${base}:seq`, activities: `${base}:activities`, added: `${base}:added` };
  }

  watch(conversationId: string, onAdded: () => void): () => void {
    const { first, remove } = this.watchers.add(conversationId, onAdded);
    const channel = this.keys(conversationId).added;
    if (first) this.subscribeTo(conversationId, channel);
    return () => {
      if (remove().last) void this.sub?.unsubscribe(channel).catch(() => undefined);
    };
  }

  private subscribeTo(conversationId: string, channel: string): void {
    if (this.closed) return;
    this.subscriber().subscribe(channel).then(
      // An activity added before the subscription took effect was not announced: look once more.
      () => this.watchers.added(conversationId),
      (err: unknown) => {
        this.log?.warn({ err, conversation: conversationId }, 'Direct Line: could not subscribe to new activities (trying again; open streams fall back to their periodic look meanwhile)');
        const again = setTimeout(() => {
          if (this.watchers.watched(conversationId)) this.subscribeTo(conversationId, channel);
        }, this.resubscribeMs);
        again.unref();
      },
    );
  }

  private subscriber(): Redis {
    if (this.sub) return this.sub;
    const sub = reportOutages(this.redis.duplicate({ enableAutoPipelining: false }), this.log, 'Redis (Direct Line subscriber)');
    const from = this.prefix.length;
    sub.on('message', (channel: string) => this.watchers.added(channel.slice(from, -':added'.length)));
    return (this.sub = sub);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sub?.disconnect();
    this.sub = undefined;
  }

  async createConversation(c: DirectLineConversation): Promise<void> {
    const k = this.keys(c.conversationId);
    const fields: Record<string, string> = { userId: c.userId, createdAt: c.createdAt };
    if (c.accountId) fields.accountId = c.accountId;
    await this.redis.multi().hset(k.meta, fields).expire(k.meta, RETENTION_SECONDS).exec();
  }

  async getConversation(conversationId: string): Promise<DirectLineConversation | undefined> {
    const meta = await this.redis.hgetall(this.keys(conversationId).meta);
    if (!meta.userId) return undefined;
    return { conversationId, userId: meta.userId, accountId: meta.accountId || undefined, createdAt: meta.createdAt };
  }

  async appendActivity(conversationId: string, activity: Record<string, unknown>): Promise<{ id: string; watermark: number }> {
    const k = this.keys(conversationId);
    // Number and store in one server-side step: a reader never sees a later number before an
    // earlier one, whichever instance writes.
    const seq = Number(
      await APPEND_SCRIPT.run(this.redis, [k.seq, k.activities, k.meta], [conversationId, JSON.stringify(activity), KEEP_ACTIVITIES, RETENTION_SECONDS, k.added]),
    );
    return { id: activityId(conversationId, seq), watermark: seq };
  }

  async listActivities(conversationId: string, watermark: number): Promise<{ activities: StoredActivity[]; watermark: number }> {
    const k = this.keys(conversationId);
    const [rows, last] = await Promise.all([this.redis.zrangebyscore(k.activities, `(${watermark}`, '+inf'), this.redis.get(k.seq)]);
    let lastStored = Math.max(watermark, Number(last ?? 0));
    const activities = rows.map((r) => {
      const colon = r.indexOf(':');
      const seq = Number(r.slice(0, colon));
      lastStored = seq;
      return { ...(JSON.parse(r.slice(colon + 1)) as Record<string, unknown>), id: activityId(conversationId, seq) } as StoredActivity;
    });
    return { activities, watermark: rows.length > 0 ? lastStored : Math.max(watermark, Number(last ?? 0)) };
  }

  async sweep(): Promise<number> {
    return 0;
  }
}

/** Webhook de-duplication shared by every instance: SET NX, so exactly one instance wins an id. */
export class RedisEventDedupStore implements EventDedupStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:once:',
  ) {}

  async claim(id: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + id, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK';
  }
}

// KEYS: once key, inbox hash. ARGV: id, "owner\nreceivedAt\nbody", ttl seconds.
const INBOX_ACCEPT_SCRIPT = new LuaScript(`
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[3], 'NX') then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`);

// KEYS: inbox hash. ARGV: alive key prefix, owner, alive ms. Entries are "owner\nreceivedAt\nbody".
// One script, so two live instances never adopt the same orphan.
const INBOX_ADOPT_SCRIPT = new LuaScript(`
redis.call('SET', ARGV[1] .. ARGV[2], '1', 'PX', ARGV[3])
local all = redis.call('HGETALL', KEYS[1])
local alive = {}
local out = {}
for i = 1, #all, 2 do
  local v = all[i + 1]
  local nl = string.find(v, '\\n', 1, true)
  local owner = string.sub(v, 1, nl - 1)
  if owner ~= ARGV[2] then
    if alive[owner] == nil then alive[owner] = redis.call('EXISTS', ARGV[1] .. owner) == 1 end
    if not alive[owner] then
      local rest = string.sub(v, nl + 1)
      redis.call('HSET', KEYS[1], all[i], ARGV[2] .. '\\n' .. rest)
      out[#out + 1] = all[i]
      out[#out + 1] = rest
    end
  end
end
return out
`);

/**
 * The inbox shared by every instance: one hash of pending events, and a short-lived key per
 * live instance. The id is claimed under the same key the de-duplication store uses.
 */
export class RedisEventInbox implements EventInbox {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:',
  ) {}

  private get inboxKey(): string {
    return `${this.prefix}inbox`;
  }

  async accept(id: string, body: string, receivedAt: number, owner: string, ttlSeconds: number): Promise<boolean> {
    const entry = `${owner}\n${receivedAt}\n${body}`;
    const fresh = await INBOX_ACCEPT_SCRIPT.run(this.redis, [`${this.prefix}once:${id}`, this.inboxKey], [id, entry, Math.max(1, Math.ceil(ttlSeconds))]);
    return Number(fresh) === 1;
  }

  async done(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.hdel(this.inboxKey, ...ids);
  }

  async adoptOrphans(owner: string, aliveMs: number): Promise<PendingEvent[]> {
    const flat = (await INBOX_ADOPT_SCRIPT.run(this.redis, [this.inboxKey], [`${this.prefix}alive:`, owner, Math.max(1, Math.round(aliveMs))])) as string[];
    const adopted: PendingEvent[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const rest = flat[i + 1]!;
      const nl = rest.indexOf('\n');
      adopted.push({ id: flat[i]!, receivedAt: Number(rest.slice(0, nl)), body: rest.slice(nl + 1) });
    }
    return adopted.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
  }

  async release(owner: string): Promise<void> {
    await this.redis.del(`${this.prefix}alive:${owner}`);
  }
}

