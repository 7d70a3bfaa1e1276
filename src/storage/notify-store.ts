import type Redis from 'ioredis';
import { LuaScript } from './lua-script';
import type { Db } from './sqlite';

/**
 * What the proactive expiry warning remembers: which warnings went out (never twice for a store
 * and its expiry date), the day each LINE user was last warned (one a day), who said "stop",
 * the day of the last finished pass, and a lock so that one pass runs at a time, across the
 * processes on one SQLite file (the server and `npm run notify:expiring`) or the instances on
 * one Redis.
 */
export interface NotifyStore {
  /** Whether the LINE user turned the warnings off, and the Bangkok day (YYYY-MM-DD) they were last warned. */
  seller(lineUserId: string): Promise<{ stopped: boolean; lastWarnedDay?: string }>;
  setStopped(lineUserId: string, stopped: boolean): Promise<void>;
  /** Of these warning keys, the ones already sent. */
  sentOf(keys: string[]): Promise<Set<string>>;
  /** A warning went out: its key is kept `keepSeconds`, and `day` is the user's last warned day. */
  recordSent(lineUserId: string, key: string, day: string, keepSeconds: number): Promise<void>;
  lastPassDay(): Promise<string | undefined>;
  setLastPassDay(day: string): Promise<void>;
  /** Takes the pass lock for `ttlMs`, or extends it when `owner` holds it: false while another owner does. */
  lock(owner: string, ttlMs: number): Promise<boolean>;
  unlock(owner: string): Promise<void>;
}

export class SqliteNotifyStore implements NotifyStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_seller (line_user_id TEXT PRIMARY KEY, stopped INTEGER NOT NULL DEFAULT 0, last_warned_day TEXT)`);
    db.exec(`CREATE TABLE IF NOT EXISTS notify_sent (key TEXT PRIMARY KEY, line_user_id TEXT NOT NULL, keep_until INTEGER NOT NULL)`);
    db.exec(`CREATE TABLE IF NOT EXISTS notify_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL, until INTEGER)`);
  }

  async seller(lineUserId: string): Promise<{ stopped: boolean; lastWarnedDay?: string }> {
    const row = this.db.prepare('SELECT stopped, last_warned_day FROM notify_seller WHERE line_user_id = ?').get(lineUserId) as
      | { stopped: number; last_warned_day: string | null }
      | undefined;
    return { stopped: row?.stopped === 1, ...(row?.last_warned_day ? { lastWarnedDay: row.last_warned_day } : {}) };
  }

  async setStopped(lineUserId: string, stopped: boolean): Promise<void> {
    this.db
      .prepare('INSERT INTO notify_seller (line_user_id, stopped) VALUES (?, ?) ON CONFLICT(line_user_id) DO UPDATE SET stopped = excluded.stopped')
      .run(lineUserId, stopped ? 1 : 0);
  }

  async sentOf(keys: string[]): Promise<Set<string>> {
    const stmt = this.db.prepare('SELECT 1 FROM notify_sent WHERE key = ? AND keep_until > ?');
    const now = this.now();
    return new Set(keys.filter((k) => stmt.get(k, now) !== undefined));
  }

  async recordSent(lineUserId: string, key: string, day: string, keepSeconds: number): Promise<void> {
    const now = this.now();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM notify_sent WHERE keep_until <= ?').run(now);
      this.db.prepare('INSERT OR REPLACE INTO notify_sent (key, line_user_id, keep_until) VALUES (?, ?, ?)').run(key, lineUserId, now + keepSeconds * 1000);
      this.db
        .prepare('INSERT INTO notify_seller (line_user_id, last_warned_day) VALUES (?, ?) ON CONFLICT(line_user_id) DO UPDATE SET last_warned_day = excluded.last_warned_day')
        .run(lineUserId, day);
    })();
  }

  async lastPassDay(): Promise<string | undefined> {
    return (this.db.prepare("SELECT value FROM notify_meta WHERE name = 'last-pass-day'").get() as { value: string } | undefined)?.value;
  }

  async setLastPassDay(day: string): Promise<void> {
    this.db.prepare("INSERT OR REPLACE INTO notify_meta (name, value) VALUES ('last-pass-day', ?)").run(day);
  }

  async lock(owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return this.db.transaction(() => {
      const held = this.db.prepare("SELECT value, until FROM notify_meta WHERE name = 'lock'").get() as { value: string; until: number } | undefined;
      if (held && held.value !== owner && held.until > now) return false;
      this.db.prepare("INSERT OR REPLACE INTO notify_meta (name, value, until) VALUES ('lock', ?, ?)").run(owner, now + ttlMs);
      return true;
    })();
  }

  async unlock(owner: string): Promise<void> {
    this.db.prepare("DELETE FROM notify_meta WHERE name = 'lock' AND value = ?").run(owner);
  }
}

/** Takes the lock when free, extends it when the caller holds it (KEYS[1] lock, ARGV owner, ttl ms). */
const LOCK = new LuaScript(`
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`);

const UNLOCK = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * Per LINE user a hash `seller:<id>` (stopped, day), kept without expiry: a "stop" holds until
 * the seller says otherwise. Sent warnings are `sent:<key>` keys that expire on their own.
 */
export class RedisNotifyStore implements NotifyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:notify:',
  ) {}

  async seller(lineUserId: string): Promise<{ stopped: boolean; lastWarnedDay?: string }> {
    const [stopped, day] = await this.redis.hmget(`${this.prefix}seller:${lineUserId}`, 'stopped', 'day');
    return { stopped: stopped === '1', ...(day ? { lastWarnedDay: day } : {}) };
  }

  async setStopped(lineUserId: string, stopped: boolean): Promise<void> {
    await this.redis.hset(`${this.prefix}seller:${lineUserId}`, 'stopped', stopped ? '1' : '0');
  }

  async sentOf(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const found = await this.redis.mget(keys.map((k) => `${this.prefix}sent:${k}`));
    return new Set(keys.filter((_, i) => found[i] !== null));
  }

  async recordSent(lineUserId: string, key: string, day: string, keepSeconds: number): Promise<void> {
    await this.redis
      .multi()
      .set(`${this.prefix}sent:${key}`, lineUserId, 'EX', Math.max(1, Math.round(keepSeconds)))
      .hset(`${this.prefix}seller:${lineUserId}`, 'day', day)
      .exec();
  }

  async lastPassDay(): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}last-pass-day`)) ?? undefined;
  }

  async setLastPassDay(day: string): Promise<void> {
    await this.redis.set(`${this.prefix}last-pass-day`, day);
  }

  async lock(owner: string, ttlMs: number): Promise<boolean> {
    return (await LOCK.run(this.redis, [`${this.prefix}lock`], [owner, Math.max(1, Math.round(ttlMs))])) === 1;
  }

  async unlock(owner: string): Promise<void> {
    await UNLOCK.run(this.redis, [`${this.prefix}lock`], [owner]);
  }
}
