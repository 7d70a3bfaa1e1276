import Redis from 'ioredis';
import Redlock from 'redlock';
import type { ConversationState } from '../conversation/state';
import type { ConversationStore } from './conversation-store';
import type { EventDedupStore } from './event-dedup';
import {
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

export function connectRedis(url: string, log?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void }): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true, lazyConnect: false });
  // ioredis reconnects by itself; say so once per outage instead of a stack trace per attempt.
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log?.warn({ err: { message: err.message } }, 'Redis unreachable; reconnecting (readiness reports it)');
  });
  redis.on('ready', () => {
    if (down) log?.info({}, 'Redis reachable again');
    down = false;
  });
  return redis;
}

export class RedisConversationStore implements ConversationStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:state:',
  ) {}

  async get(key: string): Promise<ConversationState | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw ? (JSON.parse(raw) as ConversationState) : undefined;
  }

  async set(key: string, state: ConversationState, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(state), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async sweep(): Promise<number> {
    return 0;
  }
}

const RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600;

function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

// KEYS: seq, activities, meta. ARGV: conversation id, activity JSON, activities kept, ttl.
// Members are "<seq>:<json>" (unique, and the JSON stays as the app wrote it).
const APPEND_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[3]))
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return seq
`;

/**
 * Direct Line on Redis: a hash per conversation and a sorted set of activities scored by their
 * sequence number (INCR gives each activity its number atomically across instances).
 */
export class RedisDirectLineStore implements DirectLineStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:dl:',
  ) {}

  private keys(conversationId: string) {
    const base = `${this.prefix}${conversationId}`;
    return { meta: `${base}:meta`, seq: `${base}:seq`, activities: `${base}:activities` };
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
      await this.redis.eval(APPEND_SCRIPT, 3, k.seq, k.activities, k.meta, conversationId, JSON.stringify(activity), KEEP_ACTIVITIES, RETENTION_SECONDS),
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

/**
 * Runs one conversation's turns one at a time across every instance on this Redis (Redlock,
 * renewed while a slow turn runs, e.g. a status check).
 */
export function redisConversationLock(redis: Redis, prefix = 'bot:lock:') {
  const redlock = new Redlock([redis], { retryCount: 400, retryDelay: 25, retryJitter: 25, automaticExtensionThreshold: 2000 });
  return <T>(key: string, task: () => Promise<T>): Promise<T> => redlock.using([prefix + key], 10_000, () => task());
}
