import type http from 'node:http';
import path from 'node:path';
import express from 'express';
import type Redis from 'ioredis';
import { botFrameworkEnabled, createBotFrameworkHandler } from './channels/botframework/adapter';
import { createRateLimits, type RateLimits } from './channels/rate-limits';
import { createDirectLineRouter } from './channels/web/directline';
import { refuseUpgrade } from './channels/web/directline-stream';
import { toActivities } from './channels/web/render';
import { createWidgetRouter } from './channels/web/static';
import { requestIdOf, requestIds } from './channels/request-id';
import type { Config } from './config';
import type { EscalationCase } from './conversation/messages';
import { lineDisplayName } from './channels/line/profile';
import { BotService } from './conversation/service';
import { loadTranslations, type Translate } from './i18n';
import { knownErrorCodes, loadKnowledge, type KnowledgeBase } from './knowledge/load';
import type { Logger } from './logger';
import { Matcher } from './matching/matcher';
import { SqliteConversationStore, type ConversationStore } from './storage/conversation-store';
import { SqliteDirectLineStore, type DirectLineStore } from './storage/directline-store';
import { connectRedis, RedisConversationStore, RedisDirectLineStore, RedisEventDedupStore, RedisEventInbox } from './storage/redis';
import { closeDatabase, openDatabase, type Db } from './storage/sqlite';
import { RedisSecretSource, Secrets, SqliteSecretSource } from './storage/secrets';
import { RedisScreenshotShare } from './storage/screenshot-share';
import { Metrics } from './metrics';
import { createMailService, type MailService } from './escalation/mail-service';
import { HttpConnectorClient } from './status/connector';
import { signIdentity } from './status/identity';
import { createSandboxConnectorRouter, SANDBOX_SELLERS } from './status/sandbox';
import { createLinkConfirmRouter, createSandboxLineLoginRouter } from './channels/line/linking';
import { createLineRouter, type LineRouter } from './channels/line/webhook';
import type { PushGuard } from './channels/line/push-guard';
import { SqliteEventDedupStore } from './storage/event-dedup';
import { SqliteEventInbox } from './storage/event-inbox';
import { SqliteBurstStore } from './storage/burst-store';
import { RedisBurstStore } from './storage/redis-burst-store';
import { BurstGate } from './channels/burst-gate';
import { RedisLinkStore, SqliteLinkStore } from './storage/link-store';
import { createExpiryWarning, type ExpiryWarning } from './notify/expiry-warning';
import { RedisPauseStore, SqlitePauseStore } from './storage/pause-store';
import { LinePause } from './channels/line/pause';
import { RedisRichMenuStore, SqliteRichMenuStore } from './storage/richmenu-store';
import { LineRichMenuApi } from './channels/line/richmenu/api';
import { SellerMenus } from './channels/line/richmenu/seller-menus';
import { createPictureReading } from './screenshots/picture-reading';
import type { OutcomeRecords } from './analytics/outcome-records';
import { createSupportConsole } from './admin/console';
import type { CoreContext } from './conversation/engine';

/** Idle conversations are forgotten after a day (state) ; Direct Line history lives longer. */
export const CONVERSATION_TTL_SECONDS = 24 * 3600;

export interface App {
  app: express.Express;
  line?: LineRouter;
  /**
   * Tells the app the server it listens on: its port (the sandbox connector is called over
   * HTTP), and its WebSocket upgrades (Direct Line streams).
   */
  listening(server: http.Server): void;
  /** Shutdown, as the server stops listening: open Direct Line streams are closed (their clients reconnect elsewhere). */
  closeStreams(): void;
  sandbox: boolean;
  metrics: Metrics;
  bot: BotService;
  /** LINE sellers a person of support answers in the chat (the LINE channel and the converse player apply it). */
  linePause: LinePause;
  kb: KnowledgeBase;
  db: Db;
  /** Mail delivery as this process sees it: the sender itself (SQLite) or a watcher of the Redis queue. */
  sender: MailService;
  /** The proactive expiry warning on LINE (src/notify/): its pass runs only with LINE on. */
  expiry: ExpiryWarning;
  /** What became of each conversation: the console's report reads it. */
  outcomes: OutcomeRecords;
  /** Stops the mail sender (the current mail finishes, the rest stays queued) and closes storage. */
  close(): Promise<void>;
}

/** Wires the bot together: storage, core, channels. Every external dependency comes from config. */
/**
 * `sandboxNow`: the sandbox connector's clock (its stores expire relative to it); the converse
 * player gives its own, so that a scripted conversation is answered the same on any day.
 */
export function createApp(config: Config, log: Logger, opts: { sandboxNow?: () => Date } = {}): App {
  const kb = loadKnowledge(config.knowledgeDir);
  const matcher = new Matcher(kb);
  const t = loadTranslations();
  const db = openDatabase(config.dataDir, undefined, { onError: (message) => log.warn({ err: message }, 'SQLite background checkpoint failed') });
  // REDIS_URL: state shared by several instances; otherwise the embedded SQLite file.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log) : undefined;
  const conversations: ConversationStore = redis ? new RedisConversationStore(redis) : new SqliteConversationStore(db);
  const directLine: DirectLineStore = redis ? new RedisDirectLineStore(redis, undefined, log) : new SqliteDirectLineStore(db);
  const metrics = new Metrics();
  // Pieces of a message typed in a row, answered once; shared like the conversations are.
  const bursts = new BurstGate(redis ? new RedisBurstStore(redis) : new SqliteBurstStore(db), config.burstWaitMs, log);
  // Hand-overs: stored in the outbox first, then mailed (SMTP_URL, else .eml files in DATA_DIR/mail).
  // On SQLite this process sends them; on Redis the worker process does (npm run worker).
  const { outbox, sender } = createMailService(config, { db, redis, log, deliver: !redis, kb });
  metrics.watchMail(sender);
  // Without CONNECTOR_API_URL the built-in sandbox connector (same HTTP contract) answers, and
  // the demo page can sign in as one of its sample sellers.
  const sandbox = !config.connector;
  let port = config.port;
  let connector: HttpConnectorClient | undefined;
  // Created on first use: the sandbox's address is known once the server listens.
  const connectorClient = () =>
    (connector ??= new HttpConnectorClient({
      baseUrl: config.connector?.url ?? `http://127.0.0.1:${port}/sandbox/connector`,
      apiKey: config.connector?.apiKey,
      // A chat cannot wait long: one retry, and the breaker cuts a dead connector off.
      timeoutMs: 2500,
      retries: 1,
      log,
    }));
  // Secrets the bot draws itself when not configured, shared by every instance on Redis.
  const secrets = new Secrets(redis ? new RedisSecretSource(redis) : new SqliteSecretSource(db), ['directline-token', 'sandbox-identity', 'link-confirm']);
  const configuredIdentity = config.webIdentitySecret;
  const identitySecret = configuredIdentity ? () => configuredIdentity : sandbox ? () => secrets.get('sandbox-identity') : undefined;
  // The proactive expiry warning on LINE (src/notify/): the daily pass (EXPIRY_WARNING), and "stop reminders".
  const expiry = createExpiryWarning({ line: config.line, budgetPercent: config.expiryWarning.budgetPercent, db, redis, kb, t, log, metrics, connector: connectorClient, conversations });
  if (config.expiryWarning.enabled) expiry.schedule(config.expiryWarning.at);
  // Screenshots sellers send are read (OCR) into the conversation: here, or on Redis by whichever process takes the queue.
  const shared = redis ? new RedisScreenshotShare(redis) : undefined;
  const pictures = createPictureReading(config, log, knownErrorCodes(kb), shared);
  // What became of each conversation, for the console's report (src/analytics/).
  const core: CoreContext = { kb, matcher: metrics.timedMatcher(matcher), t, supportEmail: config.supportEmail, ticketOpenSeconds: config.handover.reuseWindowSeconds };
  const support = createSupportConsole({ config, db, redis, core, base: kb, wrapMatcher: (m) => metrics.timedMatcher(m), stores: { conversations, directLine, outbox }, log });
  const { outcomes } = support;
  const bot = new BotService({
    core,
    store: conversations,
    idleTtlSeconds: CONVERSATION_TTL_SECONDS,
    onTurnDone: (turn, seconds, messages) => {
      metrics.turnSeconds.observe({ channel: turn.channel }, seconds);
      metrics.observeReplies(turn, messages);
      const acts = messages.map((m) => m.act);
      log.debug({ requestId: turn.requestId, channel: turn.channel, kind: turn.kind, acts, ms: Math.round(seconds * 1000) }, 'turn done');
    },
    onEvents: (turn, events, context) => {
      metrics.observeTurn(turn, events);
      outcomes.record(turn, events, context);
      // The seller's words stay out of the log (they are in the conversation, redacted).
      const logged = events.map((e) => (e.type === 'matched' ? { ...e, text: undefined } : e));
      if (events.length > 0) log.info({ requestId: turn.requestId, channel: turn.channel, conversation: turn.conversationId, events: logged }, 'turn events');
    },
    escalate: async (given) => {
      const c = await withChatHandover(given, config);
      const r = await outbox.create(c, {
        reuseWindowSeconds: config.handover.reuseWindowSeconds,
        maxPerWindow: config.handover.maxPerDay,
        windowSeconds: 24 * 3600,
      });
      if (!r.existing && !r.limited) sender.kick();
      return r;
    },
    onError: (err, turn) => log.warn({ err, requestId: turn.requestId, channel: turn.channel, conversation: turn.conversationId }, 'turn effect failed'),
    setReminders: expiry.setReminders,
    checkStatus: async (accountId) => {
      const end = metrics.statusSeconds.startTimer();
      try {
        return await connectorClient().getStores(accountId);
      } finally {
        end();
      }
    },
    // "My tickets": read from the same outbox the cases are filed in.
    listTickets: (userKey, since, limit) => outbox.ticketsOf(userKey, since, limit),
    readPicture: (ref) => pictures.readPicture(ref),
  });

  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies named (rate limits go by client address).
  app.set('trust proxy', config.trustProxy);
  app.use(requestIds);
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
    // A mail backlog that does not move makes the instance not ready; a mail given up for good
    // is reported here, in /metrics and in the error log, without taking the bot out of service.
    const mail = sender.stats;
    checks.mailBacklogMoving = (mail?.oldestPendingAgeSeconds ?? 0) < 3600;
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, mail: { pending: mail?.pending ?? 0, failed: mail?.failed ?? 0 }, ocr: { where: pictures.where, languages: pictures.languages } });
  });
  app.get('/metrics', (_req, res, next) => {
    metrics.registry.metrics().then((text) => res.type(metrics.registry.contentType).send(text), next);
  });
  const limits = createRateLimits({ perMinute: config.rateLimitPerMinute, redis });
  app.post('/directline/tokens/generate', limits.tokens);
  app.post(['/directline/conversations/:id/activities', '/directline/conversations/:id/upload'], limits.activities);
  if (sandbox) app.use('/sandbox/connector', createSandboxConnectorRouter({ now: opts.sandboxNow }));
  // Everything below may sign or check a token: the secrets must be there first.
  app.use(secrets.middleware);

  // LINE, when both channel credentials are set. The webhook reads its raw body itself (the
  // signature is checked on the bytes), so no JSON parser may run before it: none is global here.
  // Sellers a person of support is answering in LINE's chat: the bot keeps quiet for them
  // (npm run line:pause, or a hand-over with LINE_HANDOVER=chat). Shared like the links are.
  const linePause = new LinePause({ store: redis ? new RedisPauseStore(redis) : new SqlitePauseStore(db), bot, handover: config.lineHandover, t, log });
  const line = mountLine(app, config, { bot, db, redis, secrets, metrics, limits, sandbox, log, t, bursts, linePause, pushGuard: expiry.pushGuard, shots: shared });
  app.use(
    createWidgetRouter({
      publicBaseUrl: config.publicBaseUrl,
      keptDays: config.analyticsRetentionDays,
      ...(sandbox && identitySecret
        ? {
            signInHtml: () => sandboxSignInHtml(),
            identityFor: (q: Record<string, unknown>) =>
              SANDBOX_SELLERS.some((s) => s.accountId === q.as) ? signIdentity(String(q.as), identitySecret(), 8 * 3600) : undefined,
          }
        : {}),
    }),
  );
  const directLineRouter = createDirectLineRouter({
    bot,
    store: directLine,
    tokenSecret: () => secrets.get('directline-token'),
    identitySecret,
    publicBaseUrl: config.publicBaseUrl,
    log,
    bursts,
    // Kept where LINE's pictures are; on Redis also copied there, for the mail worker and the other instances.
    pictures: { dir: path.join(config.dataDir, 'screenshots'), maxBytes: config.directLineUploadMaxBytes, share: shared },
  });
  app.use('/directline', directLineRouter);
  metrics.watchStreams(() => directLineRouter.openStreams());
  // Opt-in: the SDK is archived upstream, and without an app id nothing authenticates the caller.
  if (botFrameworkEnabled(config.botFramework)) {
    app.post('/api/messages', limits.activities, ...createBotFrameworkHandler({ bot, config: config.botFramework, render: toActivities, log }));
  }
  // The support team's console: its report, behind staff accounts (npm run admin:user).
  app.use('/admin', support.router);
  app.use((_req, res) => res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint' } }));
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    // An error after the answer started: only express can end the response (it closes the socket).
    if (res.headersSent) return next(err);
    const status = err.status && ((err.status >= 400 && err.status < 500) || err.status === 503) ? err.status : 500;
    if (status >= 500) log.error({ err, requestId: requestIdOf(res) }, 'request failed');
    res.status(status).json({ error: { code: status === 400 ? 'bad_request' : status === 413 ? 'too_large' : status === 503 ? 'unavailable' : 'internal', message: status === 503 ? 'Temporarily unavailable, try again shortly' : status >= 500 ? 'Internal error' : err.message } });
  });

  const sweeper = setInterval(() => {
    void conversations.sweep().catch((err: unknown) => log.warn({ err }, 'sweeping conversations failed'));
    void directLine.sweep(new Date()).catch((err: unknown) => log.warn({ err }, 'sweeping Direct Line failed'));
  }, 10 * 60 * 1000);
  sweeper.unref();

  sender.start();

  return {
    app,
    line,
    sender,
    expiry,
    sandbox,
    listening: (server) => {
      const address = server.address();
      if (address && typeof address === 'object') port = address.port;
      // An upgrade passes no express middleware: the secrets that check its token are loaded here
      // (a stream opened first on a process, after a restart or on another instance, was refused 401).
      server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => {
        secrets
          .load()
          .then(
            () => {
              if (!directLineRouter.upgrade(req, socket, head)) refuseUpgrade(socket, 404);
            },
            () => refuseUpgrade(socket, 503),
          )
          // Outside express nothing else would catch it, and an unhandled rejection ends the process.
          .catch((err: unknown) => {
            log.error({ err }, 'stream upgrade failed');
            socket.destroy();
          });
      });
    },
    closeStreams: () => directLineRouter.closeStreams(),
    metrics,
    outcomes,
    bot,
    linePause,
    kb,
    db,
    close: async () => {
      clearInterval(sweeper);
      // The HTTP server has stopped taking requests; answer the turns already accepted.
      await Promise.all([line?.close(), directLineRouter.idle()]);
      await sender.stop();
      await outbox.close?.();
      await directLine.close();
      await expiry.close();
      await pictures.close();
      await support.close();
      redis?.disconnect();
      await closeDatabase(db);
    },
  };
}

/** What the LINE channel shares with the rest of the app. */
interface LineWiring {
  bot: BotService;
  db: Db;
  redis?: Redis;
  secrets: Secrets;
  metrics: Metrics;
  limits: RateLimits;
  sandbox: boolean;
  log: Logger;
  t: Translate;
  bursts: BurstGate;
  linePause: LinePause;
  pushGuard?: PushGuard;
  /** On Redis: the pictures' copies there, for the mail worker and the OCR queue's readers. */
  shots?: RedisScreenshotShare;
}

/** The LINE webhook and account linking, when the channel is configured. */
function mountLine(app: express.Express, config: Config, wiring: LineWiring): LineRouter | undefined {
  if (!config.line) return undefined;
  const { bot, db, redis, secrets, metrics, limits, sandbox, log, t, bursts, linePause, pushGuard, shots } = wiring;
  const links = redis ? new RedisLinkStore(redis) : new SqliteLinkStore(db);
  const line = createLineRouter({
    bot,
    line: config.line,
    dedup: redis ? new RedisEventDedupStore(redis) : new SqliteEventDedupStore(db),
    inbox: redis ? new RedisEventInbox(redis) : new SqliteEventInbox(db),
    onAdopted: (count) => metrics.lineEventsAdopted.inc(count),
    dataDir: config.dataDir,
    log,
    t,
    bursts,
    linking: { links, loginUrl: config.lineLinkLoginUrl ?? `${config.publicBaseUrl}/sandbox/line-login` },
    pause: linePause,
    pushGuard,
    menus: new SellerMenus({ api: new LineRichMenuApi(config.line), store: redis ? new RedisRichMenuStore(redis) : new SqliteRichMenuStore(db), log }),
    // On Redis the worker mailing the case has another disk: the picture goes through Redis.
    ...(shots ? { onScreenshotKept: (ref: string) => shots.publish(path.join(config.dataDir, 'screenshots'), ref) } : {}),
  });
  app.use('/webhooks/line', limits.unsignedLine, line);
  const configuredConfirm = config.linkConfirmSecret;
  const confirmSecret = configuredConfirm ? () => configuredConfirm : () => secrets.get('link-confirm');
  app.use(createLinkConfirmRouter({ links, confirmSecret, log }));
  if (sandbox && !config.lineLinkLoginUrl) app.use(createSandboxLineLoginRouter({ links, sellers: SANDBOX_SELLERS }));
  return line;
}

/**
 * LINE_HANDOVER=chat: the seller will be told a person answers in the LINE chat, so the mail
 * says so, with the display name support finds them by (the case's user key is `line:<id>`).
 */
async function withChatHandover(c: EscalationCase, config: Config): Promise<EscalationCase> {
  if (!config.line || config.lineHandover.mode !== 'chat' || c.channel !== 'line') return c;
  const displayName = await lineDisplayName(config.line, c.userKey.slice('line:'.length));
  return { ...c, answerInChat: { channel: 'line', ...(displayName ? { displayName } : {}) } };
}

/** Sandbox only: links that open the demo page signed in as a sample seller (fixed, trusted HTML). */
function sandboxSignInHtml(): string {
  const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const items = SANDBOX_SELLERS.map(
    (s) => `<li><a href="/?as=${encodeURIComponent(s.accountId)}">${esc(s.displayName.th)}</a> — ${esc(s.scenario.th)} / ${esc(s.scenario.en)}</li>`,
  ).join('');
  return `<div class="card signin"><h2>ทดลองแบบเข้าสู่ระบบ (sandbox) / Sign in as a sample seller</h2>
<p>ข้อมูลร้านค้าตัวอย่าง ไม่ใช่ร้านจริง / Sample data from the built-in sandbox connector. Then ask the bot <code>เช็คสถานะร้าน</code> or <code>check my stores</code>.</p>
<ul>${items}</ul><p><a href="/">ใช้งานแบบไม่เข้าสู่ระบบ / Anonymous</a></p></div>`;
}
