import type Redis from 'ioredis';
import { PushGuard } from '../channels/line/push-guard';
import { LineClient, type RetryOptions } from '../channels/line/client';
import { userHash } from '../channels/line/screenshots';
import type { Turn } from '../conversation/messages';
import type { ConversationStore } from '../conversation/ports';
import { BotService } from '../conversation/service';
import { migrate } from '../conversation/state';
import type { Translate } from '../i18n';
import type { KnowledgeBase } from '../knowledge/load';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { ConnectorClient } from '../status/connector-port';
import { RedisLinkStore, SqliteLinkStore } from '../storage/link-store';
import { RedisNotifyStore, SqliteNotifyStore, type NotifyStore } from '../storage/notify-store';
import { RedisPauseStore, SqlitePauseStore } from '../storage/pause-store';
import type { Db } from '../storage/sqlite';
import { ExpiryPass, type PassReport } from './expiry-pass';
import type { TimeOfDay } from './expiry-rules';
import { DailySchedule } from './expiry-schedule';

/**
 * The proactive expiry warning on LINE, wired for the server (daily timer) and for
 * `npm run notify:expiring` (one pass): the same storage as the rest of the bot (SQLite, or
 * Redis with REDIS_URL), the connector API, and LINE.
 */
export interface ExpiryWarningDeps {
  /** Unset: no pass (LINE is off), but a seller's "stop reminders" is still kept. */
  line?: { channelAccessToken: string; apiBaseUrl: string };
  budgetPercent: number;
  db: Db;
  redis?: Redis;
  kb: KnowledgeBase;
  t: Translate;
  log: Logger;
  connector: () => ConnectorClient;
  /** Where the seller's language is read from (their conversation, while it is remembered). */
  conversations?: ConversationStore;
  metrics?: Metrics;
  now?: () => Date;
  retry?: Partial<RetryOptions>;
}

export interface ExpiryWarning {
  notices: NotifyStore;
  /** The guard every push of this process passes (LINE on): the webhook's client counts into it too. */
  pushGuard?: PushGuard;
  /** The core's set-reminders effect: a LINE seller said stop, or asked for the warnings again. */
  setReminders(turn: Pick<Turn, 'channel' | 'userId'>, on: boolean): Promise<void>;
  runPass(signal?: AbortSignal): Promise<PassReport>;
  /** Runs the pass every day at `at`, Bangkok time (see DailySchedule); nothing without LINE. */
  schedule(at: TimeOfDay, catchUpAfterMs?: number): void;
  /** Stops the timer, lets a pass under way stop after its current seller, closes LINE's connections. */
  close(): Promise<void>;
}

export function createExpiryWarning(deps: ExpiryWarningDeps): ExpiryWarning {
  const { db, redis, log, metrics } = deps;
  const notices: NotifyStore = redis ? new RedisNotifyStore(redis) : new SqliteNotifyStore(db);
  const links = redis ? new RedisLinkStore(redis) : new SqliteLinkStore(db);
  // One guard for every push: the warnings' client and the webhook's count into it, the pass asks it.
  const lineConfig = deps.line;
  // (Read at the first pass, once `line` exists.)
  const pushGuard: PushGuard | undefined = lineConfig && new PushGuard({ readQuota: () => line!.pushQuota(), budgetPercent: deps.budgetPercent });
  const line: LineClient | undefined = lineConfig && new LineClient({ ...lineConfig, retry: deps.retry, guard: pushGuard }, log);
  const conversations = deps.conversations;
  const pauses = redis ? new RedisPauseStore(redis) : new SqlitePauseStore(db);
  const pass = line && new ExpiryPass({
    links,
    notices,
    line,
    kb: deps.kb,
    t: deps.t,
    log,
    budgetPercent: deps.budgetPercent,
    guard: pushGuard,
    now: deps.now,
    // Created on first use in the server (the sandbox's port is known once it listens).
    connector: { getStores: (accountId) => deps.connector().getStores(accountId) },
    paused: async (lineUserId) => (await pauses.pausedUntil(lineUserId)) !== undefined,
    languageOf: async (lineUserId) => {
      const stored = await conversations?.get(BotService.key('line', lineUserId));
      return stored ? migrate(stored).lang : undefined;
    },
    onPushed: (_to, message) => metrics?.replies.inc({ channel: 'line', act: message.act }),
    onPassEnd: (report) => metrics?.observeExpiryPass(report.result, { pushed: report.pushed, ...report.skipped }),
  });
  let schedule: DailySchedule | undefined;
  return {
    notices,
    pushGuard,
    setReminders: async (turn, on) => {
      if (turn.channel !== 'line') throw new Error('expiry warnings are sent on LINE only');
      await notices.setStopped(turn.userId, !on);
      log.info({ on, user: userHash(turn.userId) }, 'expiry warning: a seller turned the warnings on or off');
    },
    runPass: (signal) => (pass ? pass.run(signal) : Promise.reject(new Error('the expiry warning needs LINE (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN)'))),
    schedule: (at, catchUpAfterMs) => {
      if (!pass || schedule) return;
      schedule = new DailySchedule({ at, run: (signal) => pass.run(signal), lastPassDay: () => notices.lastPassDay(), log, now: deps.now, catchUpAfterMs });
      schedule.start();
    },
    close: async () => {
      await schedule?.stop();
      await line?.close();
    },
  };
}
