import { writeCommitted, type Db } from '../storage/sqlite';
import type { EscalationCase, TicketResult, TicketSummary } from './case';
import { redact, redactDeep, redactStatusSnapshot } from './redact';
import { newTicketId } from './ticket';

/**
 * The durable queue of hand-overs. A case is written here (and committed) before the seller is
 * told "we got it"; a delivery loop mails it later, however many restarts or crashes happen in
 * between. Two implementations: SQLite (embedded, polled by `MailSender`) and Redis (a BullMQ
 * queue worked by `QueueMailWorker`, for several instances).
 */
export interface Outbox {
  /** Files a case, or returns the seller's recent ticket (`existing`) or, over the limit, their latest (`limited`). */
  create(c: EscalationCase, opts: CreateOptions): Promise<TicketResult>;
  stats(): Promise<OutboxStats>;
  get(ticket: string): Promise<OutboxRecord | undefined>;
  /** The seller's tickets (by `EscalationCase.userKey`, theirs only) filed after `since`: newest first, at most `limit`. */
  ticketsOf(userKey: string, since: Date, limit: number): Promise<TicketSummary[]>;
  /** Deletes a case (a seller's data deleted): not mailed if it was still waiting; false when there was none. */
  forget(ticket: string): Promise<boolean>;
  /** Deletes the cases filed before `before` that are done with (sent, or given up); returns how many. */
  purgeBefore(before: Date): Promise<number>;
}

/** Outcomes a delivery loop records. */
export interface DeliveryRecords {
  markSent(ticket: string, at: Date): Promise<void>;
  /** Back to `pending`, due again at `nextAttemptAt`. */
  markRetry(ticket: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** Given up: permanent rejection or too old. Kept for operators, never retried. */
  markFailed(ticket: string, error: string): Promise<void>;
}

/** An outbox that a poller claims items from (SQLite). */
export interface ClaimableOutbox extends Outbox, DeliveryRecords {
  /**
   * Takes up to `limit` items that are due (pending and past their next attempt, or `sending`
   * with a claim older than `leaseMs`: the sender that claimed them died) and marks them
   * `sending` with a fresh claim, so two senders never deliver the same item at once.
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]>;
  /** How many cases were sent after `since` (the hourly cap). */
  sentSince(since: Date): Promise<number>;
}

export interface CreateOptions {
  /** A seller asking again about the same (see subjectOf) within this time gets their existing ticket. */
  reuseWindowSeconds: number;
  /** At most this many new tickets per user key within `windowSeconds`. */
  maxPerWindow: number;
  windowSeconds: number;
}

export const DEFAULT_CREATE_OPTIONS: CreateOptions = {
  reuseWindowSeconds: 24 * 3600,
  maxPerWindow: 3,
  windowSeconds: 24 * 3600,
};

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  ticket: string;
  case: EscalationCase;
  /** Attempts so far, including the one this claim starts. */
  attempts: number;
  /** When the case was filed: the give-up clock starts here. */
  createdAt: Date;
}

export interface OutboxRecord extends OutboxItem {
  status: OutboxStatus;
  userKey: string;
  nextAttemptAt: Date;
  claimedAt?: Date;
  sentAt?: Date;
  lastError?: string;
}

export interface OutboxStats {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  /** Age of the oldest case not delivered yet (pending or sending); 0 when there is none. */
  oldestPendingAgeSeconds: number;
}

interface SummaryRow {
  ticket: string;
  status: OutboxStatus;
  attempts: number;
  created_at: number;
  sent_at: number | null;
  /** JSON arrays (json_extract of the case). */
  platforms: string | null;
  error_codes: string | null;
  contact_email: string | null;
}

interface Row {
  ticket: string;
  user_key: string;
  case_json: string;
  status: OutboxStatus;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  claimed_at: number | null;
  sent_at: number | null;
  last_error: string | null;
}

/**
 * Fields the bot made itself, not text typed by the seller: identifiers and the knowledge base's
 * article ids and titles. Redaction would destroy some of them (a LINE user id looks like a
 * token, a 6-digit account id like an OTP code, "Lazada: PASSWORD_NOT_MATCH" like a password)
 * and support needs them intact; the reply address was validated by the conversation.
 */
const BOT_FIELDS = ['userKey', 'channel', 'userRef', 'accountId', 'lang', 'contactEmail', 'createdAt', 'needsAccountCredentials', 'articlesTried', 'requestKey'] as const;

/**
 * What a case is about: its platforms, error codes and the articles tried. A seller asking again
 * about the same, or about nothing in particular (NO_SUBJECT: "a person, please" again), gets
 * their open ticket; about something else, a new one (within the rate limit): the open ticket
 * given back for any request had dropped a second problem without a mail.
 */
export function subjectOf(c: Pick<EscalationCase, 'platforms' | 'errorCodes' | 'articlesTried'>): string {
  const set = (xs: readonly string[]) => [...new Set(xs)].sort().join(',');
  return [set(c.platforms), set(c.errorCodes), set(c.articlesTried.map((a) => a.topic))].join('|');
}

/** A ticket as the seller is told of it, from its record and the stored (redacted) case. */
export function ticketSummary(
  r: { ticket: string; status: OutboxStatus; createdAt: number; sentAt?: number; attempts: number },
  c: Partial<Pick<EscalationCase, 'platforms' | 'errorCodes' | 'contactEmail'>>,
): TicketSummary {
  return {
    ticket: r.ticket,
    status: r.status,
    createdAt: new Date(r.createdAt).toISOString(),
    ...(r.sentAt === undefined ? {} : { sentAt: new Date(r.sentAt).toISOString() }),
    attempts: r.attempts,
    platforms: c.platforms ?? [],
    errorCodes: c.errorCodes ?? [],
    contactEmail: c.contactEmail ?? '',
  };
}

/** The subject of a case that names nothing. */
export const NO_SUBJECT = subjectOf({ platforms: [], errorCodes: [], articlesTried: [] });

/** A second safety net: the conversation redacts already, but nothing typed by a seller is stored unredacted. */
export function redactCase(c: EscalationCase): EscalationCase {
  const { screenshots, ...rest } = c;
  const isBot = (k: string) => (BOT_FIELDS as readonly string[]).includes(k);
  const kept = Object.fromEntries(Object.entries(rest).filter(([k]) => isBot(k)));
  const typed = Object.fromEntries(Object.entries(rest).filter(([k]) => !isBot(k)));
  // Screenshot refs are storage keys made by the channel; they are checked against the directory when mailed.
  const { statusSnapshot, ...said } = typed;
  return {
    ...redactDeep(said),
    ...(statusSnapshot === undefined ? {} : { statusSnapshot: redactStatusSnapshot(statusSnapshot) }),
    ...kept,
    screenshots: screenshots ?? [],
  } as EscalationCase;
}

const MAX_ERROR_LENGTH = 1000;
export const cleanError = (e: string) => redact(e).text.slice(0, MAX_ERROR_LENGTH);

export class SqliteOutbox implements ClaimableOutbox {
  private readonly stmt;
  private readonly createTx;
  private readonly claimTx;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    private readonly newId: () => string = () => newTicketId(),
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS escalation_outbox (
      ticket TEXT PRIMARY KEY,
      user_key TEXT NOT NULL,
      case_json TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      next_attempt_at INTEGER NOT NULL,
      claimed_at INTEGER,
      sent_at INTEGER,
      last_error TEXT
    )`);
    db.exec('CREATE INDEX IF NOT EXISTS escalation_outbox_user ON escalation_outbox (user_key, created_at)');
    db.exec('CREATE INDEX IF NOT EXISTS escalation_outbox_due ON escalation_outbox (status, next_attempt_at)');
    this.stmt = {
      // A failed ticket is not offered again: support never got it, the seller must be able to file anew.
      // The seller's open tickets of the window: a few at most (the rate limit).
      reusable: db.prepare<[string, number], { ticket: string; case_json: string }>(
        "SELECT ticket, case_json FROM escalation_outbox WHERE user_key = ? AND created_at > ? AND status != 'failed' ORDER BY created_at DESC, rowid DESC",
      ),
      recent: db.prepare<[{ key: string; since: number }], { n: number; latest: string | null }>(
        'SELECT COUNT(*) AS n, (SELECT ticket FROM escalation_outbox WHERE user_key = @key ORDER BY created_at DESC, rowid DESC LIMIT 1) AS latest FROM escalation_outbox WHERE user_key = @key AND created_at > @since',
      ),
      insert: db.prepare(
        "INSERT INTO escalation_outbox (ticket, user_key, case_json, status, attempts, created_at, next_attempt_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
      ),
      due: db.prepare<[number, number, number], Row>(
        `SELECT * FROM escalation_outbox
         WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_at <= ?)
         ORDER BY next_attempt_at, created_at LIMIT ?`,
      ),
      claim: db.prepare("UPDATE escalation_outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1 WHERE ticket = ?"),
      sent: db.prepare("UPDATE escalation_outbox SET status = 'sent', sent_at = ?, claimed_at = NULL, last_error = NULL WHERE ticket = ?"),
      // Only a row still being sent goes back: a late answer must not undo a `sent` or `failed`.
      retry: db.prepare(
        "UPDATE escalation_outbox SET status = 'pending', last_error = ?, next_attempt_at = ?, claimed_at = NULL WHERE ticket = ? AND status IN ('pending', 'sending')",
      ),
      failed: db.prepare("UPDATE escalation_outbox SET status = 'failed', last_error = ?, claimed_at = NULL WHERE ticket = ? AND status != 'sent'"),
      counts: db.prepare<[], { status: OutboxStatus; n: number; oldest: number }>(
        'SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM escalation_outbox GROUP BY status',
      ),
      get: db.prepare<[string], Row>('SELECT * FROM escalation_outbox WHERE ticket = ?'),
      sentSince: db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM escalation_outbox WHERE status = 'sent' AND sent_at > ?"),
      // Only what the seller is told: the case's transcript is not read (nor parsed) for it.
      ticketsOf: db.prepare<[string, number, number], SummaryRow>(
        `SELECT ticket, status, attempts, created_at, sent_at, json_extract(case_json, '$.platforms') AS platforms,
           json_extract(case_json, '$.errorCodes') AS error_codes, json_extract(case_json, '$.contactEmail') AS contact_email
         FROM escalation_outbox WHERE user_key = ? AND created_at > ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      ),
    };

    // IMMEDIATE: the write lock is taken before the checks, so two processes on one file cannot
    // both pass the rate limit or both claim the same row.
    this.createTx = db.transaction((c: EscalationCase, opts: CreateOptions): TicketResult => {
      const now = this.now();
      const stored = redactCase(c);
      const subject = subjectOf(stored);
      const open = this.stmt.reusable.all(c.userKey, now - opts.reuseWindowSeconds * 1000).map((r) => ({ ticket: r.ticket, case: JSON.parse(r.case_json) as EscalationCase }));
      // The same request handled again (its instance died before answering) finds its own ticket.
      const same = c.requestKey ? open.find((o) => o.case.requestKey === c.requestKey) : undefined;
      if (same) return { ticket: same.ticket, existing: false, limited: false };
      const reuse = open.find((o) => subject === NO_SUBJECT || subjectOf(o.case) === subject);
      if (reuse) return { ticket: reuse.ticket, existing: true, limited: false };
      const recent = this.stmt.recent.get({ key: c.userKey, since: now - opts.windowSeconds * 1000 })!;
      if (recent.n >= opts.maxPerWindow && recent.latest) return { ticket: recent.latest, existing: false, limited: true };
      const json = JSON.stringify(stored);
      for (let attempt = 0; ; attempt++) {
        const ticket = this.newId();
        try {
          this.stmt.insert.run(ticket, c.userKey, json, now, now);
          return { ticket, existing: false, limited: false };
        } catch (e) {
          // Collision on the primary key (one in a billion per pair): draw again.
          if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' || attempt >= 10) throw e;
        }
      }
    });
    this.claimTx = db.transaction((now: number, limit: number, leaseMs: number): OutboxItem[] => {
      const rows = this.stmt.due.all(now, now - leaseMs, limit);
      for (const r of rows) this.stmt.claim.run(now, r.ticket);
      return rows.map((r) => ({ ...toItem(r), attempts: r.attempts + 1 }));
    });
  }

  async create(c: EscalationCase, opts: CreateOptions = DEFAULT_CREATE_OPTIONS): Promise<TicketResult> {
    // The seller is told the ticket only once the case is committed (the shared commit of this turn).
    return writeCommitted(this.db, () => this.createTx.immediate(c, opts));
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    return writeCommitted(this.db, () => this.claimTx.immediate(now.getTime(), limit, leaseMs));
  }

  async purgeBefore(before: Date): Promise<number> {
    return writeCommitted(this.db, () => this.db.prepare("DELETE FROM escalation_outbox WHERE created_at < ? AND status IN ('sent', 'failed')").run(before.getTime()).changes);
  }

  async forget(ticket: string): Promise<boolean> {
    return writeCommitted(this.db, () => this.db.prepare('DELETE FROM escalation_outbox WHERE ticket = ?').run(ticket).changes > 0);
  }

  async sentSince(since: Date): Promise<number> {
    return this.stmt.sentSince.get(since.getTime())!.n;
  }

  async markSent(ticket: string, at: Date): Promise<void> {
    await writeCommitted(this.db, () => this.stmt.sent.run(at.getTime(), ticket));
  }

  async markRetry(ticket: string, error: string, nextAttemptAt: Date): Promise<void> {
    await writeCommitted(this.db, () => this.stmt.retry.run(cleanError(error), nextAttemptAt.getTime(), ticket));
  }

  async markFailed(ticket: string, error: string): Promise<void> {
    await writeCommitted(this.db, () => this.stmt.failed.run(cleanError(error), ticket));
  }

  async stats(): Promise<OutboxStats> {
    const s: OutboxStats = { pending: 0, sending: 0, sent: 0, failed: 0, oldestPendingAgeSeconds: 0 };
    let oldest = Infinity;
    for (const r of this.stmt.counts.all()) {
      s[r.status] = r.n;
      if (r.status === 'pending' || r.status === 'sending') oldest = Math.min(oldest, r.oldest);
    }
    if (oldest !== Infinity) s.oldestPendingAgeSeconds = Math.max(0, Math.floor((this.now() - oldest) / 1000));
    return s;
  }

  async ticketsOf(userKey: string, since: Date, limit: number): Promise<TicketSummary[]> {
    return this.stmt.ticketsOf.all(userKey, since.getTime(), limit).map((r) =>
      ticketSummary(
        { ticket: r.ticket, status: r.status, createdAt: r.created_at, sentAt: r.sent_at ?? undefined, attempts: r.attempts },
        {
          platforms: r.platforms ? (JSON.parse(r.platforms) as EscalationCase['platforms']) : [],
          errorCodes: r.error_codes ? (JSON.parse(r.error_codes) as string[]) : [],
          contactEmail: r.contact_email ?? '',
        },
      ),
    );
  }

  async get(ticket: string): Promise<OutboxRecord | undefined> {
    const r = this.stmt.get.get(ticket);
    if (!r) return undefined;
    return {
      ...toItem(r),
      status: r.status,
      userKey: r.user_key,
      nextAttemptAt: new Date(r.next_attempt_at),
      claimedAt: r.claimed_at === null ? undefined : new Date(r.claimed_at),
      sentAt: r.sent_at === null ? undefined : new Date(r.sent_at),
      lastError: r.last_error ?? undefined,
    };
  }
}

function toItem(r: Row): OutboxItem {
  return { ticket: r.ticket, case: JSON.parse(r.case_json) as EscalationCase, attempts: r.attempts, createdAt: new Date(r.created_at) };
}
