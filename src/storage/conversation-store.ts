import type { ConversationState } from '../conversation/state';
import { writeCommitted, type Db } from './sqlite';

/** Conversation state by key (channel:conversationId), forgotten after a period of silence. */
export interface ConversationStore {
  get(key: string): Promise<ConversationState | undefined>;
  set(key: string, state: ConversationState, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes expired conversations; returns how many. */
  sweep(): Promise<number>;
}

export class SqliteConversationStore implements ConversationStore {
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;
  private readonly sweepStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS conversation_state (
      key TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    )`);
    db.exec('CREATE INDEX IF NOT EXISTS conversation_state_expiry ON conversation_state (expires_at)');
    this.getStmt = db.prepare<[string, number], { state: string }>('SELECT state FROM conversation_state WHERE key = ? AND expires_at > ?');
    this.setStmt = db.prepare(
      'INSERT INTO conversation_state (key, state, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM conversation_state WHERE key = ?');
    this.sweepStmt = db.prepare('DELETE FROM conversation_state WHERE expires_at <= ?');
  }

  async get(key: string): Promise<ConversationState | undefined> {
    const row = this.getStmt.get(key, this.now());
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  }

  async set(key: string, state: ConversationState, ttlSeconds: number): Promise<void> {
    const json = JSON.stringify(state);
    await writeCommitted(this.db, () => this.setStmt.run(key, json, this.now() + ttlSeconds * 1000));
  }

  async delete(key: string): Promise<void> {
    await writeCommitted(this.db, () => this.deleteStmt.run(key));
  }

  async sweep(): Promise<number> {
    return this.sweepStmt.run(this.now()).changes;
  }
}
