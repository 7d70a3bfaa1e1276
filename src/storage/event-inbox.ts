import { writeCommitted, type Db } from './sqlite';
import { SqliteEventDedupStore } from './event-dedup';

/** An event acknowledged to its sender and not yet handled. */
export interface PendingEvent {
  id: string;
  /** As accepted (secrets already removed by the caller). */
  body: string;
  receivedAt: number;
}

/**
 * Webhook events from the moment we acknowledge them until they are handled. LINE does not
 * redeliver an event it saw acknowledged, so an instance that dies between its 200 and its
 * answer would lose the event; kept here, a live instance (or the restarted one) finishes it.
 *
 * Instances say they are alive (adoptOrphans, every few seconds); the events of an instance
 * that stopped saying so are adopted by the next live one that asks.
 */
export interface EventInbox {
  /** Keeps the event for `owner` unless its id was accepted before (within ttl): false for a repeat. */
  accept(id: string, body: string, receivedAt: number, owner: string, ttlSeconds: number): Promise<boolean>;
  /** The events were handled: their bodies go; their ids stay known, for de-duplication. */
  done(ids: string[]): Promise<void>;
  /** `owner` is alive for `aliveMs` more; it takes over the events of owners that are not, oldest first. */
  adoptOrphans(owner: string, aliveMs: number): Promise<PendingEvent[]>;
  /** `owner` stops (graceful shutdown): what it still holds can be adopted at once. */
  release(owner: string): Promise<void>;
}

export class SqliteEventInbox implements EventInbox {
  private readonly acceptTx: (id: string, body: string, receivedAt: number, owner: string, ttlSeconds: number) => boolean;
  private readonly adoptTx: (owner: string, now: number, aliveUntil: number) => PendingEvent[];
  private readonly doneStmt;
  private readonly releaseStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    const dedup = new SqliteEventDedupStore(db, now);
    db.exec(`CREATE TABLE IF NOT EXISTS event_inbox (
      id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      body TEXT NOT NULL
    )`);
    db.exec('CREATE TABLE IF NOT EXISTS event_inbox_owner (owner TEXT PRIMARY KEY, alive_until INTEGER NOT NULL)');
    const insert = db.prepare('INSERT OR REPLACE INTO event_inbox (id, owner, received_at, body) VALUES (?, ?, ?, ?)');
    this.doneStmt = db.prepare('DELETE FROM event_inbox WHERE id = ?');
    this.releaseStmt = db.prepare('DELETE FROM event_inbox_owner WHERE owner = ?');
    // The id is claimed and the body kept in one transaction: a crash between the two would
    // leave an id that refuses LINE's redelivery with nothing kept to answer it from.
    this.acceptTx = db.transaction((id, body, receivedAt, owner, ttlSeconds) => {
      if (!dedup.claimNow(id, ttlSeconds)) return false;
      insert.run(id, owner, receivedAt, body);
      return true;
    });
    const beat = db.prepare('INSERT INTO event_inbox_owner (owner, alive_until) VALUES (?, ?) ON CONFLICT(owner) DO UPDATE SET alive_until = excluded.alive_until');
    const orphans = db.prepare<[string, number], { id: string; body: string; received_at: number }>(
      `SELECT id, body, received_at FROM event_inbox e WHERE owner != ?
         AND NOT EXISTS (SELECT 1 FROM event_inbox_owner o WHERE o.owner = e.owner AND o.alive_until > ?)
       ORDER BY received_at, id`,
    );
    const take = db.prepare('UPDATE event_inbox SET owner = ? WHERE id = ?');
    const forgetDead = db.prepare('DELETE FROM event_inbox_owner WHERE alive_until <= ?');
    this.adoptTx = db.transaction((owner: string, now: number, aliveUntil: number) => {
      beat.run(owner, aliveUntil);
      const rows = orphans.all(owner, now);
      for (const r of rows) take.run(owner, r.id);
      forgetDead.run(now);
      return rows.map((r) => ({ id: r.id, body: r.body, receivedAt: r.received_at }));
    });
  }

  async accept(id: string, body: string, receivedAt: number, owner: string, ttlSeconds: number): Promise<boolean> {
    return writeCommitted(this.db, () => this.acceptTx(id, body, receivedAt, owner, ttlSeconds));
  }

  async done(ids: string[]): Promise<void> {
    await writeCommitted(this.db, () => {
      for (const id of ids) this.doneStmt.run(id);
    });
  }

  async adoptOrphans(owner: string, aliveMs: number): Promise<PendingEvent[]> {
    const now = this.now();
    return this.adoptTx(owner, now, now + aliveMs);
  }

  async release(owner: string): Promise<void> {
    this.releaseStmt.run(owner);
  }
}
