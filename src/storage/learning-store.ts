import type Redis from 'ioredis';
import { learnedKey, type LearnedEntry } from '../knowledge/learned';
import { writeCommitted, type Db } from './sqlite';

/**
 * What support taught in the console: the learned entries (phrasings, off-topic examples: the
 * overlay on knowledge/) and which missed messages were reviewed, and how. Entries are unique
 * by kind, topic and text; adding one twice keeps the first.
 */
export interface LearningStore {
  /** Adds the entries not there yet; returns those it added. */
  addLearned(entries: readonly LearnedEntry[]): Promise<LearnedEntry[]>;
  learned(): Promise<LearnedEntry[]>;
  markReviewed(missIds: readonly string[], decision: string, by: string, at: string): Promise<void>;
  reviewed(): Promise<Set<string>>;
  /** Forgets review marks older than `before` (their misses are gone with the retention limit). */
  purgeReviewed(before: Date): Promise<number>;
}

export class SqliteLearningStore implements LearningStore {
  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS learned (key TEXT PRIMARY KEY, entry TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS reviewed_misses (miss_id TEXT PRIMARY KEY, decision TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL);`);
  }

  async addLearned(entries: readonly LearnedEntry[]): Promise<LearnedEntry[]> {
    return writeCommitted(this.db, () => {
      const insert = this.db.prepare('INSERT OR IGNORE INTO learned (key, entry, at) VALUES (?, ?, ?)');
      return entries.filter((e) => insert.run(learnedKey(e), JSON.stringify(e), e.at).changes > 0);
    });
  }

  async learned(): Promise<LearnedEntry[]> {
    return this.db
      .prepare<[], { entry: string }>('SELECT entry FROM learned ORDER BY at, key')
      .all()
      .map((r) => JSON.parse(r.entry) as LearnedEntry);
  }

  async markReviewed(missIds: readonly string[], decision: string, by: string, at: string): Promise<void> {
    await writeCommitted(this.db, () => {
      const mark = this.db.prepare('INSERT OR REPLACE INTO reviewed_misses (miss_id, decision, by, at) VALUES (?, ?, ?, ?)');
      for (const id of missIds) mark.run(id, decision, by, at);
    });
  }

  async reviewed(): Promise<Set<string>> {
    return new Set(this.db.prepare<[], { miss_id: string }>('SELECT miss_id FROM reviewed_misses').all().map((r) => r.miss_id));
  }

  async purgeReviewed(before: Date): Promise<number> {
    return writeCommitted(this.db, () => this.db.prepare('DELETE FROM reviewed_misses WHERE at < ?').run(before.toISOString()).changes);
  }
}

export class RedisLearningStore implements LearningStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:learning:',
  ) {}

  async addLearned(entries: readonly LearnedEntry[]): Promise<LearnedEntry[]> {
    if (entries.length === 0) return [];
    const tx = this.redis.multi();
    for (const e of entries) tx.hsetnx(`${this.prefix}learned`, learnedKey(e), JSON.stringify(e));
    const results = (await tx.exec()) ?? [];
    return entries.filter((_, i) => results[i]?.[1] === 1);
  }

  async learned(): Promise<LearnedEntry[]> {
    const all = Object.values(await this.redis.hgetall(`${this.prefix}learned`)).map((raw) => JSON.parse(raw) as LearnedEntry);
    return all.sort((a, b) => a.at.localeCompare(b.at) || learnedKey(a).localeCompare(learnedKey(b)));
  }

  async markReviewed(missIds: readonly string[], decision: string, by: string, at: string): Promise<void> {
    if (missIds.length === 0) return;
    const value = JSON.stringify({ decision, by, at });
    await this.redis.hset(`${this.prefix}reviewed`, Object.fromEntries(missIds.map((id) => [id, value])));
  }

  async reviewed(): Promise<Set<string>> {
    return new Set(await this.redis.hkeys(`${this.prefix}reviewed`));
  }

  async purgeReviewed(before: Date): Promise<number> {
    const all = await this.redis.hgetall(`${this.prefix}reviewed`);
    const old = Object.entries(all)
      .filter(([, raw]) => (JSON.parse(raw) as { at: string }).at < before.toISOString())
      .map(([id]) => id);
    return old.length > 0 ? this.redis.hdel(`${this.prefix}reviewed`, ...old) : 0;
  }
}
