import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { buildMail } from './mail';
import type { DeliveryRecords, OutboxItem } from './outbox';
import { ticketFileName } from './ticket';

/**
 * One hand-over mail, sent once: building it, the transport (SMTP, or an .eml file when no SMTP
 * server is configured), and what a failure means. Both delivery loops use it: the SQLite
 * outbox poller (`MailSender`) and the BullMQ worker (`QueueMailWorker`).
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

export interface DeliveryOptions {
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
  /**
   * Hand-over mails sent per hour by all senders together; the rest wait in the outbox (queued,
   * never dropped), so a flood of hand-overs cannot bury support's mailbox.
   */
  maxPerHour?: number;
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

function isOperatorError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && OPERATOR_CODES.has(code);
}

function describeError(err: unknown): string {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown };
  const parts = [typeof e.code === 'string' ? e.code : undefined, typeof e.responseCode === 'number' ? String(e.responseCode) : undefined];
  return `${parts.filter(Boolean).join(' ')}${parts.some(Boolean) ? ': ' : ''}${typeof e.message === 'string' ? e.message : String(err)}`;
}

/**
 * When to try again after `attempts` failed tries, or `undefined` when the case is past its
 * deadline and must be given up. Exponential with "equal jitter": never less than half the step,
 * so a down server is not hammered, yet several instances do not retry in lockstep. The last try
 * lands on the deadline.
 */
export function nextAttemptAt(attempts: number, createdAt: number, now: number, backoff: Backoff, random: () => number): number | undefined {
  const deadline = createdAt + backoff.giveUpAfterMs;
  if (now >= deadline) return undefined;
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.min(now + step / 2 + random() * (step / 2), deadline);
}

/** How one delivery attempt ended, after it was recorded and logged. */
export type AttemptOutcome = { result: 'sent' } | { result: 'retry'; error: string; retryAt: number } | { result: 'failed'; error: string };

/** Builds and sends one case, and records and logs the outcome: the part both delivery loops share. */
export class MailDelivery {
  private readonly smtp?: Transporter;
  private readonly files?: Transporter;
  private readonly screenshotsDir: string;

  constructor(private readonly opts: DeliveryOptions) {
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

  /**
   * One attempt at `item`: sent (recorded), a temporary failure (recorded with its next attempt,
   * by the backoff), or failed for good (a permanent rejection, an unusable case, or past the
   * give-up deadline; recorded and logged as an error).
   */
  async attempt(
    item: OutboxItem,
    ctx: { records: DeliveryRecords; log: SenderLog; backoff: Backoff; now: () => number; random: () => number },
  ): Promise<AttemptOutcome> {
    const { records, log } = ctx;
    const failed = async (error: string): Promise<AttemptOutcome> => {
      await records.markFailed(item.ticket, error);
      log.error({ ticket: item.ticket, attempts: item.attempts, error }, 'ESCALATION NOT DELIVERED: support did not get this case; it stays recorded as failed');
      return { result: 'failed', error };
    };
    let mail: SendMailOptions;
    try {
      mail = this.build(item);
    } catch (err) {
      // The stored case itself is unusable: the same data would fail every time.
      return failed(`could not build the mail: ${describeError(err)}`);
    }
    let where: Record<string, unknown>;
    try {
      where = await this.send(item.ticket, mail);
    } catch (err) {
      const error = describeError(err);
      if (classifyError(err) === 'permanent') return failed(`rejected permanently: ${error}`);
      const now = ctx.now();
      const retryAt = nextAttemptAt(item.attempts, item.createdAt.getTime(), now, ctx.backoff, ctx.random);
      if (retryAt === undefined) {
        return failed(`gave up after ${item.attempts} attempts over ${Math.round((now - item.createdAt.getTime()) / 60_000)} min: ${error}`);
      }
      await records.markRetry(item.ticket, error, new Date(retryAt));
      const fields = { ticket: item.ticket, attempts: item.attempts, error, nextAttemptAt: new Date(retryAt).toISOString() };
      if (isOperatorError(err)) log.error(fields, 'escalation mail refused: check SMTP_URL (credentials/TLS); will retry');
      else log.warn(fields, 'escalation mail not delivered yet; will retry');
      return { result: 'retry', error, retryAt };
    }
    // Sent: if recording it fails now, the claim lapses and the mail goes again (same Message-ID).
    await records.markSent(item.ticket, new Date(ctx.now()));
    log.info({ ticket: item.ticket, attempts: item.attempts, ...where }, this.smtp ? 'escalation mailed to support' : 'escalation saved as an .eml file (SMTP_URL unset)');
    return { result: 'sent' };
  }

  /** Builds the mail; an error here means the stored case itself is unusable (it would fail every time). */
  private build(item: OutboxItem): SendMailOptions {
    return buildMail(item.case, item.ticket, {
      to: this.opts.supportEmail,
      from: this.opts.mailFrom,
      topicTitles: this.opts.topicTitles,
      screenshotsDir: this.screenshotsDir,
    });
  }

  /** Sends a built mail; returns where it went, for the log. */
  private async send(ticket: string, mail: SendMailOptions): Promise<Record<string, unknown>> {
    if (this.smtp) {
      const info = (await this.smtp.sendMail(mail)) as { messageId?: string; response?: string };
      return { messageId: info.messageId, response: info.response };
    }
    return { file: await this.writeEml(ticket, mail) };
  }

  close(): void {
    this.smtp?.close();
  }

  /** Offline mode: the full RFC 822 message, written to a temporary file and renamed, so a reader never sees half a mail. */
  private async writeEml(ticket: string, mail: SendMailOptions): Promise<string> {
    const info = (await this.files!.sendMail(mail)) as { message: Buffer };
    const dir = this.opts.transport.mailDir;
    await fs.promises.mkdir(dir, { recursive: true });
    const name = ticketFileName(ticket);
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
