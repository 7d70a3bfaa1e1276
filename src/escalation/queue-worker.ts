import { UnrecoverableError, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { DEFAULT_BACKOFF, MailDelivery, type Backoff, type DeliveryOptions, type SenderLog } from './delivery';
import type { OutboxItem, OutboxStats } from './outbox';
import { MAIL_QUEUE, type MailJob, type RedisOutbox } from './redis-outbox';
import { EMPTY_STATS, mailIsStuck, type MailService } from './sender';

export interface QueueMailWorkerOptions extends DeliveryOptions {
  outbox: RedisOutbox;
  redisUrl: string;
  log: SenderLog;
  /**
   * false: only watch the queue (a web instance when a worker process sends the mail). true: also
   * take jobs and send them (the worker process).
   */
  deliver: boolean;
  backoff?: Partial<Backoff>;
  /** How often the backlog figures are refreshed and lost jobs are queued again: 5 s. */
  pollMs?: number;
  /** Mails sent at once by one worker. */
  concurrency?: number;
  /**
   * A job whose worker stopped renewing its lock for this long (it died) is taken by another
   * worker: 2 min, above the SMTP timeouts.
   */
  lockMs?: number;
  stuckAfterMs?: number;
  /** Runs before a case's mail is built (e.g. fetching its screenshots onto this disk). */
  prepare?: (item: OutboxItem) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** A temporary failure, carrying when BullMQ should try again. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAt: number,
  ) {
    super(message);
  }
}

/**
 * Delivers the Redis outbox through BullMQ: each hand-over is one job, taken by one worker at a
 * time (BullMQ's lock; a dead worker's job goes back to the queue once the lock lapses). Failure
 * handling matches the SQLite sender: permanent rejections fail at once, temporary ones retry
 * with the same backoff until the give-up deadline, the outcome is recorded on the ticket.
 */
export class QueueMailWorker implements MailService {
  counters = { sent: 0, retried: 0, failed: 0 };
  private readonly backoff: Backoff;
  private readonly delivery: MailDelivery;
  private readonly now: () => number;
  private readonly random: () => number;
  private health: OutboxStats = { ...EMPTY_STATS };
  private worker?: Worker<MailJob>;
  private connection?: Redis;
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private warnedAt = Number.NEGATIVE_INFINITY;
  /** Workers connected to the queue when last asked (-1: not asked yet). */
  workers = -1;

  constructor(private readonly opts: QueueMailWorkerOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.delivery = new MailDelivery(opts);
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  get stats(): OutboxStats {
    return { ...this.health };
  }

  isStuck(): boolean {
    return mailIsStuck(this.health, this.opts.stuckAfterMs ?? 3600_000);
  }

  /** BullMQ pushes jobs to the worker as soon as they are queued: nothing to wake. */
  kick(): void {}

  start(): void {
    if (this.timer) return;
    if (this.opts.deliver) {
      // Blocking commands need their own connection, retried without limit (BullMQ's rule).
      this.connection = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: null });
      this.worker = new Worker<MailJob>(MAIL_QUEUE, (job) => this.process(job), {
        connection: this.connection,
        prefix: this.opts.outbox.queuePrefix,
        concurrency: this.opts.concurrency ?? 4,
        // BullMQ's limiter is the queue's, shared by every worker: jobs over it wait, none is dropped.
        ...(this.opts.maxPerHour ? { limiter: { max: this.opts.maxPerHour, duration: 3600_000 } } : {}),
        lockDuration: this.opts.lockMs ?? 120_000,
        // A dead worker's job is looked for at least twice per lock period.
        stalledInterval: Math.min(30_000, Math.max(500, Math.floor((this.opts.lockMs ?? 120_000) / 2))),
        maxStalledCount: 100,
        settings: {
          backoffStrategy: (_attempts: number, _type?: string, err?: Error) =>
            err instanceof RetryLater ? Math.max(0, err.retryAt - this.now()) : this.backoff.baseMs,
        },
      });
      this.worker.on('error', (err) => this.opts.log.error({ err }, 'mail worker: Redis error; BullMQ reconnects'));
    }
    this.timer = setInterval(() => void this.refresh(), this.opts.pollMs ?? 5000);
    this.timer.unref();
    void this.refresh();
  }

  /** Finishes the mails being sent; queued ones stay in Redis for the next worker. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.worker?.close();
    this.worker = undefined;
    this.connection?.disconnect();
    this.connection = undefined;
    await this.refreshing;
    this.delivery.close();
  }

  /** Refreshes the backlog figures and queues any ticket whose job was lost. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const requeued = await this.opts.outbox.requeueUndelivered();
        if (requeued > 0) this.opts.log.warn({ requeued }, 'mail queue: undelivered hand-overs had no job; queued them again');
        this.health = await this.opts.outbox.stats();
        this.counters = await this.opts.outbox.totals();
        await this.warnWithoutWorker();
      } catch (err) {
        this.opts.log.error({ err }, 'mail queue: could not read Redis');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /**
   * A web instance on Redis sends no mail itself: when hand-overs wait and no worker is
   * connected to the queue, say so (every 10 minutes) rather than only going not-ready later.
   */
  private async warnWithoutWorker(): Promise<void> {
    if (this.opts.deliver || this.health.pending === 0 || this.health.oldestPendingAgeSeconds < 60) return;
    if (this.now() - this.warnedAt < 10 * 60_000) return;
    this.workers = await this.opts.outbox.queue.getWorkersCount();
    if (this.workers > 0) return;
    this.warnedAt = this.now();
    this.opts.log.error(
      { pending: this.health.pending, oldestPendingAgeSeconds: this.health.oldestPendingAgeSeconds },
      'hand-over mail is waiting and no mail worker is connected to Redis: start one (npm run worker)',
    );
  }

  private async process(job: Job<MailJob>): Promise<string> {
    const { outbox, log } = this.opts;
    const item = await outbox.claim(job.data.ticket, new Date(this.now()));
    // Already sent or failed (a duplicate job after a crash), or the record expired.
    if (!item) return 'final';
    // Best effort: without its pictures the mail still goes, listing them as not found.
    await this.opts.prepare?.(item).catch((err: unknown) => log.warn({ err, ticket: item.ticket }, 'could not prepare the attachments'));
    const outcome = await this.delivery.attempt(item, { records: outbox, log, backoff: this.backoff, now: this.now, random: this.random });
    // BullMQ keeps the job's fate: retried at the time the backoff chose, or never again.
    if (outcome.result === 'retry') throw new RetryLater(outcome.error, outcome.retryAt);
    if (outcome.result === 'failed') throw new UnrecoverableError(outcome.error);
    return 'sent';
  }
}
