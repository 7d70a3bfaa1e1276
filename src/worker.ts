/**
 * Entry point of `npm run worker` (Procfile `worker`): sends the hand-over mail.
 * With REDIS_URL it works the BullMQ queue every web instance adds to, and reads the sellers'
 * screenshots of the OCR queue (unless OCR=off). Without it, it polls the SQLite outbox in
 * DATA_DIR, which the web process also does by itself: a worker is optional there.
 */
import path from 'node:path';
import { ensureDataDir, loadConfig } from './config';
import { purgeFilesBefore } from './storage/file-retention';
import { SellerFiles } from './storage/seller-files';
import { runMain, stopOnSignals } from './lifecycle';
import { createMailService } from './escalation/mail-service';
import { knownErrorCodes, loadKnowledge } from './knowledge/load';
import { createLogger } from './logger';
import { connectRedis } from './storage/redis';
import { openDatabase } from './storage/sqlite';
import { RedisScreenshotShare } from './storage/screenshot-share';
import { readQueuedPictures } from './screenshots/picture-reading';

function main(): void {
  const config = loadConfig();
  ensureDataDir(config);
  const log = createLogger(config.logLevel).child({ process: 'worker' });
  // Read for the mail's topic titles and the error codes looked for in pictures, never matched on.
  const kb = loadKnowledge(config.knowledgeDir);
  const db = openDatabase(config.dataDir);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log) : undefined;
  const { outbox, sender } = createMailService(config, {
    db,
    redis,
    log,
    deliver: true,
    kb,
  });
  sender.start();
  const redisUrl = config.redisUrl;
  const ocr = redis && redisUrl ? readQueuedPictures({ ...config, redisUrl }, log, new RedisScreenshotShare(redis), knownErrorCodes(kb)) : undefined;
  // The sender's poll timer does not hold a process open (the web process has its server for
  // that). On SQLite the worker has nothing else, and would end as soon as it started.
  const alive = setInterval(() => undefined, 60_000);
  // This process's disk holds mail saved as .eml and copies of pictures: the same retention
  // limit as the web processes' (ANALYTICS_RETENTION_DAYS), checked now and every 10 minutes.
  const purge = () => {
    const before = new Date(Date.now() - config.analyticsRetentionDays * 86_400_000);
    Promise.all(['mail', 'screenshots'].map((dir) => purgeFilesBefore(path.join(config.dataDir, dir), before))).then(
      ([mail, pictures]) => {
        if (mail! + pictures! > 0) log.info({ mail, pictures }, 'worker retention pass');
      },
      (err: unknown) => log.warn({ err }, 'worker retention pass failed'),
    );
  };
  purge();
  const retention = setInterval(purge, 10 * 60 * 1000);
  // A seller's data deleted from the console: their mail and pictures on this disk too.
  const sellerFiles = new SellerFiles(config.dataDir, redis, log);
  sellerFiles.listen();
  log.info({ queue: redis ? 'redis' : 'sqlite', smtp: Boolean(config.smtpUrl), ocr: ocr?.languages ?? 'off' }, 'mail worker started');

  // 90 s: an SMTP server that hangs past its timeouts must not keep the process from stopping.
  stopOnSignals(
    log,
    'mail worker stopping: finishing the mails being sent, the rest stays queued',
    async () => {
      clearInterval(alive);
      clearInterval(retention);
      sellerFiles.close();
      try {
        await ocr?.close();
        await sender.stop();
        await outbox.close?.();
      } finally {
        redis?.disconnect();
        db.close();
      }
    },
    90_000,
  );
}

runMain(main);
