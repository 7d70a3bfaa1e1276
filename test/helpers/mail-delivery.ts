import path from 'node:path';
import type { Backoff, DeliveryOptions, SenderLog } from '../../src/escalation/delivery';
import type { CreateOptions } from '../../src/escalation/outbox';
import { fakeLog, type LogEntry } from './smtp';

/** Outbox limits a test's few cases stay under: a day's reuse window, three cases a window. */
export const createOpts: CreateOptions = { reuseWindowSeconds: 86_400, maxPerWindow: 3, windowSeconds: 86_400 };

/** Retries tens of milliseconds apart, so a test sees several. */
export const FAST: Backoff = { baseMs: 40, maxMs: 160, giveUpAfterMs: 60_000 };

/**
 * What a mail sender or worker under test delivers with: to the test SMTP server on `port`
 * (without one, as .eml files in `dataDir`/mail), from the bot to support, with the screenshots
 * of `dataDir`/screenshots, FAST retries and a log whose `entries` the test reads.
 */
export function deliveryFor(dataDir: string, port: number | undefined): { options: DeliveryOptions & { backoff: Backoff; log: SenderLog }; entries: LogEntry[] } {
  const { entries, log } = fakeLog();
  const options = {
    transport: { smtpUrl: port === undefined ? undefined : `smtp://127.0.0.1:${port}`, mailDir: path.join(dataDir, 'mail') },
    supportEmail: 'support@bigseller.com',
    mailFrom: 'Connection Help Bot <no-reply@localhost>',
    screenshotsDir: path.join(dataDir, 'screenshots'),
    log,
    backoff: FAST,
  };
  return { options, entries };
}
