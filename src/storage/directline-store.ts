import type { Db } from './sqlite';

export interface DirectLineConversation {
  conversationId: string;
  userId: string;
  /** The BigSeller account proven by the identity token when the conversation was opened. */
  accountId?: string;
  createdAt: string;
}

/** A stored activity: the JSON body plus its position in the conversation. */
export type StoredActivity = Record<string, unknown> & { id: string };

/** Conversations and activities of the Direct Line channel (polling clients read from here). */
export interface DirectLineStore {
  createConversation(c: DirectLineConversation): Promise<void>;
  getConversation(conversationId: string): Promise<DirectLineConversation | undefined>;
  /** Adds an activity and gives it its id and watermark (its sequence number). */
  appendActivity(conversationId: string, activity: Record<string, unknown>): Promise<{ id: string; watermark: number }>;
  /** Activities after the watermark, oldest first, and the new watermark. */
  listActivities(conversationId: string, watermark: number): Promise<{ activities: StoredActivity[]; watermark: number }>;
  /** Forgets conversations idle for longer than the retention. */
  sweep(now: Date): Promise<number>;
}

export const KEEP_ACTIVITIES = 500;
export const RETENTION_DAYS = 7;

export class SqliteDirectLineStore implements DirectLineStore {
  private readonly insertConversation;
  private readonly selectConversation;
  private readonly touch;
  private readonly nextSeq;
  private readonly insertActivity;
  private readonly trim;
  private readonly selectActivities;
  private readonly lastSeq;
  private readonly sweepActivities;
  private readonly sweepConversations;
  private readonly append;

  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS dl_conversation (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      account_id TEXT,
      created_at TEXT NOT NULL,
      last_active_at INTEGER NOT NULL
    )`);
    db.exec(`CREATE TABLE IF NOT EXISTS dl_activity (
      conversation_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (conversation_id, seq)
    )`);
    this.insertConversation = db.prepare('INSERT INTO dl_conversation (id, user_id, account_id, created_at, last_active_at) VALUES (?, ?, ?, ?, ?)');
    this.selectConversation = db.prepare<[string], { id: string; user_id: string; account_id: string | null; created_at: string }>(
      'SELECT id, user_id, account_id, created_at FROM dl_conversation WHERE id = ?',
    );
    this.touch = db.prepare('UPDATE dl_conversation SET last_active_at = ? WHERE id = ?');
    this.nextSeq = db.prepare<[string], { seq: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM dl_activity WHERE conversation_id = ?');
    this.insertActivity = db.prepare('INSERT INTO dl_activity (conversation_id, seq, body) VALUES (?, ?, ?)');
    this.trim = db.prepare('DELETE FROM dl_activity WHERE conversation_id = ? AND seq <= ?');
    this.selectActivities = db.prepare<[string, number], { seq: number; body: string }>(
      'SELECT seq, body FROM dl_activity WHERE conversation_id = ? AND seq > ? ORDER BY seq',
    );
    this.lastSeq = db.prepare<[string], { seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM dl_activity WHERE conversation_id = ?');
    this.sweepActivities = db.prepare('DELETE FROM dl_activity WHERE conversation_id IN (SELECT id FROM dl_conversation WHERE last_active_at < ?)');
    this.sweepConversations = db.prepare('DELETE FROM dl_conversation WHERE last_active_at < ?');
    // Sequence numbers are taken and used in one transaction, so two writers never share one.
    this.append = db.transaction((conversationId: string, activity: Record<string, unknown>) => {
      const seq = this.nextSeq.get(conversationId)!.seq;
      const id = `${conversationId}|${String(seq).padStart(7, '0')}`;
      this.insertActivity.run(conversationId, seq, JSON.stringify({ ...activity, id }));
      if (seq > KEEP_ACTIVITIES) this.trim.run(conversationId, seq - KEEP_ACTIVITIES);
      this.touch.run(Date.now(), conversationId);
      return { id, watermark: seq };
    });
  }

  async createConversation(c: DirectLineConversation): Promise<void> {
    this.insertConversation.run(c.conversationId, c.userId, c.accountId ?? null, c.createdAt, Date.now());
  }

  async getConversation(conversationId: string): Promise<DirectLineConversation | undefined> {
    const row = this.selectConversation.get(conversationId);
    return row ? { conversationId: row.id, userId: row.user_id, accountId: row.account_id ?? undefined, createdAt: row.created_at } : undefined;
  }

  async appendActivity(conversationId: string, activity: Record<string, unknown>): Promise<{ id: string; watermark: number }> {
    return this.append(conversationId, activity);
  }

  async listActivities(conversationId: string, watermark: number): Promise<{ activities: StoredActivity[]; watermark: number }> {
    const rows = this.selectActivities.all(conversationId, watermark);
    const last = rows.length > 0 ? rows[rows.length - 1].seq : Math.max(watermark, this.lastSeq.get(conversationId)!.seq);
    return { activities: rows.map((r) => JSON.parse(r.body) as StoredActivity), watermark: last };
  }

  async sweep(now: Date): Promise<number> {
    const cutoff = now.getTime() - RETENTION_DAYS * 24 * 3600 * 1000;
    return this.db.transaction(() => {
      this.sweepActivities.run(cutoff);
      return this.sweepConversations.run(cutoff).changes;
    })();
  }
}
