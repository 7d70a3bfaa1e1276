import type { ConversationStore } from '../conversation/ports';
import { TRANSCRIPT_LIMIT, type ConversationState, type TranscriptEntry } from '../conversation/state';
import { RecentStates } from './recent-states';
import { writeCommitted, type Db } from './sqlite';

/** Declared by the conversation (its port); implemented here and in redis-conversation-store.ts. */
export type { ConversationStore, HeldConversation } from '../conversation/ports';

/** The state as stored: without its transcript lines, which are stored apart. */
export function withoutTranscript(state: ConversationState): ConversationState {
  return state.transcript.length === 0 ? state : { ...state, transcript: [] };
}

/**
 * A conversation's transcript is cut back to its last TRANSCRIPT_LIMIT turns about once in this
 * many turns (when the new row's number is a multiple of it; readers take the last lines
 * anyway): cutting at every turn cost a scan of the index and a write of the oldest page.
 */
const TRIM_EVERY = 8;

export class SqliteConversationStore implements ConversationStore {
  /**
   * The states this process saved last (up to 2,000), parsed: a conversation's next turn
   * usually follows within minutes, and reading it back cost a query and a JSON parse of a
   * few kilobytes per turn. Only this process writes its SQLite file (one web process per
   * DATA_DIR), so what it saved is what the file holds. `get` hands the object over (it leaves
   * the map, the caller may change it) and `set` puts the saved one back, once committed.
   */
  private readonly recent = new RecentStates<{ state: ConversationState; expiresAt: number }>();
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;
  private readonly sweepStmt;
  private readonly appendLines;
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
    // The transcript: one row per turn (its lines as a JSON array), numbered in the order
    // written, with an index by conversation. A row per line, numbered by AUTOINCREMENT (which
    // writes its own counter), had cost about a tenth of a turn's storage time per line.
    // (Clustered by conversation, WITHOUT ROWID, was slower still: inserts in the middle of the
    // table split its pages.)
    db.exec(`CREATE TABLE IF NOT EXISTS conversation_lines (
      seq INTEGER PRIMARY KEY,
      key TEXT NOT NULL,
      lines TEXT NOT NULL
    )`);
    db.exec('CREATE INDEX IF NOT EXISTS conversation_lines_key ON conversation_lines (key, seq)');
    migrateLineTable(db);
    this.getStmt = db.prepare<[string, number], { state: string }>('SELECT state FROM conversation_state WHERE key = ? AND expires_at > ?');
    this.setStmt = db.prepare(
      'INSERT INTO conversation_state (key, state, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM conversation_state WHERE key = ?');
    this.sweepStmt = db.prepare('DELETE FROM conversation_state WHERE expires_at <= ?');
    this.appendLines = db.prepare('INSERT INTO conversation_lines (key, lines) VALUES (?, ?)');
    this.trimLines = db.prepare(
      `DELETE FROM conversation_lines WHERE key = ? AND seq <= (
         SELECT seq FROM conversation_lines WHERE key = ? ORDER BY seq DESC LIMIT 1 OFFSET ${TRANSCRIPT_LIMIT})`,
    );
    this.readLines = db.prepare<[string, number], { lines: string }>('SELECT lines FROM conversation_lines WHERE key = ? ORDER BY seq DESC LIMIT ?');
    this.deleteLines = db.prepare('DELETE FROM conversation_lines WHERE key = ?');
    // Transcripts of conversations that expired go with them.
    this.sweepLines = db.prepare('DELETE FROM conversation_lines WHERE key NOT IN (SELECT key FROM conversation_state)');
  }

  async get(key: string): Promise<ConversationState | undefined> {
    const kept = this.recent.take(key);
    if (kept && kept.expiresAt > this.now()) return kept.state;
    const row = this.getStmt.get(key, this.now());
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  }

  async set(key: string, state: ConversationState, ttlSeconds: number, lines: TranscriptEntry[] = []): Promise<void> {
    const stored = withoutTranscript(state);
    const json = JSON.stringify(stored);
    const encoded = lines.length > 0 ? JSON.stringify(lines) : undefined;
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.recent.drop(key);
    await writeCommitted(this.db, () => {
      this.setStmt.run(key, json, expiresAt);
      if (encoded === undefined) return;
      const seq = Number(this.appendLines.run(key, encoded).lastInsertRowid);
      if (seq % TRIM_EVERY === 0) this.trimLines.run(key, key);
    });
    this.recent.keep(key, { state: stored, expiresAt });
  }

  async transcript(key: string): Promise<TranscriptEntry[]> {
    // Newest turn first, each turn's lines in order.
    const turns = this.readLines.all(key, TRANSCRIPT_LIMIT).map((r) => JSON.parse(r.lines) as TranscriptEntry[]);
    return turns.reverse().flat().slice(-TRANSCRIPT_LIMIT);
  }

  async delete(key: string): Promise<void> {
    this.recent.drop(key);
    await writeCommitted(this.db, () => {
      this.deleteStmt.run(key);
      this.deleteLines.run(key);
    });
  }

  async sweep(): Promise<number> {
    const now = this.now();
    this.recent.dropWhere((kept) => kept.expiresAt <= now);
    const swept = this.sweepStmt.run(now).changes;
    if (swept > 0) this.sweepLines.run();
    return swept;
  }
}

/**
 * Databases of earlier versions kept the transcript one line per row (conversation_transcript):
 * each line becomes a turn of its own, with the same number. Once, in one transaction, at start-up.
 */
function migrateLineTable(db: Db): void {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversation_transcript'").get();
  if (!old) return;
  db.transaction(() => {
    db.exec(`INSERT OR IGNORE INTO conversation_lines (seq, key, lines) SELECT seq, key, '[' || line || ']' FROM conversation_transcript`);
    db.exec('DROP TABLE conversation_transcript');
  })();
}
