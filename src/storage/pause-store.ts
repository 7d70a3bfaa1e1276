import type Redis from 'ioredis';
import { writeCommitted, type Db } from './sqlite';

/**
 * The LINE sellers a person of support is talking to in the LINE Official Account Manager's
 * chat: the bot stays quiet for them until the pause ends or is lifted (see
 * src/channels/line/pause.ts). Keyed by LINE user id. Set by `npm run line:pause`, or by a
 * hand-over when LINE_HANDOVER=chat; no LINE webhook tells the bot that an agent wrote.
 */
export interface PauseStore {
  /** The bot keeps quiet for this LINE user until `until`; `by` says who decided (kept for --list). Replaces an earlier pause. */
  pause(lineUserId: string, until: Date, by: string): Promise<void>;
  /** Ends the user's pause now; false when there was none. */
  lift(lineUserId: string): Promise<boolean>;
  /** When the user's pause ends; undefined when the user is not paused (or the pause is over). */
  pausedUntil(lineUserId: string): Promise<Date | undefined>;
  /** The pauses still running, the soonest to end first. */
  list(): Promise<Pause[]>;
}

export interface Pause {
  lineUserId: string;
  until: Date;
  by: string;
  /** When the pause was set. */
  since: Date;
}

export class SqlitePauseStore implements PauseStore {
  /** Asked on every LINE event of a one-to-one chat: prepared once. */
  private readonly untilStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS line_pause (
      line_user_id TEXT PRIMARY KEY,
      until INTEGER NOT NULL,
      paused_by TEXT NOT NULL,
      since INTEGER NOT NULL
    )`);
    this.untilStmt = db.prepare<[string, number], { until: number }>('SELECT until FROM line_pause WHERE line_user_id = ? AND until > ?');
  }

  async pause(lineUserId: string, until: Date, by: string): Promise<void> {
    const now = this.now();
    await writeCommitted(this.db, () => {
      // Pauses that ended are forgotten as new ones are set: there are few.
      this.db.prepare('DELETE FROM line_pause WHERE until <= ?').run(now);
      this.db
        .prepare('INSERT OR REPLACE INTO line_pause (line_user_id, until, paused_by, since) VALUES (?, ?, ?, ?)')
        .run(lineUserId, until.getTime(), by, now);
    });
  }

  async lift(lineUserId: string): Promise<boolean> {
    const now = this.now();
    return writeCommitted(this.db, () => this.db.prepare('DELETE FROM line_pause WHERE line_user_id = ? AND until > ?').run(lineUserId, now).changes > 0);
  }

  async pausedUntil(lineUserId: string): Promise<Date | undefined> {
    const row = this.untilStmt.get(lineUserId, this.now());
    return row ? new Date(row.until) : undefined;
  }

  async list(): Promise<Pause[]> {
    const rows = this.db
      .prepare<[number], { line_user_id: string; until: number; paused_by: string; since: number }>('SELECT * FROM line_pause WHERE until > ? ORDER BY until')
      .all(this.now());
    return rows.map((r) => ({ lineUserId: r.line_user_id, until: new Date(r.until), by: r.paused_by, since: new Date(r.since) }));
  }
}

/** One key per paused user, which Redis expires when the pause ends: nothing to sweep. */
export class RedisPauseStore implements PauseStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:line:pause:',
    private readonly now: () => number = Date.now,
  ) {}

  async pause(lineUserId: string, until: Date, by: string): Promise<void> {
    const now = this.now();
    const ms = until.getTime() - now;
    if (ms <= 0) {
      await this.redis.del(this.prefix + lineUserId);
      return;
    }
    await this.redis.set(this.prefix + lineUserId, JSON.stringify({ until: until.getTime(), by, since: now }), 'PX', ms);
  }

  async lift(lineUserId: string): Promise<boolean> {
    const raw = await this.redis.getdel(this.prefix + lineUserId);
    return raw !== null && (JSON.parse(raw) as { until: number }).until > this.now();
  }

  async pausedUntil(lineUserId: string): Promise<Date | undefined> {
    const raw = await this.redis.get(this.prefix + lineUserId);
    const until = raw ? (JSON.parse(raw) as { until: number }).until : undefined;
    return until !== undefined && until > this.now() ? new Date(until) : undefined;
  }

  async list(): Promise<Pause[]> {
    const found: Pause[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      const values = keys.length > 0 ? await this.redis.mget(...keys) : [];
      keys.forEach((key, i) => {
        const raw = values[i];
        if (!raw) return;
        const v = JSON.parse(raw) as { until: number; by: string; since: number };
        if (v.until > this.now()) found.push({ lineUserId: key.slice(this.prefix.length), until: new Date(v.until), by: v.by, since: new Date(v.since) });
      });
    } while (cursor !== '0');
    return found.sort((a, b) => a.until.getTime() - b.until.getTime());
  }
}
