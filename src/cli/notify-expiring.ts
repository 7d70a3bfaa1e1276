/**
 * npm run notify:expiring: one pass of the proactive expiry warning to LINE-linked sellers, by
 * hand, with the server's settings (DATA_DIR or REDIS_URL, LINE, the connector API,
 * LINE_PUSH_BUDGET_PERCENT). The rules are the daily pass's (docs/operations.md): a seller
 * already warned today, or about that store and expiry date, gets nothing more, so running it
 * again is safe. Prints one line: how the pass ended and what it did.
 *   --at ISO-TIME   with the sandbox connector only: pretend it is that time (to try it out)
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ensureDataDir, loadConfig } from '../config';
import { loadTranslations } from '../i18n';
import { loadKnowledge } from '../knowledge/load';
import { createLogger } from '../logger';
import { createExpiryWarning } from '../notify/expiry-warning';
import type { PassReport } from '../notify/expiry-pass';
import { HttpConnectorClient } from '../status/connector';
import { createSandboxConnectorRouter } from '../status/sandbox';
import { SqliteConversationStore } from '../storage/conversation-store';
import { connectRedis, RedisConversationStore } from '../storage/redis';
import { closeDatabase, openDatabase } from '../storage/sqlite';
import { bangkokMinute, bangkokTimeOf } from '../notify/expiry-rules';
import { runCommand } from './run-command';

function parseArgs(argv: string[]): { at?: Date } {
  const opts: { at?: Date } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const at = a === '--at' && argv[i + 1] ? bangkokTimeOf(argv[i + 1]!) : undefined;
    if (!at) throw new Error(`notify:expiring: unknown or incomplete argument "${a}" (use --at 2026-12-08T10:00, Bangkok time unless a zone is given)`);
    opts.at = at;
    i++;
  }
  return opts;
}

/** The built-in sandbox connector on a port of its own (the real client calls it over HTTP, as in the server). */
async function startSandbox(now: () => Date): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use('/sandbox/connector', createSandboxConnectorRouter({ now }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/connector`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function summary(r: PassReport): string {
  const skipped = Object.entries(r.skipped).map(([reason, n]) => `${reason} ${n}`);
  return `expiry warning pass: ${r.result}; ${r.sellers} linked seller(s) looked at, ${r.pushed} warning(s) pushed${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  const config = loadConfig();
  if (!config.line) throw new Error('notify:expiring needs LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN: the warning is sent on LINE');
  if (opts.at && config.connector) throw new Error('notify:expiring: --at only works with the sandbox connector (CONNECTOR_API_URL unset)');
  ensureDataDir(config);
  const log = createLogger(config.logLevel).child({ process: 'notify:expiring' });
  const at = opts.at;
  const now = at ? () => new Date(at.getTime()) : () => new Date();
  const db = openDatabase(config.dataDir);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log) : undefined;
  const sandbox = config.connector ? undefined : await startSandbox(now);
  const connector = new HttpConnectorClient({ baseUrl: config.connector?.url ?? sandbox!.url, apiKey: config.connector?.apiKey, log });
  const expiry = createExpiryWarning({
    line: config.line,
    budgetPercent: config.expiryWarning.budgetPercent,
    db,
    redis,
    kb: loadKnowledge(config.knowledgeDir),
    t: loadTranslations(),
    log,
    now,
    connector: () => connector,
    conversations: redis ? new RedisConversationStore(redis) : new SqliteConversationStore(db),
  });
  try {
    const report = await expiry.runPass();
    if (at) console.log(`as at ${bangkokMinute(at)} Bangkok time (--at)`);
    console.log(summary(report));
    return report.result === 'quota-unavailable' || report.result === 'locked' ? 1 : 0;
  } finally {
    await expiry.close();
    await sandbox?.close();
    redis?.disconnect();
    await closeDatabase(db);
  }
}

runCommand(main);
