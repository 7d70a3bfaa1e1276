import { TRANSCRIPT_LIMIT, type ConversationState, type TranscriptEntry } from '../conversation/state';
import { writeCommitted, type Db } from './sqlite';

/**
 * Conversation state by key (channel:conversationId), forgotten after a period of silence, and
 * the conversation's transcript beside it: appended to, its last TRANSCRIPT_LIMIT lines kept,
 * read only for a hand-over.
 */
export interface ConversationStore {
  get(key: string): Promise<ConversationState | undefined>;
  /** Saves the state (its `transcript` is not stored with it) and appends `lines` to the transcript. */
  set(key: string, state: ConversationState, ttlSeconds: number, lines?: TranscriptEntry[]): Promise<void>;
  /** The transcript's last lines, oldest first (lines of an earlier conversation under the same key included: filter by time). */
  transcript(key: string): Promise<TranscriptEntry[]>;
  delete(key: string): Promise<void>;
  /** Removes expired conversations; returns how many. */
  sweep(): Promise<number>;
  /**
   * Shared stores only (Redis): reads the state under a lock every instance respects, so one
   * conversation's turns run one at a time across instances. Taking the lock and reading the
   * state is one round trip, and so are saving and letting go.
   */
  hold?(key: string): Promise<HeldConversation>;
}

/** One turn's hold on a conversation (see ConversationStore.hold). */
export interface HeldConversation {
  readonly state: ConversationState | undefined;
  /** Saves as set() does, and lets the next turn in. */
  save(state: ConversationState, ttlSeconds: number, lines?: TranscriptEntry[]): Promise<void>;
  /** Lets the next turn in without saving; nothing after save(). */
  release(): Promise<void>;
}

/** The state as stored: without its transcript lines, which are stored apart. */
export function withoutTranscript(state: ConversationState): ConversationState {
  return state.transcript.length === 0 ? state : { ...state, transcript: [] };
}

export class SqliteConversationStore implements ConversationStore {
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;
  private readonly sweepStmt;
  private readonly appendLine;
  private readonly trimLines;
  private readonly readLines;
  private readonly deleteLines;
  private readonly sweepLines;

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
    db.exec(`CREATE TABLE IF NOT EXISTS conversation_transcript (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL,
      line TEXT NOT NULL
    )`);
    db.exec('CREATE INDEX IF NOT EXISTS conversation_transcript_key ON conversation_transcript (key, seq)');
    this.getStmt = db.prepare<[string, number], { state: string }>('SELECT state FROM conversation_state WHERE key = ? AND expires_at > ?');
    this.setStmt = db.prepare(
      'INSERT INTO conversation_state (key, state, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM conversation_state WHERE key = ?');
    this.sweepStmt = db.prepare('DELETE FROM conversation_state WHERE expires_at <= ?');
    this.appendLine = db.prepare('INSERT INTO conversation_transcript (key, line) VALUES (?, ?)');
    this.trimLines = db.prepare(
      `DELETE FROM conversation_transcript WHERE key = ? AND seq <= (
         SELECT seq FROM conversation_transcript WHERE key = ? ORDER BY seq DESC LIMIT 1 OFFSET ${TRANSCRIPT_LIMIT})`,
    );
    this.readLines = db.prepare<[string, number], { line: string }>(
      'SELECT line FROM (SELECT seq, line FROM conversation_transcript WHERE key = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq',
    );
    this.deleteLines = db.prepare('DELETE FROM conversation_transcript WHERE key = ?');
    // Transcripts of conversations that expired go with them.
    this.sweepLines = db.prepare('DELETE FROM conversation_transcript WHERE key NOT IN (SELECT key FROM conversation_state)');
  }

  async get(key: string): Promise<ConversationState | undefined> {
    const row = this.getStmt.get(key, this.now());
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  }

  async set(key: string, state: ConversationState, ttlSeconds: number, lines: TranscriptEntry[] = []): Promise<void> {
    const json = JSON.stringify(withoutTranscript(state));
    const encoded = lines.map((l) => JSON.stringify(l));
    await writeCommitted(this.db, () => {
      this.setStmt.run(key, json, this.now() + ttlSeconds * 1000);
      if (encoded.length === 0) return;
      for (const line of encoded) this.appendLine.run(key, line);
      this.trimLines.run(key, key);
    });
  }

  async transcript(key: string): Promise<TranscriptEntry[]> {
    return this.readLines.all(key, TRANSCRIPT_LIMIT).map((r) => JSON.parse(r.line) as TranscriptEntry);
  }

  async delete(key: string): Promise<void> {
    await writeCommitted(this.db, () => {
      this.deleteStmt.run(key);
      this.deleteLines.run(key);
    });
  }

  async sweep(): Promise<number> {
    const swept = this.sweepStmt.run(this.now()).changes;
    if (swept > 0) this.sweepLines.run();
    return swept;
  }
}
