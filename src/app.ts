import express from 'express';
import { createBotFrameworkHandler } from './channels/botframework/adapter';
import { createDirectLineRouter } from './channels/web/directline';
import { toActivities } from './channels/web/render';
import { createWidgetRouter } from './channels/web/static';
import type { Config } from './config';
import { BotService } from './conversation/service';
import { loadTranslations } from './i18n';
import { loadKnowledge, type KnowledgeBase } from './knowledge/load';
import type { Logger } from './logger';
import { Matcher } from './matching/matcher';
import { SqliteConversationStore, type ConversationStore } from './storage/conversation-store';
import { SqliteDirectLineStore, type DirectLineStore } from './storage/directline-store';
import { connectRedis, RedisConversationStore, RedisDirectLineStore } from './storage/redis';
import { openDatabase, persistentSecret, type Db } from './storage/sqlite';
import { Metrics } from './metrics';

/** Idle conversations are forgotten after a day (state) ; Direct Line history lives longer. */
export const CONVERSATION_TTL_SECONDS = 24 * 3600;

export interface App {
  app: express.Express;
  metrics: Metrics;
  bot: BotService;
  kb: KnowledgeBase;
  db: Db;
  /** Periodic clean-up; stopped by close(). */
  close(): void;
}

/** Wires the bot together: storage, core, channels. Every external dependency comes from config. */
export function createApp(config: Config, log: Logger): App {
  const kb = loadKnowledge(config.knowledgeDir);
  const matcher = new Matcher(kb);
  const t = loadTranslations();
  const db = openDatabase(config.dataDir);
  // REDIS_URL: state shared by several instances; otherwise the embedded SQLite file.
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const conversations: ConversationStore = redis ? new RedisConversationStore(redis) : new SqliteConversationStore(db);
  const directLine: DirectLineStore = redis ? new RedisDirectLineStore(redis) : new SqliteDirectLineStore(db);
  const metrics = new Metrics();
  const bot = new BotService({
    core: { kb, matcher: metrics.timedMatcher(matcher), t, supportEmail: config.supportEmail },
    store: conversations,
    idleTtlSeconds: CONVERSATION_TTL_SECONDS,
    onEvents: (turn, events) => {
      metrics.observeEvents(turn, events);
      log.info({ channel: turn.channel, conversation: turn.conversationId, events }, 'turn events');
    },
    onError: (err, turn) => log.warn({ err, channel: turn.channel, conversation: turn.conversationId }, 'turn effect failed'),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    const checks: Record<string, boolean> = { knowledgeBase: kb.topics.length > 0 };
    try {
      db.prepare('SELECT 1').get();
      checks.storage = true;
    } catch {
      checks.storage = false;
    }
    if (redis) checks.redis = redis.status === 'ready';
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(createWidgetRouter());
  app.use(
    '/directline',
    createDirectLineRouter({
      bot,
      store: directLine,
      tokenSecret: persistentSecret(db, 'directline-token'),
      identitySecret: config.webIdentitySecret,
      log,
    }),
  );
  app.post(
    '/api/messages',
    express.json({ limit: '256kb' }),
    createBotFrameworkHandler({ bot, config: config.botFramework, render: toActivities, log }),
  );
  app.use((_req, res) => res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint' } }));
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) log.error({ err }, 'request failed');
    res.status(status).json({ error: { code: status === 400 ? 'bad_request' : status === 413 ? 'too_large' : 'internal', message: status >= 500 ? 'Internal error' : err.message } });
  });

  const sweeper = setInterval(() => {
    void conversations.sweep().catch((err: unknown) => log.warn({ err }, 'sweeping conversations failed'));
    void directLine.sweep(new Date()).catch((err: unknown) => log.warn({ err }, 'sweeping Direct Line failed'));
  }, 10 * 60 * 1000);
  sweeper.unref();

  return {
    app,
    metrics,
    bot,
    kb,
    db,
    close: () => {
      clearInterval(sweeper);
      redis?.disconnect();
      db.close();
    },
  };
}
