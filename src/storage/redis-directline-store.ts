import type Redis from 'ioredis';
import {
  activityId,
  clientActivityIdOf,
  ConversationWatchers,
  KEEP_ACTIVITIES,
  RETENTION_DAYS,
  type Appended,
  type DirectLineConversation,
  type DirectLineStore,
  type StoredActivity,
} from './directline-store';
import { LuaScript } from './lua-script';
import { reportOutages, type RedisLog } from './redis-connection';

const RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600;

// KEYS: seq, activities, meta, client ids. ARGV: conversation id, activity JSON, activities kept, ttl,
// channel announcing the new number, the activity's client id ('' for none).
// Members are "<seq>:<json>" (unique, and the JSON stays as the app wrote it). A client id already
// claimed answers {its number, 1} and adds nothing; otherwise {the new number, 0}.
const APPEND_SCRIPT = new LuaScript(`
if ARGV[6] ~= '' then
  local seen = redis.call('HGET', KEYS[4], ARGV[6])
  if seen then return {tonumber(seen), 1} end
end
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[3]))
if ARGV[6] ~= '' then redis.call('HSET', KEYS[4], ARGV[6], seq) end
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
redis.call('PUBLISH', ARGV[5], seq)
return {seq, 0}
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
    return { meta: `${base}:meta`, seq: `${base}:seq`, activities: `${base}:activities`, clients: `${base}:clients`, added: `${base}:added` };
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
    // The user's conversations, for finding a seller's data: kept as long as a conversation is.
    const user = this.userKey(c.userId);
    await this.redis.multi().hset(k.meta, fields).expire(k.meta, RETENTION_SECONDS).sadd(user, c.conversationId).expire(user, RETENTION_SECONDS).exec();
  }

  private userKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }

  async conversationsOf(userId: string): Promise<string[]> {
    const ids = await this.redis.smembers(this.userKey(userId));
    const kept = await Promise.all(ids.map(async (id) => ((await this.redis.exists(this.keys(id).meta)) ? id : undefined)));
    return kept.filter((id): id is string => id !== undefined).sort();
  }

  async forgetConversation(conversationId: string): Promise<boolean> {
    const k = this.keys(conversationId);
    const userId = await this.redis.hget(k.meta, 'userId');
    const tx = this.redis.multi().del(k.meta, k.seq, k.activities, k.clients);
    if (userId) tx.srem(this.userKey(userId), conversationId);
    const [[, deleted] = [null, 0]] = (await tx.exec()) ?? [];
    return Number(deleted) > 0;
  }

  async getConversation(conversationId: string): Promise<DirectLineConversation | undefined> {
    const meta = await this.redis.hgetall(this.keys(conversationId).meta);
    if (!meta.userId) return undefined;
    return { conversationId, userId: meta.userId, accountId: meta.accountId || undefined, createdAt: meta.createdAt };
  }

  async appendActivity(conversationId: string, activity: Record<string, unknown>): Promise<Appended> {
    const k = this.keys(conversationId);
    // Number and store in one server-side step: a reader never sees a later number before an
    // earlier one, whichever instance writes; a client id is claimed in the same step.
    const args = [conversationId, JSON.stringify(activity), KEEP_ACTIVITIES, RETENTION_SECONDS, k.added, clientActivityIdOf(activity) ?? ''];
    const [seq, repeated] = (await APPEND_SCRIPT.run(this.redis, [k.seq, k.activities, k.meta, k.clients], args)) as [number, number];
    return { id: activityId(conversationId, Number(seq)), watermark: Number(seq), ...(repeated ? { repeated: true as const } : {}) };
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

  // Keys expire on their own: nothing to sweep.
  async sweep(): Promise<number> {
    return 0;
  }
}
