import { writeCommitted, type Db } from './sqlite';

export interface DirectLineConversation {
  conversationId: string;
  userId: string;
  /** The BigSeller account proven by the identity token when the conversation was opened. */
  accountId?: string;
  createdAt: string;
}

/** A stored activity: the JSON body plus its position in the conversation. */
export type StoredActivity = Record<string, unknown> & { id: string };

/** Where an activity was added; `repeated`: it was not, its client id was seen (see appendActivity). */
export interface Appended {
  id: string;
  watermark: number;
  repeated?: true;
}

/**
 * The id a client gave its own message (`channelData.clientActivityID`), which it sends again
 * when it retries; undefined for the bot's activities.
 */
export function clientActivityIdOf(activity: Record<string, unknown>): string | undefined {
  const from = activity.from as { role?: unknown } | undefined;
  const id = (activity.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
  return from?.role === 'user' && typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Conversations and activities of the Direct Line channel (polling clients read from here).
 * Async so that a shared implementation (Redis, ./redis-directline-store.ts) can stand in for SQLite when
 * several instances serve the same widget.
 */
export interface DirectLineStore {
  createConversation(c: DirectLineConversation): Promise<void>;
  getConversation(conversationId: string): Promise<DirectLineConversation | undefined>;
  /**
   * Adds an activity and gives it its id and watermark (its sequence number). A user's activity
   * whose `channelData.clientActivityID` was already accepted in the conversation is not added:
   * the first one's id comes back, with `repeated` (a client retrying after a lost answer). The
   * check and the addition are one step, whichever instance writes, and the ids are remembered as
   * long as the conversation.
   */
  appendActivity(conversationId: string, activity: Record<string, unknown>): Promise<Appended>;
  /** Activities after the watermark, oldest first, and the new watermark. */
  listActivities(conversationId: string, watermark: number): Promise<{ activities: StoredActivity[]; watermark: number }>;
  /** Forgets conversations idle for longer than the retention; returns how many. */
  sweep(now: Date): Promise<number>;
  /** The conversations a (web) user id opened that are still kept (a seller's data, PDPA). */
  conversationsOf(userId: string): Promise<string[]>;
  /** Forgets a conversation and its activities now; false when there was none. */
  forgetConversation(conversationId: string): Promise<boolean>;
  /**
   * Calls `onAdded` when an activity is added to the conversation, by this instance or by another
   * one sharing the store (Redis: pub/sub), so that open streams push instead of polling. Returns
   * the function that stops watching.
   */
  watch(conversationId: string, onAdded: () => void): () => void;
  /** Lets go of what watching holds (Redis: its subscriber connection). */
  close(): Promise<void>;
}

/** Who watches which conversation, in one process. */
export class ConversationWatchers {
  private readonly byConversation = new Map<string, Set<() => void>>();

  /** Returns the function that removes it, and whether it was the conversation's first watcher. */
  add(conversationId: string, onAdded: () => void): { first: boolean; remove: () => { last: boolean } } {
    let set = this.byConversation.get(conversationId);
    const first = !set;
    if (!set) this.byConversation.set(conversationId, (set = new Set()));
    set.add(onAdded);
    return {
      first,
      remove: () => {
        set.delete(onAdded);
        // Only the set still registered is dropped (a later watcher may have started a new one).
        const last = set.size === 0 && this.byConversation.get(conversationId) === set;
        if (last) this.byConversation.delete(conversationId);
        return { last };
      },
    };
  }

  watched(conversationId: string): boolean {
    return this.byConversation.has(conversationId);
  }

  added(conversationId: string): void {
    for (const onAdded of this.byConversation.get(conversationId) ?? []) onAdded();
  }
}

/** The SQLite file has one process writing it: watchers of one database share one list. */
const sqliteWatchers = new WeakMap<Db, ConversationWatchers>();

/** A chat longer than this is not one a seller scrolls back through; older activities are dropped. */
export const KEEP_ACTIVITIES = 500;
export const RETENTION_DAYS = 7;

/**
 * Direct Line ids look like Microsoft's (`<conversation>|0000001`): zero-padded so they also sort
 * as strings, which some clients do.
 */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

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
  private readonly selectClientActivity;
  private readonly insertClientActivity;
  private readonly sweepClientActivities;
  private readonly append;
  private readonly clock: () => number;
  private readonly watchers: ConversationWatchers;

  /** `now` is the clock behind "last active" (tests move it to exercise the sweep). */
  constructor(
    private readonly db: Db,
    opts: { now?: () => Date } = {},
  ) {
    const now = opts.now;
    let watchers = sqliteWatchers.get(db);
    if (!watchers) sqliteWatchers.set(db, (watchers = new ConversationWatchers()));
    this.watchers = watchers;
    this.clock = now ? () => now().getTime() : Date.now;
    db.exec(`CREATE TABLE IF NOT EXISTS dl_conversation (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      account_id TEXT,
      created_at TEXT NOT NULL,
      last_active_at INTEGER NOT NULL
    )`);
    db.exec('CREATE INDEX IF NOT EXISTS dl_conversation_last_active ON dl_conversation (last_active_at)');
    db.exec(`CREATE TABLE IF NOT EXISTS dl_activity (
      conversation_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (conversation_id, seq)
    )`);
    // The client ids of the seller's messages, for as long as the conversation (activities are trimmed).
    db.exec(`CREATE TABLE IF NOT EXISTS dl_client_activity (
      conversation_id TEXT NOT NULL,
      client_activity_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, client_activity_id)
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
    this.selectClientActivity = db.prepare<[string, string], { seq: number }>(
      'SELECT seq FROM dl_client_activity WHERE conversation_id = ? AND client_activity_id = ?',
    );
    this.insertClientActivity = db.prepare('INSERT INTO dl_client_activity (conversation_id, client_activity_id, seq) VALUES (?, ?, ?)');
    this.sweepClientActivities = db.prepare(
      'DELETE FROM dl_client_activity WHERE conversation_id IN (SELECT id FROM dl_conversation WHERE last_active_at < ?)',
    );
    // The number is taken and used in one transaction, so two writers never share one; the
    // trimmed rows are always below the newest KEEP_ACTIVITIES, so the numbering never restarts.
    // A client id is looked up and claimed in the same transaction (and the key refuses a second claim).
    this.append = db.transaction((conversationId: string, activity: Record<string, unknown>): Appended => {
      const clientId = clientActivityIdOf(activity);
      const seen = clientId === undefined ? undefined : this.selectClientActivity.get(conversationId, clientId);
      if (seen) return { id: activityId(conversationId, seen.seq), watermark: seen.seq, repeated: true };
      const seq = this.nextSeq.get(conversationId)!.seq;
      const id = activityId(conversationId, seq);
      this.insertActivity.run(conversationId, seq, JSON.stringify({ ...activity, id }));
      if (clientId !== undefined) this.insertClientActivity.run(conversationId, clientId, seq);
      if (seq > KEEP_ACTIVITIES) this.trim.run(conversationId, seq - KEEP_ACTIVITIES);
      this.touch.run(this.clock(), conversationId);
      return { id, watermark: seq };
    });
  }

  async createConversation(c: DirectLineConversation): Promise<void> {
    await writeCommitted(this.db, () => this.insertConversation.run(c.conversationId, c.userId, c.accountId ?? null, c.createdAt, this.clock()));
  }

  async getConversation(conversationId: string): Promise<DirectLineConversation | undefined> {
    const row = this.selectConversation.get(conversationId);
    return row ? { conversationId: row.id, userId: row.user_id, accountId: row.account_id ?? undefined, createdAt: row.created_at } : undefined;
  }

  async appendActivity(conversationId: string, activity: Record<string, unknown>): Promise<Appended> {
    const added = await writeCommitted(this.db, () => this.append(conversationId, activity));
    if (!added.repeated) this.watchers.added(conversationId);
    return added;
  }

  watch(conversationId: string, onAdded: () => void): () => void {
    const { remove } = this.watchers.add(conversationId, onAdded);
    return () => void remove();
  }

  async close(): Promise<void> {}

  async listActivities(conversationId: string, watermark: number): Promise<{ activities: StoredActivity[]; watermark: number }> {
    const rows = this.selectActivities.all(conversationId, watermark);
    // Nothing new: the watermark stays where the client is (never moves backwards, even if the
    // client sent one beyond the end).
    const last = rows.length > 0 ? rows[rows.length - 1].seq : Math.max(watermark, this.lastSeq.get(conversationId)!.seq);
    return { activities: rows.map((r) => JSON.parse(r.body) as StoredActivity), watermark: last };
  }

  async conversationsOf(userId: string): Promise<string[]> {
    return this.db
      .prepare<[string], { id: string }>('SELECT id FROM dl_conversation WHERE user_id = ? ORDER BY created_at')
      .all(userId)
      .map((r) => r.id);
  }

  async forgetConversation(conversationId: string): Promise<boolean> {
    return writeCommitted(this.db, () => {
      for (const table of ['dl_activity', 'dl_client_activity']) this.db.prepare(`DELETE FROM ${table} WHERE conversation_id = ?`).run(conversationId);
      return this.db.prepare('DELETE FROM dl_conversation WHERE id = ?').run(conversationId).changes > 0;
    });
  }

  async sweep(now: Date): Promise<number> {
    const cutoff = now.getTime() - RETENTION_DAYS * 24 * 3600 * 1000;
    return this.db.transaction(() => {
      this.sweepActivities.run(cutoff);
      this.sweepClientActivities.run(cutoff);
      return this.sweepConversations.run(cutoff).changes;
    })();
  }
}
