import { DEFAULT_BACKOFF, MailDelivery, type Backoff, type DeliveryOptions, type SenderLog } from './delivery';
import type { ClaimableOutbox, OutboxItem, OutboxStats } from './outbox';

export { classifyError, DEFAULT_BACKOFF, type Backoff, type FailureKind, type SenderLog } from './delivery';

/**
 * Delivers the SQLite outbox: claims one due item at a time, mails it, and records the outcome.
 * Temporary failures are retried with exponential backoff for up to `giveUpAfterMs`; permanent
 * rejections and give-ups are failed loudly (error log, `counters.failed`, `isStuck()`). Because
 * every state lives in the outbox, a restart or crash at any moment just resumes: an item
 * abandoned while `sending` becomes due again once its lease expires. The price is a rare
 * duplicate mail after a crash, which support recognises by its stable Message-ID.
 */

/** What the app and /metrics see of mail delivery, whichever process delivers. */
export interface MailService {
  readonly counters: { sent: number; retried: number; failed: number };
  readonly stats: OutboxStats;
  /** Readiness: a case failed for good, or the oldest undelivered case has waited too long. */
  isStuck(): boolean;
  start(): void;
  /** Finishes the mail being sent, leaves the rest queued for the next process. */
  stop(): Promise<void>;
  /** A case was just filed: deliver now rather than at the next poll. */
  kick(): void;
}

export interface MailSenderOptions extends DeliveryOptions {
  outbox: ClaimableOutbox;
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

/** Figures before the first look at the outbox. */
export const EMPTY_STATS: OutboxStats = { pending: 0, sending: 0, sent: 0, failed: 0, oldestPendingAgeSeconds: 0 };

/** The readiness rule shared by every delivery loop. */
export function mailIsStuck(stats: OutboxStats, stuckAfterMs: number): boolean {
  return stats.failed > 0 || stats.oldestPendingAgeSeconds * 1000 > stuckAfterMs;
}

export class MailSender implements MailService {
  readonly counters = { sent: 0, retried: 0, failed: 0 };
  private readonly backoff: Backoff;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly stuckAfterMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly delivery: MailDelivery;
  private health: OutboxStats = { ...EMPTY_STATS };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private started = false;
  private stopping = false;
  /** The hourly cap was reached and said so: said again only once it has lifted. */
  private capped = false;

  constructor(private readonly opts: MailSenderOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.pollMs = opts.pollMs ?? 5000;
    this.leaseMs = opts.leaseMs ?? 2 * 60_000;
    this.stuckAfterMs = opts.stuckAfterMs ?? 3600_000;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.delivery = new MailDelivery(opts);
  }

  get mode(): 'smtp' | 'file' {
    return this.delivery.mode;
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
    this.delivery.close();
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
    return mailIsStuck(this.health, this.stuckAfterMs);
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
      if (await this.overHourlyCap()) return;
      const [item] = await this.opts.outbox.claimDue(new Date(this.now()), 1, this.leaseMs);
      if (!item) return;
      await this.deliver(item);
    }
  }

  /** The cap is read from the outbox, so a restart does not reset it. */
  private async overHourlyCap(): Promise<boolean> {
    const max = this.opts.maxPerHour;
    if (!max) return false;
    const sent = await this.opts.outbox.sentSince(new Date(this.now() - 3600_000));
    const over = sent >= max;
    if (over && !this.capped) this.opts.log.warn({ sent, maxPerHour: max }, 'mail sender: hourly hand-over cap reached; the rest wait in the outbox');
    this.capped = over;
    return over;
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const outcome = await this.delivery.attempt(item, { records: this.opts.outbox, log: this.opts.log, backoff: this.backoff, now: this.now, random: this.random });
    if (outcome.result === 'sent') this.counters.sent++;
    else if (outcome.result === 'retry') this.counters.retried++;
    else {
      this.counters.failed++;
      this.health = { ...this.health, failed: this.health.failed + 1 };
    }
  }
}
