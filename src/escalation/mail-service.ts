import path from 'node:path';
import type Redis from 'ioredis';
import type { Config } from '../config';
import type { KnowledgeBase } from '../knowledge/load';
import type { Db } from '../storage/sqlite';
import type { SenderLog } from './delivery';
import { SqliteOutbox, type Outbox, type OutboxItem } from './outbox';
import { RedisScreenshotShare } from '../storage/screenshot-share';
import { QueueMailWorker } from './queue-worker';
import { RedisOutbox } from './redis-outbox';
import { MailSender, type MailService } from './sender';

export type { MailService } from './sender';

/**
 * The hand-over outbox and its delivery loop for this configuration: SQLite and a poller, or
 * Redis and BullMQ. `deliver: false` (a web instance on Redis) only watches the queue.
 */
export function createMailService(
  config: Config,
  deps: { db: Db; redis?: Redis; log: SenderLog; deliver: boolean; kb: KnowledgeBase },
): { outbox: Outbox & { close?(): Promise<void> }; sender: MailService } {
  const delivery = {
    transport: { smtpUrl: config.smtpUrl, mailDir: path.join(config.dataDir, 'mail') },
    supportEmail: config.supportEmail,
    mailFrom: config.mailFrom,
    // Channels keep screenshots under DATA_DIR/screenshots and record them relative to it.
    screenshotsDir: path.join(config.dataDir, 'screenshots'),
    // Topic titles make the subject line readable.
    topicTitles: Object.fromEntries(deps.kb.topics.map((t) => [t.id, t.en.title])),
    log: deps.log,
    backoff: { giveUpAfterMs: config.handover.giveUpAfterMs, baseMs: config.handover.retryBaseMs },
    maxPerHour: config.handover.maxPerHour,
  };
  if (deps.redis && config.redisUrl) {
    const outbox = new RedisOutbox(deps.redis);
    const shots = new RedisScreenshotShare(deps.redis);
    const prepare = (item: OutboxItem) => shots.restore(delivery.screenshotsDir, (item.case.screenshots ?? []).map((s) => String(s.ref))).then(() => undefined);
    return { outbox, sender: new QueueMailWorker({ ...delivery, outbox, redisUrl: config.redisUrl, deliver: deps.deliver, prepare, lockMs: config.handover.workerLockMs }) };
  }
  const outbox = new SqliteOutbox(deps.db);
  return { outbox, sender: new MailSender({ ...delivery, outbox }) };
}
