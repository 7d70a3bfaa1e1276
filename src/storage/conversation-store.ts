import { TRANSCRIPT_LIMIT, type ConversationState, type TranscriptEntry } from '../conversation/state';
import { writeCommitted, type Db } from './sqlite';

/**
 * Conversation state by key (channel:conversationId), forgotten after a period of silence, and
 * the conversation's transcript beside it: appended to, its last TRANSCRIPT_LIMIT lines kept,
 * read only for a hand-over.
 */
export interface ConversationStore {
  /** The state is the caller's to change: a store may hand over the object it saved last (not a copy). */
  get(key: string): Promise<ConversationState | undefined>;
  /**
   * Saves the state (its `transcript` is not stored with it) and appends `lines` to the
   * transcript. The store may keep the object: the caller does not change it afterwards.
   */
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

/** Conversations whose parsed state the SQLite store keeps in memory (see `recent`). */
const RECENT_STATES = 2_000;
/**
 * A conversation's transcript is cut back to its last TRANSCRIPT_LIMIT lines about once in
 * this many lines appended (readers take the last lines anyway): cutting at every turn cost
 * a scan of the transcript and a write of its oldest pages per turn.
 */
const TRIM_EVERY = 8;

export class SqliteConversationStore implements ConversationStore {
  /**
   * The states this process saved last, parsed, oldest first: a conversation's next turn
   * usually follows within minutes, and reading it back cost a query and a JSON parse of a
   * few kilobytes per turn. Only this process writes its SQLite file (one web process per
   * DATA_DIR), so what it saved is what the file holds. `get` hands the object over (it leaves
   * the map, the caller may change it) and `set` puts the saved one back, once committed.
   */
  private readonly recent = new Map<string, { state: ConversationState; expiresAt: number }>();
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
    const kept = this.recent.get(key);
    if (kept) {
      this.recent.delete(key);
      if (kept.expiresAt > this.now()) return kept.state;
    }
    const row = this.getStmt.get(key, this.now());
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  }

  async set(key: string, state: ConversationState, ttlSeconds: number, lines: TranscriptEntry[] = []): Promise<void> {
    const stored = withoutTranscript(state);
    const json = JSON.stringify(stored);
    const encoded = lines.map((l) => JSON.stringify(l));
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.recent.delete(key);
    await writeCommitted(this.db, () => {
      this.setStmt.run(key, json, expiresAt);
      let trim = false;
      for (const line of encoded) trim = Number(this.appendLine.run(key, line).lastInsertRowid) % TRIM_EVERY === 0 || trim;
      if (trim) this.trimLines.run(key, key);
    });
    this.recent.set(key, { state: stored, expiresAt });
    if (this.recent.size > RECENT_STATES) this.recent.delete(this.recent.keys().next().value as string);
  }

  async transcript(key: string): Promise<TranscriptEntry[]> {
    return this.readLines.all(key, TRANSCRIPT_LIMIT).map((r) => JSON.parse(r.line) as TranscriptEntry);
  }

  async delete(key: string): Promise<void> {
    this.recent.delete(key);
    await writeCommitted(this.db, () => {
      this.deleteStmt.run(key);
      this.deleteLines.run(key);
    });
  }

  async sweep(): Promise<number> {
    const now = this.now();
    for (const [key, kept] of this.recent) if (kept.expiresAt <= now) this.recent.delete(key);
    const swept = this.sweepStmt.run(this.now()).changes;
    if (swept > 0) this.sweepLines.run();
    return swept;
  }
}
