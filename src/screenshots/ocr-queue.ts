import path from 'node:path';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import type { Logger } from '../logger';
import type { RedisScreenshotShare } from '../storage/screenshot-share';
import type { ScreenshotReader } from './ocr-reader';

/**
 * Reading pictures when several instances share Redis: the instance a seller's picture reached
 * queues a job with its ref (the picture itself is shared in Redis already, for the mail), and
 * whichever process runs a reader takes it: any web instance with OCR=on, or `npm run worker`.
 * The reader puts the picture back from Redis onto its own disk, reads it, and shares it again
 * when it blacked lines out; the asking instance then takes that copy instead of its own.
 */

export const OCR_QUEUE = 'ocr';
const PREFIX = 'bot:bull';

interface OcrJob {
  ref: string;
}

export interface OcrJobResult {
  text: string;
  maskedLines: number;
}

/** BullMQ's blocking commands need a connection of their own, retried without limit. */
const connect = (url: string) => {
  const c = new Redis(url, { maxRetriesPerRequest: null });
  c.on('error', () => undefined);
  return c;
};

/** How long closing waits for BullMQ before its connections are cut (Redis may be unreachable). */
const CLOSE_WAIT_MS = 2000;

async function closeWithin(close: () => Promise<unknown>, connections: Redis[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
  await Promise.race([close().catch(() => undefined), waited]);
  clearTimeout(timer);
  for (const c of connections) c.disconnect();
}

interface Asking {
  connections: Redis[];
  queue: Queue<OcrJob, OcrJobResult>;
  events: QueueEvents;
}

export class OcrQueueClient {
  /** Made at the first picture: most instances of a test, and some in production, never read one. */
  private asking?: Asking;

  constructor(
    private readonly opts: { redisUrl: string; share: RedisScreenshotShare; dir: string; timeoutMs: number; maxWaiting: number; log: Logger },
  ) {}

  private ask(): Asking {
    if (this.asking) return this.asking;
    const connections = [connect(this.opts.redisUrl), connect(this.opts.redisUrl)];
    const queue = new Queue<OcrJob, OcrJobResult>(OCR_QUEUE, { connection: connections[0]!, prefix: PREFIX });
    queue.on('error', () => undefined);
    const events = new QueueEvents(OCR_QUEUE, { connection: connections[1]!, prefix: PREFIX });
    events.on('error', () => undefined);
    return (this.asking = { connections, queue, events });
  }

  /** The redacted text of the picture at `ref`, read by any reader; undefined when busy, too slow or unreadable. */
  async read(ref: string): Promise<OcrJobResult | undefined> {
    const { queue, events } = this.ask();
    try {
      if ((await queue.getWaitingCount()) > this.opts.maxWaiting) {
        this.opts.log.warn({ ref }, 'picture not read (busy: the OCR queue is full)');
        return undefined;
      }
      const job = await queue.add('read', { ref }, { removeOnComplete: true, removeOnFail: true, attempts: 1 });
      const result = await job.waitUntilFinished(events, this.opts.timeoutMs);
      if (result.maskedLines > 0) await this.opts.share.restore(this.opts.dir, [ref], { replace: true });
      return result;
    } catch (err) {
      this.opts.log.warn({ err, ref }, 'picture not read (queue)');
      return undefined;
    }
  }

  async close(): Promise<void> {
    const asking = this.asking;
    if (asking) await closeWithin(() => Promise.allSettled([asking.events.close(), asking.queue.close()]), asking.connections);
  }
}

/** Takes the queue's pictures with this process's reader, `concurrency` at a time. */
export class OcrQueueWorker {
  private readonly connection: Redis;
  private readonly worker: Worker<OcrJob, OcrJobResult>;

  constructor(opts: { redisUrl: string; share: RedisScreenshotShare; dir: string; reader: ScreenshotReader; concurrency: number; log: Logger }) {
    this.connection = connect(opts.redisUrl);
    const read = async (job: Job<OcrJob, OcrJobResult>): Promise<OcrJobResult> => {
      const { ref } = job.data;
      await opts.share.restore(opts.dir, [ref]);
      const read = await opts.reader.read(path.join(opts.dir, ref));
      if (!read) return { text: '', maskedLines: 0 };
      if (read.maskedLines > 0) await opts.share.publish(opts.dir, ref);
      return { text: read.text, maskedLines: read.maskedLines };
    };
    this.worker = new Worker<OcrJob, OcrJobResult>(OCR_QUEUE, read, { connection: this.connection, prefix: PREFIX, concurrency: opts.concurrency });
    this.worker.on('error', (err) => opts.log.error({ err }, 'OCR worker: Redis error; BullMQ reconnects'));
  }

  /**
   * Finishes the pictures being read, for a while. With Redis unreachable BullMQ's graceful close
   * never ends (its blocking connection keeps retrying, and held jest open): forced then.
   */
  async close(): Promise<void> {
    const graceful = this.connection.status === 'ready';
    await closeWithin(() => this.worker.close(!graceful), [this.connection]);
    if (graceful) await this.worker.close(true).catch(() => undefined);
  }
}
