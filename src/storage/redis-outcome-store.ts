import type Redis from 'ioredis';
import type { EpisodeMeta, EpisodeSummary, TurnFact } from '../analytics/outcomes';
import type { EpisodeRecord, OutcomeStore } from './outcome-store';

/**
 * Outcome records shared by every instance: per episode a hash (meta, lastAt, summary) and a
 * list of facts; `started` orders the episodes by start (report, retention), `open` by their
 * last fact (the finalising job), and `conv:<key>` lists a conversation's episodes.
 */
export class RedisOutcomeStore implements OutcomeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:outcomes:',
  ) {}

  private ep = (id: string) => `${this.prefix}ep:${id}`;
  private facts = (id: string) => `${this.prefix}facts:${id}`;
  private conv = (conversation: string) => `${this.prefix}conv:${conversation}`;

  async append(meta: EpisodeMeta, fact: TurnFact): Promise<void> {
    const at = Date.parse(fact.at);
    // One transaction: a reader never sees the fact without its episode. Turns of a conversation
    // run one at a time across instances, so facts arrive in order.
    await this.redis
      .multi()
      .hsetnx(this.ep(meta.id), 'meta', JSON.stringify(meta))
      .hset(this.ep(meta.id), 'lastAt', fact.at)
      .hdel(this.ep(meta.id), 'summary')
      .rpush(this.facts(meta.id), JSON.stringify(fact))
      .zadd(`${this.prefix}started`, 'NX', Date.parse(meta.startedAt), meta.id)
      .zadd(`${this.prefix}open`, at, meta.id)
      .sadd(this.conv(meta.conversation), meta.id)
      .exec();
  }

  async idle(idleBefore: Date, limit: number): Promise<EpisodeRecord[]> {
    const ids = await this.redis.zrangebyscore(`${this.prefix}open`, '-inf', `(${idleBefore.getTime()}`, 'LIMIT', 0, limit);
    return this.records(ids);
  }

  async finalise(id: string, summary: EpisodeSummary): Promise<void> {
    // Only if no fact came meanwhile (lastAt unchanged): otherwise the job comes back later.
    await this.redis.eval(
      `if redis.call('HGET', KEYS[1], 'lastAt') ~= ARGV[1] then return 0 end
       redis.call('HSET', KEYS[1], 'summary', ARGV[2])
       redis.call('ZREM', KEYS[2], ARGV[3])
       return 1`,
      2,
      this.ep(id),
      `${this.prefix}open`,
      summary.lastAt,
      JSON.stringify(summary),
      id,
    );
  }

  async started(from: Date, to: Date): Promise<EpisodeRecord[]> {
    const ids = await this.redis.zrangebyscore(`${this.prefix}started`, from.getTime(), `(${to.getTime()}`);
    return this.records(ids);
  }

  async purge(before: Date): Promise<number> {
    const ids = await this.redis.zrangebyscore(`${this.prefix}started`, '-inf', `(${before.getTime()}`);
    return this.remove(ids);
  }

  async ofConversation(conversation: string): Promise<EpisodeRecord[]> {
    return this.records((await this.redis.smembers(this.conv(conversation))).sort());
  }

  async forgetConversation(conversation: string): Promise<number> {
    const removed = await this.remove(await this.redis.smembers(this.conv(conversation)));
    await this.redis.del(this.conv(conversation));
    return removed;
  }

  private async remove(ids: string[]): Promise<number> {
    let removed = 0;
    // In slices: a purge after a long pause may find many.
    for (let i = 0; i < ids.length; i += 200) {
      const slice = ids.slice(i, i + 200);
      const metas = await this.readMetas(slice);
      const tx = this.redis.multi();
      for (const [j, id] of slice.entries()) {
        tx.del(this.ep(id), this.facts(id)).zrem(`${this.prefix}started`, id).zrem(`${this.prefix}open`, id);
        const meta = metas[j];
        if (meta) tx.srem(this.conv(meta.conversation), id);
      }
      await tx.exec();
      removed += slice.length;
    }
    return removed;
  }

  private async readMetas(ids: string[]): Promise<(EpisodeMeta | undefined)[]> {
    const p = this.redis.pipeline();
    for (const id of ids) p.hget(this.ep(id), 'meta');
    const got = (await p.exec()) ?? [];
    return got.map(([, raw]) => (typeof raw === 'string' ? (JSON.parse(raw) as EpisodeMeta) : undefined));
  }

  private async records(ids: string[]): Promise<EpisodeRecord[]> {
    if (ids.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hgetall(this.ep(id));
    const hashes = ((await p.exec()) ?? []).map(([, h]) => h as Record<string, string>);
    const open = ids.filter((_, i) => hashes[i]?.meta && !hashes[i]?.summary);
    const q = this.redis.pipeline();
    for (const id of open) q.lrange(this.facts(id), 0, -1);
    const lists = ((await q.exec()) ?? []).map(([, l]) => l as string[]);
    const factsOf = new Map(open.map((id, i) => [id, (lists[i] ?? []).map((f) => JSON.parse(f) as TurnFact)]));
    const out: EpisodeRecord[] = [];
    for (const [i, id] of ids.entries()) {
      const h = hashes[i];
      if (!h?.meta || !h.lastAt) continue;
      const meta = JSON.parse(h.meta) as EpisodeMeta;
      out.push(h.summary ? { meta, lastAt: h.lastAt, summary: JSON.parse(h.summary) as EpisodeSummary } : { meta, lastAt: h.lastAt, facts: factsOf.get(id) ?? [] });
    }
    return out;
  }
}
