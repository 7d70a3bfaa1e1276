import { writeCommitted, type Db } from './sqlite';

/** One message of a seller's burst, as the gate keeps it (never a secret: see BurstGate). */
export interface Fragment {
  /** The message's own id (LINE's webhookEventId, the Direct Line activity id). */
  id: string;
  text: string;
  /** When this server received it (ms). */
  at: number;
}

/** Where a fragment stands in its conversation's burst. */
export interface BurstPosition {
  /** Undefined when the fragment was never kept. `takenBy`: the fragment whose turn answered it. */
  mine?: { takenBy?: string };
  /** The latest fragment nobody has taken yet. */
  newest?: Fragment;
}

/**
 * The messages of a conversation that came in a row and wait to be answered together. Shared by
 * every instance (Redis) or process (SQLite), so fragments received by different instances join
 * the same burst.
 */
export interface BurstStore {
  /** Adds the fragment to the conversation's burst (a repeated id is ignored). */
  add(conversationId: string, fragment: Fragment): Promise<void>;
  position(conversationId: string, id: string): Promise<BurstPosition>;
  /**
   * The fragments up to and including `throughId` that nobody had taken are taken by it; returns
   * every fragment it has taken, oldest first (so a turn played again gets the same text).
   */
  take(conversationId: string, throughId: string): Promise<Fragment[]>;
}

/**
 * Fragments are forgotten this long after they came: a burst is answered within seconds, and a
 * piece whose turn never ran (its process died) must not join what the seller types tomorrow.
 */
export const FRAGMENT_TTL_MS = 10 * 60 * 1000;

type Row = Fragment & { seq: number; taken_by: string | null };

export class SqliteBurstStore implements BurstStore {
  private readonly insert;
  private readonly forgetStale;
  private readonly mineStmt;
  private readonly newestStmt;
  private readonly takeTx: (conversationId: string, throughId: string) => Fragment[];

  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS burst_fragment (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      conversation_id TEXT NOT NULL,
      id TEXT NOT NULL,
      text TEXT NOT NULL,
      at INTEGER NOT NULL,
      taken_by TEXT,
      UNIQUE (conversation_id, id)
    )`);
    this.insert = db.prepare('INSERT OR IGNORE INTO burst_fragment (conversation_id, id, text, at) VALUES (?, ?, ?, ?)');
    this.forgetStale = db.prepare('DELETE FROM burst_fragment WHERE at < ?');
    this.mineStmt = db.prepare<[string, string], Row>('SELECT * FROM burst_fragment WHERE conversation_id = ? AND id = ?');
    this.newestStmt = db.prepare<[string], Row>('SELECT * FROM burst_fragment WHERE conversation_id = ? AND taken_by IS NULL ORDER BY seq DESC LIMIT 1');
    const mark = db.prepare('UPDATE burst_fragment SET taken_by = ? WHERE conversation_id = ? AND taken_by IS NULL AND seq <= ?');
    const takenBy = db.prepare<[string, string], Row>('SELECT * FROM burst_fragment WHERE conversation_id = ? AND taken_by = ? ORDER BY seq');
    this.takeTx = db.transaction((conversationId: string, throughId: string) => {
      const mine = this.mineStmt.get(conversationId, throughId);
      if (mine && mine.taken_by === null) mark.run(throughId, conversationId, mine.seq);
      return takenBy.all(conversationId, throughId).map(fragmentOf);
    });
  }

  async add(conversationId: string, f: Fragment): Promise<void> {
    await writeCommitted(this.db, () => {
      // The pieces' own clock: what came long before this one is stale.
      this.forgetStale.run(f.at - FRAGMENT_TTL_MS);
      this.insert.run(conversationId, f.id, f.text, f.at);
    });
  }

  async position(conversationId: string, id: string): Promise<BurstPosition> {
    const mine = this.mineStmt.get(conversationId, id);
    const newest = this.newestStmt.get(conversationId);
    return { mine: mine && { takenBy: mine.taken_by ?? undefined }, newest: newest && fragmentOf(newest) };
  }

  async take(conversationId: string, throughId: string): Promise<Fragment[]> {
    return writeCommitted(this.db, () => this.takeTx(conversationId, throughId));
  }
}

const fragmentOf = (r: Row): Fragment => ({ id: r.id, text: r.text, at: r.at });
