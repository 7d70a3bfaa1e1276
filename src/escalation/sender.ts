import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { buildMail } from './mail';
import type { Outbox, OutboxItem, OutboxStats } from './outbox';

/**
 * Delivers the outbox: claims one due item at a time, mails it (SMTP, or an .eml file when no
 * SMTP server is configured), and records the outcome. Temporary failures are retried with
 * exponential backoff for up to `giveUpAfterMs`; permanent rejections and give-ups are failed
 * loudly (error log, `counters.failed`, `isStuck()`). Because every state lives in the outbox,
 * a restart or crash at any moment just resumes: an item abandoned while `sending` becomes due
 * again once its lease expires. The price is a rare duplicate mail after a crash, which
 * support recognises by its stable Message-ID.
 */
export interface SenderLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Backoff {
  /** First retry after about this long (30 s). */
  baseMs: number;
  /** Retries are never further apart than this (30 min). */
  maxMs: number;
  /** A case still undelivered this long after it was filed is failed (48 h). */
  giveUpAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 30 * 60_000, giveUpAfterMs: 48 * 3600_000 };

export interface MailSenderOptions {
  outbox: Outbox;
  /** SMTP when `smtpUrl` is set, otherwise .eml files in `mailDir` (offline mode). */
  transport: {
    smtpUrl?: string;
    mailDir: string;
    /** Socket timeouts, kept well below the lease so a hung server cannot outlive a claim. */
    timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
  };
  supportEmail: string;
  mailFrom: string;
  /** Pictures the channels stored; default `<mailDir>/../screenshots`. */
  screenshotsDir?: string;
  topicTitles?: Record<string, string>;
  log: SenderLog;
  backoff?: Partial<Backoff>;
  pollMs?: number;
  /** A claim older than this is considered abandoned (the sender died): 2 min. */
  leaseMs?: number;
  /** `isStuck()` once the oldest undelivered case is older than this: 1 h. */
  stuckAfterMs?: number;
  now?: () => number;
  /** For the jitter; injectable for tests. */
  random?: () => number;
}

export type FailureKind = 'permanent' | 'temporary';

/** Errors that need an operator (credentials, TLS, configuration): retried, but logged as errors. */
const OPERATOR_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'ETLS', 'EREQUIRETLS']);

/**
 * A 5xx reply means the server will refuse this message every time (RFC 5321): fail it now.
 * Everything else (4xx, refused or reset connections, timeouts, DNS) may pass later. Exceptions:
 * 503 "bad sequence" is a session problem, not a verdict on the message (nodemailer agrees), and
 * authentication or TLS failures are configuration an operator will fix, after which the queue
 * must still be there.
 */
export function classifyError(err: unknown): FailureKind {
  const e = (err ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof e.code === 'string' && OPERATOR_CODES.has(e.code)) return 'temporary';
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (rc !== undefined && rc >= 500 && rc < 600 && rc !== 503) return 'permanent';
  return 'temporary';
}

function describe(err: unknown): string {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown };
  const parts = [typeof e.code === 'string' ? e.code : undefined, typeof e.responseCode === 'number' ? String(e.responseCode) : undefined];
  return `${parts.filter(Boolean).join(' ')}${parts.some(Boolean) ? ': ' : ''}${typeof e.message === 'string' ? e.message : String(err)}`;
}

export class MailSender {
  readonly counters = { sent: 0, retried: 0, failed: 0 };
  private readonly backoff: Backoff;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly stuckAfterMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly smtp?: Transporter;
  private readonly files?: Transporter;
  private readonly screenshotsDir: string;
  private health: OutboxStats = { pending: 0, sending: 0, sent: 0, failed: 0, oldestPendingAgeSeconds: 0 };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private started = false;
  private stopping = false;

  constructor(private readonly opts: MailSenderOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.pollMs = opts.pollMs ?? 5000;
    this.leaseMs = opts.leaseMs ?? 2 * 60_000;
    this.stuckAfterMs = opts.stuckAfterMs ?? 3600_000;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.screenshotsDir = opts.screenshotsDir ?? path.join(path.dirname(opts.transport.mailDir), 'screenshots');
    // Attachments are passed as buffers: forbid nodemailer from reading any path or URL itself.
    const safety = { disableFileAccess: true, disableUrlAccess: true };
    const t = opts.transport.timeouts ?? {};
    if (opts.transport.smtpUrl) {
      this.smtp = nodemailer.createTransport({
        url: opts.transport.smtpUrl,
        connectionTimeout: t.connectionMs ?? 20_000,
        greetingTimeout: t.greetingMs ?? 20_000,
        socketTimeout: t.socketMs ?? 60_000,
        ...safety,
      });
    } else {
      this.files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...safety });
    }
  }

  get mode(): 'smtp' | 'file' {
    return this.smtp ? 'smtp' : 'file';
  }

  /** Polls the outbox every `pollMs` until stop(). The timer does not keep the process alive. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  /** Finishes the mail being sent, leaves the rest queued for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.smtp?.close();
  }

  /** Sends what is due now (called right after a case was filed, so support need not wait for the poll). */
  kick(): void {
    if (!this.stopping) void this.tick();
  }

  /** Delivers everything due now and waits for it (tests, shutdown scripts). */
  async drain(): Promise<void> {
    await this.tick();
  }

  /** Readiness: a case failed, or the oldest undelivered case has waited too long. Cached: refreshed every poll. */
  isStuck(): boolean {
    return this.health.failed > 0 || this.health.oldestPendingAgeSeconds * 1000 > this.stuckAfterMs;
  }

  get failedCount(): number {
    return this.health.failed;
  }

  get stats(): OutboxStats {
    return { ...this.health };
  }

  async refreshHealth(): Promise<OutboxStats> {
    this.health = await this.opts.outbox.stats();
    return this.stats;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  /** Single flight: a tick asked for while one runs makes that one go round once more. */
  private tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.processDue();
        } while (this.again && !this.stopping);
        await this.refreshHealth();
      } catch (err) {
        // The database itself failed (locked, disk full): nothing is lost, the next poll tries again.
        this.opts.log.error({ err }, 'mail sender: could not read or update the outbox');
      } finally {
        this.running = undefined;
        if (this.started && !this.stopping) this.schedule(this.pollMs);
      }
    })();
    return this.running;
  }

  /** One item per claim, so stop() never leaves a batch claimed but unsent. */
  private async processDue(): Promise<void> {
    while (!this.stopping) {
      const [item] = await this.opts.outbox.claimDue(new Date(this.now()), 1, this.leaseMs);
      if (!item) return;
      await this.deliver(item);
    }
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { outbox, log } = this.opts;
    let mail: SendMailOptions;
    try {
      mail = buildMail(item.case, item.ticket, {
        to: this.opts.supportEmail,
        from: this.opts.mailFrom,
        topicTitles: this.opts.topicTitles,
        screenshotsDir: this.screenshotsDir,
      });
    } catch (err) {
      // The stored case itself is unusable: the same data would fail every time.
      return this.fail(item, `could not build the mail: ${describe(err)}`);
    }
    let where: Record<string, unknown>;
    try {
      if (this.smtp) {
        const info = (await this.smtp.sendMail(mail)) as { messageId?: string; response?: string };
        where = { messageId: info.messageId, response: info.response };
      } else {
        where = { file: await this.writeEml(item.ticket, mail) };
      }
    } catch (err) {
      return this.failed(item, err);
    }
    // Sent: if recording it fails now, the lease expires and the mail goes again (same Message-ID).
    await outbox.markSent(item.ticket, new Date(this.now()));
    this.counters.sent++;
    log.info(
      { ticket: item.ticket, attempts: item.attempts, ...where },
      this.smtp ? 'escalation mailed to support' : 'escalation saved as an .eml file (SMTP_URL unset)',
    );
  }

  private async failed(item: OutboxItem, err: unknown): Promise<void> {
    const error = describe(err);
    if (classifyError(err) === 'permanent') return this.fail(item, `rejected permanently: ${error}`);
    const now = this.now();
    const deadline = item.createdAt.getTime() + this.backoff.giveUpAfterMs;
    if (now >= deadline) {
      return this.fail(item, `gave up after ${item.attempts} attempts over ${Math.round((now - item.createdAt.getTime()) / 60_000)} min: ${error}`);
    }
    // Exponential with "equal jitter": never less than half the step, so a down server is not
    // hammered, yet several instances do not retry in lockstep. The last try lands on the deadline.
    const step = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(30, item.attempts - 1));
    const next = Math.min(now + step / 2 + this.random() * (step / 2), deadline);
    await this.opts.outbox.markRetry(item.ticket, error, new Date(next));
    this.counters.retried++;
    const code = (err as { code?: unknown })?.code;
    const fields = { ticket: item.ticket, attempts: item.attempts, error, nextAttemptAt: new Date(next).toISOString() };
    if (typeof code === 'string' && OPERATOR_CODES.has(code)) this.opts.log.error(fields, 'escalation mail refused: check SMTP_URL (credentials/TLS); will retry');
    else this.opts.log.warn(fields, 'escalation mail not delivered yet; will retry');
  }

  private async fail(item: OutboxItem, error: string): Promise<void> {
    await this.opts.outbox.markFailed(item.ticket, error);
    this.counters.failed++;
    this.health = { ...this.health, failed: this.health.failed + 1 };
    this.opts.log.error(
      { ticket: item.ticket, attempts: item.attempts, error },
      'ESCALATION NOT DELIVERED: support did not get this case; it stays in the outbox as failed',
    );
  }

  /** Offline mode: the full RFC 822 message, written to a temporary file and renamed, so a reader never sees half a mail. */
  private async writeEml(ticket: string, mail: SendMailOptions): Promise<string> {
    const info = (await this.files!.sendMail(mail)) as { message: Buffer };
    const dir = this.opts.transport.mailDir;
    await fs.promises.mkdir(dir, { recursive: true });
    const name = ticket.replace(/[^A-Za-z0-9-]/g, '');
    const file = path.join(dir, `${name}.eml`);
    const tmp = path.join(dir, `.${name}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    try {
      // 0600: the mail holds a seller's contact details and conversation.
      const fh = await fs.promises.open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(info.message);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.promises.rename(tmp, file);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    return file;
  }
}
