import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the bot reads, validated once at start-up.
 * Names and defaults follow ../shared/CONTRACTS.md; add new ones here, never read process.env elsewhere.
 */
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * A URL with one of `protocols` ("smtp:"): a wrong one would only fail later, at the first use.
 * (What is no URL at all is reported by url(); zod runs the refinement anyway.)
 */
const urlOf = (...protocols: string[]) =>
  z
    .string()
    .url()
    .refine((u) => !URL.canParse(u) || protocols.includes(new URL(u).protocol), { message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}` });
const optionalUrlOf = (...protocols: string[]) => optional.pipe(urlOf(...protocols).optional());
const optionalUrl = optionalUrlOf('http:', 'https:');
/** "true" / "1" / "yes" turn a switch on; unset, empty, "false", "0", "no" leave it off. */
const flag = optional.pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional()).transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  TRUST_PROXY: z.string().trim().min(1).default('loopback, linklocal, uniquelocal'),
  NODE_ENV: optional,
  PUBLIC_BASE_URL: optionalUrl,
  DATA_DIR: z.string().default('./data'),
  KNOWLEDGE_DIR: z.string().default(path.resolve(__dirname, '..', 'knowledge')),
  REDIS_URL: optionalUrlOf('redis:', 'rediss:'),
  LINE_CHANNEL_SECRET: optional,
  LINE_CHANNEL_ACCESS_TOKEN: optional,
  LINE_API_BASE_URL: urlOf('http:', 'https:').default('https://api.line.me'),
  MicrosoftAppId: optional,
  MicrosoftAppPassword: optional,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  MicrosoftAppTenantId: optional,
  BOTFRAMEWORK_DEV_LOOPBACK: flag,
  SMTP_URL: optionalUrlOf('smtp:', 'smtps:'),
  SUPPORT_EMAIL: z.string().email().default('support@bigseller.com'),
  MAIL_FROM: optional.pipe(z.string().min(3).optional()),
  CONNECTOR_API_URL: optionalUrl,
  CONNECTOR_API_KEY: optional,
  WEB_IDENTITY_SECRET: optional,
  LINE_LINK_LOGIN_URL: optionalUrl,
  LINK_CONFIRM_SECRET: optional,
  // What a hand-over on LINE leads to: the ticket by e-mail only, or also a person in the LINE chat (the bot then keeps quiet).
  LINE_HANDOVER: optional.pipe(z.enum(['email', 'chat']).default('email')),
  LINE_PAUSE_HOURS: optional.pipe(z.coerce.number().min(0.01).max(24 * 30).default(24)),
  HANDOVER_REUSE_WINDOW_HOURS: z.coerce.number().min(0).max(24 * 90).default(24),
  HANDOVER_MAX_PER_DAY: z.coerce.number().int().min(1).max(100).default(3),
  MAIL_GIVE_UP_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(48),
  MAIL_RETRY_BASE_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  HANDOVER_MAX_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(60),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000_000).default(60),
  MAIL_WORKER_LOCK_SECONDS: z.coerce.number().min(1).max(3600).default(120),
  MESSAGE_BURST_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(2000),
  // Per picture; above 10 MiB a picture would not join the hand-over mail anyway.
  DIRECTLINE_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(5 * 1024 * 1024),
  // Reading the seller's screenshots (OCR): here (on), only by other processes on the Redis queue
  // (workers), or not at all (off); how many at a time, how many may wait, for how long each.
  OCR: optional.pipe(z.enum(['on', 'workers', 'off']).default('on')),
  OCR_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  OCR_QUEUE: z.coerce.number().int().min(0).max(1000).default(20),
  OCR_TIMEOUT_SECONDS: z.coerce.number().min(1).max(300).default(20),
  OCR_MAX_WIDTH: z.coerce.number().int().min(300).max(4000).default(1000),
  // Thai's model (tha.traineddata); unset: Debian's tesseract-ocr-tha where installed; "none": English only.
  OCR_THAI_MODEL: optional,
  // npm run admin:user -- add EMAIL: the password, for scripts (otherwise it is asked on the terminal).
  ADMIN_PASSWORD: optional,
  // Outcome records (the console's report) and the other stores of a seller's words are deleted after this many days.
  // At least 7: the Direct Line history is kept 7 days whatever this says.
  ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(7, 'must be at least 7 (the web chat history is kept 7 days)').max(3650).default(90),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LINE_PUSH_BUDGET_PERCENT: z.coerce.number().min(0).max(100).default(50),
  EXPIRY_WARNING: optional.pipe(z.enum(['on', 'off']).optional()),
  // Bangkok time; outside the quiet hours (21:00-08:00), when nothing would be sent.
  EXPIRY_WARNING_TIME: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
    .refine((v) => v >= '08:00' && v < '21:00', 'must be between 08:00 and 20:59 (no warnings are sent 21:00-08:00, Bangkok time)')
    .default('10:00'),
});

export interface Config {
  port: number;
  host: string;
  /** Express's 'trust proxy': the proxies whose X-Forwarded-For names the client. */
  trustProxy: string | number | boolean;
  /** NODE_ENV=production: the settings of a real deployment were checked (see productionGaps). */
  production: boolean;
  /** What a real deployment would set and this one leaves to a default, one line each. */
  warnings: string[];
  /** Requests per minute per client address on the public routes that cost something. */
  rateLimitPerMinute: number;
  publicBaseUrl: string;
  dataDir: string;
  knowledgeDir: string;
  redisUrl?: string;
  line?: { channelSecret: string; channelAccessToken: string; apiBaseUrl: string };
  lineApiBaseUrl: string;
  botFramework: { appId?: string; appPassword?: string; appType?: string; tenantId?: string; devLoopback: boolean };
  smtpUrl?: string;
  supportEmail: string;
  mailFrom: string;
  handover: { reuseWindowSeconds: number; maxPerDay: number; maxPerHour: number; giveUpAfterMs: number; retryBaseMs: number; workerLockMs: number };
  connector?: { url: string; apiKey?: string };
  webIdentitySecret?: string;
  lineLinkLoginUrl?: string;
  linkConfirmSecret?: string;
  /**
   * LINE_HANDOVER=chat: after the ticket the seller is told a person will answer in the LINE chat,
   * and the bot keeps quiet for them for `pauseHours` (LINE_PAUSE_HOURS, also the default of
   * `npm run line:pause`).
   */
  lineHandover: { mode: 'email' | 'chat'; pauseHours: number };
  /** How long a typed message waits for the seller's next piece before it is answered (0: never). */
  burstWaitMs: number;
  /** Largest picture a seller may upload in the web chat, in bytes. */
  directLineUploadMaxBytes: number;
  /** The proactive expiry warning on LINE: the daily pass (on by default with LINE), its time in Bangkok, and the share of LINE's monthly quota it may use. */
  expiryWarning: { enabled: boolean; at: { hour: number; minute: number }; budgetPercent: number };
  /**
   * Reading screenshots: undefined when OCR=off; `readHere` false with OCR=workers (the Redis
   * queue's other processes read). `thaiModel` '' reads English only.
   */
  ocr?: { readHere: boolean; concurrency: number; queue: number; timeoutMs: number; maxWidth: number; thaiModel?: string };
  /** ADMIN_PASSWORD: `npm run admin:user -- add` takes it instead of asking (scripts). */
  adminPassword?: string;
  /** Outcome records older than this many days are deleted (ANALYTICS_RETENTION_DAYS). */
  analyticsRetentionDays: number;
  logLevel: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.LINE_CHANNEL_SECRET) !== Boolean(e.LINE_CHANNEL_ACCESS_TOKEN)) {
    throw new ConfigError(
      'Invalid configuration:\n  LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set together (the LINE channel needs both)',
    );
  }
  if (e.EXPIRY_WARNING === 'on' && !e.LINE_CHANNEL_SECRET) {
    throw new ConfigError('Invalid configuration:\n  EXPIRY_WARNING: "on" needs the LINE channel (LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN): the warning is sent on LINE');
  }
  const production = e.NODE_ENV === 'production';
  const gaps = productionGaps(e);
  if (production && gaps.length > 0) {
    throw new ConfigError(`Invalid configuration for NODE_ENV=production:\n${gaps.map((g) => `  ${g}`).join('\n')}`);
  }
  const sandboxLogin = e.LINE_CHANNEL_SECRET && e.CONNECTOR_API_URL && !e.LINE_LINK_LOGIN_URL;
  if (sandboxLogin) {
    throw new ConfigError(
      'Invalid configuration:\n  LINE_LINK_LOGIN_URL: must be set when CONNECTOR_API_URL points at a real connector and LINE is on (the sandbox sign-in page picks sample sellers)',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    production,
    warnings: production ? [] : gaps,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    knowledgeDir: path.resolve(e.KNOWLEDGE_DIR),
    redisUrl: e.REDIS_URL,
    line:
      e.LINE_CHANNEL_SECRET && e.LINE_CHANNEL_ACCESS_TOKEN
        ? { channelSecret: e.LINE_CHANNEL_SECRET, channelAccessToken: e.LINE_CHANNEL_ACCESS_TOKEN, apiBaseUrl: e.LINE_API_BASE_URL }
        : undefined,
    lineApiBaseUrl: e.LINE_API_BASE_URL,
    botFramework: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      devLoopback: e.BOTFRAMEWORK_DEV_LOOPBACK,
    },
    smtpUrl: e.SMTP_URL,
    supportEmail: e.SUPPORT_EMAIL,
    mailFrom: e.MAIL_FROM ?? 'Connection Help Bot <no-reply@localhost>',
    handover: {
      reuseWindowSeconds: Math.round(e.HANDOVER_REUSE_WINDOW_HOURS * 3600),
      maxPerDay: e.HANDOVER_MAX_PER_DAY,
      maxPerHour: e.HANDOVER_MAX_PER_HOUR,
      giveUpAfterMs: Math.round(e.MAIL_GIVE_UP_HOURS * 3600 * 1000),
      retryBaseMs: Math.round(e.MAIL_RETRY_BASE_SECONDS * 1000),
      workerLockMs: Math.round(e.MAIL_WORKER_LOCK_SECONDS * 1000),
    },
    connector: e.CONNECTOR_API_URL ? { url: e.CONNECTOR_API_URL, apiKey: e.CONNECTOR_API_KEY } : undefined,
    webIdentitySecret: e.WEB_IDENTITY_SECRET,
    lineLinkLoginUrl: e.LINE_LINK_LOGIN_URL,
    linkConfirmSecret: e.LINK_CONFIRM_SECRET,
    lineHandover: { mode: e.LINE_HANDOVER, pauseHours: e.LINE_PAUSE_HOURS },
    burstWaitMs: e.MESSAGE_BURST_WAIT_MS,
    directLineUploadMaxBytes: e.DIRECTLINE_UPLOAD_MAX_BYTES,
    expiryWarning: {
      enabled: e.EXPIRY_WARNING ? e.EXPIRY_WARNING === 'on' : Boolean(e.LINE_CHANNEL_SECRET),
      at: { hour: Number(e.EXPIRY_WARNING_TIME.slice(0, 2)), minute: Number(e.EXPIRY_WARNING_TIME.slice(3)) },
      budgetPercent: e.LINE_PUSH_BUDGET_PERCENT,
    },
    ocr: ocrOf(e),
    analyticsRetentionDays: e.ANALYTICS_RETENTION_DAYS,
    adminPassword: e.ADMIN_PASSWORD,
    logLevel: e.LOG_LEVEL,
  };
}

/** Reading screenshots, or undefined (OCR=off). */
function ocrOf(e: z.infer<typeof envSchema>): Config['ocr'] {
  if (e.OCR === 'off') return undefined;
  if (e.OCR === 'workers' && !e.REDIS_URL) {
    throw new ConfigError('Invalid configuration:\n  OCR: "workers" needs REDIS_URL (the pictures are read by the processes taking the Redis queue)');
  }
  return {
    readHere: e.OCR === 'on',
    concurrency: e.OCR_CONCURRENCY,
    queue: e.OCR_QUEUE,
    timeoutMs: Math.round(e.OCR_TIMEOUT_SECONDS * 1000),
    maxWidth: e.OCR_MAX_WIDTH,
    thaiModel: e.OCR_THAI_MODEL === 'none' ? '' : e.OCR_THAI_MODEL,
  };
}

/** "true" / "false", a hop count, or addresses and names ("loopback, 10.0.0.0/8") as express reads them. */
function trustProxyOf(value: string): string | number | boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * What a real deployment must set, each a line naming the variable and what its default would
 * do. With NODE_ENV=production any of them stops the start; otherwise each is a warning.
 */
function productionGaps(e: z.infer<typeof envSchema>): string[] {
  const gaps: string[] = [];
  const need = (name: string, missing: unknown, why: string) => {
    if (missing) gaps.push(`${name}: not set (${why})`);
  };
  need('PUBLIC_BASE_URL', !e.PUBLIC_BASE_URL, `links in chats and LINE account links would point at http://localhost:${e.PORT}`);
  need('SMTP_URL', !e.SMTP_URL, 'hand-overs would be written as files under DATA_DIR/mail instead of reaching support');
  need('MAIL_FROM', !e.MAIL_FROM, 'hand-over mail would come from no-reply@localhost, which mail servers reject');
  need('CONNECTOR_API_URL', !e.CONNECTOR_API_URL, 'status checks would show the sandbox\'s sample stores');
  need('CONNECTOR_API_KEY', e.CONNECTOR_API_URL && !e.CONNECTOR_API_KEY, 'the connector API would be called without a key');
  if (e.LINE_CHANNEL_SECRET) {
    need('LINE_LINK_LOGIN_URL', !e.LINE_LINK_LOGIN_URL, 'LINE account linking would use the sandbox sign-in page');
    need('LINK_CONFIRM_SECRET', !e.LINK_CONFIRM_SECRET, 'the back office cannot know the secret the bot draws itself');
  }
  return gaps;
}

/**
 * For the processes that keep data (server, worker; not the command-line tools): DATA_DIR is
 * created if needed and must be writable, or start-up ends with this line instead of a stack.
 */
export function ensureDataDir(config: Pick<Config, 'dataDir'>): void {
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.accessSync(config.dataDir, fs.constants.W_OK);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  DATA_DIR: ${config.dataDir} cannot be created or written to (${(err as Error).message})`);
  }
}
