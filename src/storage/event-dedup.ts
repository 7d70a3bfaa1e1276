import { writeCommitted, type Db } from './sqlite';

/**
 * Remembers ids of things that must happen once (LINE webhook events, which LINE redelivers
 * when it did not see our 200). Kept in the same storage as conversation state, so a restarted
 * bot still recognises an event it already handled.
 */
export interface EventDedupStore {
  /** True the first time an id is claimed (within ttlSeconds), false for every repeat. */
  claim(id: string, ttlSeconds: number): Promise<boolean>;
}

/** How often claim() also deletes expired rows; a sweep per claim would be wasted work. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export class SqliteEventDedupStore implements EventDedupStore {
  private readonly claimStmt;
  private readonly sweepStmt;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS event_dedup (
      id TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    )`);
    db.exec('CREATE INDEX IF NOT EXISTS event_dedup_expiry ON event_dedup (expires_at)');
    // New, or known but expired: claimed (one row changed). One statement is atomic, so two
    // claimers of the same id (two instances on one file) cannot both win, and it needs no
    // transaction of its own inside the caller's (a claim per webhook event).
    this.claimStmt = db.prepare(
      'INSERT INTO event_dedup (id, expires_at) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET expires_at = excluded.expires_at WHERE event_dedup.expires_at <= ?',
    );
    this.sweepStmt = db.prepare('DELETE FROM event_dedup WHERE expires_at <= ?');
  }

  async claim(id: string, ttlSeconds: number): Promise<boolean> {
    return writeCommitted(this.db, () => this.claimNow(id, ttlSeconds));
  }

  /** claim() without the promise, to be part of a caller's transaction. */
  claimNow(id: string, ttlSeconds: number): boolean {
    const now = this.now();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      this.sweepStmt.run(now);
    }
    return this.claimStmt.run(id, now + ttlSeconds * 1000, now).changes === 1;
  }
}
