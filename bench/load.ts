/**
 * npm run bench:load — the bot under load, as production runs it (`node dist/server.js`, its own
 * process), against a local fake LINE API, driven by autocannon:
 *  - signed LINE webhooks with realistic Thai and English seller messages (many users, every
 *    event with its own webhookEventId and reply token), on embedded defaults (SQLite) and on Redis;
 *  - Direct Line conversations (the web widget's API), polled like open widgets;
 *  - for comparison, in the same run: a bare express endpoint and the plain @line/bot-sdk echo
 *    bot (middleware + replyMessage to the same fake LINE API), each in its own process.
 * "Answered" counts replies the fake LINE API received (or answers that appeared in the Direct
 * Line conversation), not HTTP 200s. autocannon's closed loop gives the most each server answers;
 * the bot acknowledges before it answers, so its latency there is that of a backlog: each LINE
 * server is also sent webhooks at a fixed, evenly spaced rate (open loop), by default half the
 * echo bot's figure, and then climbs a ladder of fixed rates to find the highest it
 * answers with p99 under 50 ms (the target read as capacity). Prints figures and whether the
 * targets are met; asserts nothing.
 * The machine is shared (a VM whose CPU time varies by ±30% from minute to minute), so the LINE
 * rows are measured in BENCH_ROUNDS rounds (default 3), the servers taking turns in a rotated
 * order, and the table shows each figure's median over the rounds; the throughput ratio is the
 * median of the per-round ratios (the full bot and the echo bot measured minutes apart).
 * Knobs (env): BENCH_DURATION, BENCH_WARMUP (s), BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_DL_CONNECTIONS,
 * BENCH_USERS, BENCH_CONVERSATIONS, BENCH_RATE, BENCH_LADDER_SECONDS (0: no ladder), BENCH_REDIS_URL,
 * BENCH_NODE_ARGS (e.g. --cpu-prof).
 * Target: the full bot answers at least as many LINE events per second as the echo bot, with
 * p99 under 50 ms, on embedded defaults and on Redis.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AnswerPhase, DirectLineDriver } from './load/directline';
import { CpuMeter, cpuSecondsOf, FakeLineApi, freePort, killAll, LineEventFactory, loadTexts, num, paced, percentile, ReplyPhase, ServerProcess, sleep, THAI } from './load/lib';

// ---------------------------------------------------------------------------------------------
// Parameters (env overrides for trying other loads; the defaults take about 6 minutes)

/** BENCH_ONLY=echo,sqlite (any of bare, echo, sqlite, redis, directline): run only those parts. */
const onlyParts = (process.env.BENCH_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const only = (part: string) => onlyParts.length === 0 || onlyParts.includes(part);
const P = {
  durationS: num('BENCH_DURATION', 10),
  /** Rounds of the LINE rows, each server in turn in a rotated order; the table shows medians. */
  rounds: Math.max(1, num('BENCH_ROUNDS', 3)),
  warmupS: num('BENCH_WARMUP', 2),
  lineConnections: num('BENCH_CONNECTIONS', 50),
  dlConnections: num('BENCH_DL_CONNECTIONS', 50),
  users: num('BENCH_USERS', 200),
  conversations: num('BENCH_CONVERSATIONS', 100),
  pollMs: 1000,
  /** Fixed rate of the latency rows; by default half the echo bot's answered/s (the reference). */
  rate: num('BENCH_RATE', 0),
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9',
  targetP99Ms: 50,
  /** Seconds of each step of the capacity ladder (BENCH_LADDER_SECONDS=0: no ladder). */
  ladderS: num('BENCH_LADDER_SECONDS', 5),
};

const root = path.resolve(__dirname, '..');
const secret = crypto.randomBytes(16).toString('hex');
const accessToken = `bench-${crypto.randomBytes(12).toString('hex')}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));

// autocannon ships no types; the part used here.
interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AcResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { total: number; sent: number };
  latency: { p50: number; p99: number };
}
type Ctx = { t0?: number };
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  requests: { method: string; path: string; setupRequest: (req: AcRequest, ctx: Ctx) => AcRequest; onResponse: (status: number, body: string, ctx: Ctx) => void }[];
}) => Promise<AcResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

// ---------------------------------------------------------------------------------------------
// Results

interface Row {
  name: string;
  /** As printed, when not the name. */
  label?: string;
  /** Events (LINE) or messages (Direct Line) answered per second. */
  answeredPerS: number;
  httpRps: number;
  httpP50: number;
  httpP99: number;
  replyP50: number;
  replyP99: number;
  peakRssMb: number;
  /** CPU of the server process over the measured window, % of one core. */
  cpuPct: number;
  detail: string[];
  skipped?: string;
  /** Fixed-rate rows: events sent and not answered, or not acknowledged with a 200. */
  missed?: number;
  /** The rounds' rows, when this row is their median. */
  rounds?: Row[];
}

const rows: Row[] = [];

const median = (xs: number[]) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const runName = (name: string, round: number) => `${name} #${round}`;

/** The row of `name` over its rounds: each figure's median (peak RSS: the highest). */
function medianRow(name: string, label: string, runs: Row[]): Row {
  const ok = runs.filter((r) => !r.skipped);
  if (ok.length === 0) return { name, label, skipped: runs[0]?.skipped ?? 'not measured' } as Row;
  const med = (pick: (r: Row) => number) => median(ok.map(pick));
  const rss = ok.map((r) => r.peakRssMb).filter(Number.isFinite);
  return {
    name,
    label,
    answeredPerS: med((r) => r.answeredPerS),
    httpRps: med((r) => r.httpRps),
    httpP50: med((r) => r.httpP50),
    httpP99: med((r) => r.httpP99),
    replyP50: med((r) => r.replyP50),
    replyP99: med((r) => r.replyP99),
    peakRssMb: rss.length ? Math.max(...rss) : NaN,
    cpuPct: med((r) => r.cpuPct),
    detail: [],
    rounds: ok,
  };
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const sorted = (xs: number[]) => Float64Array.from(xs).sort() as unknown as number[];

function statusSummary(r: AcResult): string {
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ');
  return `HTTP: ${r.requests.total} completed (${codes || 'none'}), non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`;
}

function warnings(s: ServerProcess): string[] {
  if (s.warnings.size === 0) return [];
  return [`server log warn/error lines: ${[...s.warnings].map(([m, n]) => `${n}× "${m}"`).join('; ')}`];
}

/** redis-server's pid (from INFO), to report its CPU next to the bot's; undefined when not readable. */
let redisPid: number | undefined;

/** CPU meters of the server, this process (load generator, fake LINE API) and, on Redis, redis-server. */
function meters(server: ServerProcess) {
  const srv = new CpuMeter(() => cpuSecondsOf(server.pid)).start();
  const gen = new CpuMeter(() => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }).start();
  const pid = server.usesRedis ? redisPid : undefined;
  const red = pid ? new CpuMeter(() => cpuSecondsOf(pid)).start() : undefined;
  return () => {
    const server = srv.stop();
    const line =
      `CPU over the measured window (% of one core): server ${f(server, 0)}%, load generator + fake LINE API (this process) ${f(gen.stop(), 0)}%` +
      (red ? `, redis-server ${f(red.stop(), 0)}%` : '');
    return { server, line };
  };
}

// ---------------------------------------------------------------------------------------------
// Servers

/** The bot's apology for a failed turn, in each language: such a reply is counted apart. */
const errorTexts = ['en', 'th'].flatMap((lang) => {
  try {
    const tr = JSON.parse(fs.readFileSync(path.join(root, 'locales', lang, 'translation.json'), 'utf8')) as { error?: { generic?: string } };
    return tr.error?.generic ? [tr.error.generic] : [];
  } catch {
    return [];
  }
});
const fake = new FakeLineApi(errorTexts);
const { texts, files: textFiles } = loadTexts(root);
const factory = new LineEventFactory(secret, texts, P.users);

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // Nothing of the caller's environment (a REDIS_URL, an SMTP_URL...) leaks into the servers.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', NODE_PATH: path.join(root, 'node_modules') };
  return { ...env, ...extra };
}

/**
 * The comparison servers are TypeScript (bench/load/*.ts); they run as plain JavaScript,
 * transpiled here, so that like the bot (dist/server.js) they carry no tsx loader (~35 MB RSS).
 */
function transpiled(file: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const src = fs.readFileSync(path.join(__dirname, 'load', file), 'utf8');
  const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const dest = path.join(tmp, file.replace(/\.ts$/, '.js'));
  fs.writeFileSync(dest, out.outputText);
  return dest;
}

async function startHelper(name: string, file: string): Promise<ServerProcess> {
  const port = await freePort();
  const s = new ServerProcess(name, port, [transpiled(file)], {
    cwd: root,
    env: cleanEnv({ PORT: String(port), LINE_CHANNEL_SECRET: secret, LINE_CHANNEL_ACCESS_TOKEN: accessToken, LINE_API_BASE_URL: `http://127.0.0.1:${fake.port}` }),
  });
  await s.ready();
  return s;
}

/** BENCH_NODE_ARGS: extra node flags for the bot, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

async function startBot(name: string, redis: boolean): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(tmp, 'data-'));
  const s = new ServerProcess(name, port, [...nodeArgs, 'dist/server.js'], {
    cwd: root,
    env: cleanEnv({
      PORT: String(port),
      DATA_DIR: dataDir,
      LINE_CHANNEL_SECRET: secret,
      LINE_CHANNEL_ACCESS_TOKEN: accessToken,
      LINE_API_BASE_URL: `http://127.0.0.1:${fake.port}`,
      LOG_LEVEL: 'warn',
      // NODE_ENV=production requires a real deployment's settings; the benchmark's traffic
      // uses none of them (no hand-over is mailed, no account is linked or checked).
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'Bench <bench@example.com>',
      CONNECTOR_API_URL: 'http://127.0.0.1:9',
      CONNECTOR_API_KEY: 'bench',
      LINE_LINK_LOGIN_URL: 'http://127.0.0.1:9/login',
      LINK_CONFIRM_SECRET: 'bench',
      // One load generator, one address: the per-address limits would measure themselves.
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...(redis ? { REDIS_URL: P.redisUrl } : {}),
    }),
  });
  s.usesRedis = redis;
  await s.ready();
  return s;
}

/** FLUSHDB of the benchmark's Redis database; false when Redis does not answer. */
async function flushRedis(): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Redis = require('ioredis') as typeof import('ioredis').default;
  const r = new Redis(P.redisUrl, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError = '';
  r.on('error', (err: Error) => {
    lastError = err.message;
  });
  try {
    await r.connect();
    await r.flushdb();
    const info = await r.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    redisPid = pid && Number.isFinite(cpuSecondsOf(pid)) ? pid : undefined;
    return { ok: true, version: /redis_version:(\S+)/.exec(info)?.[1] ?? '?' };
  } catch (err) {
    return { ok: false, why: lastError || (err instanceof Error ? err.message : String(err)) };
  } finally {
    r.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// LINE webhooks

/** One autocannon run of signed webhooks; replies (if any) are recorded in `phase`. */
async function driveLine(port: number, phase: ReplyPhase, seconds: number): Promise<{ r: AcResult; http: number[] }> {
  const http: number[] = [];
  fake.phase = phase;
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: P.lineConnections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/line',
        setupRequest: (req, ctx) => {
          const e = factory.next();
          const now = performance.now();
          phase.sentAt.set(e.replyToken, now);
          ctx.t0 = now;
          return { ...req, method: 'POST', path: '/webhooks/line', headers: { 'content-type': 'application/json', 'x-line-signature': e.signature }, body: e.body };
        },
        onResponse: (_status, _body, ctx) => {
          if (ctx.t0 !== undefined) http.push(performance.now() - ctx.t0);
        },
      },
    ],
  });
  return { r, http };
}

/** Waits until every request sent is answered, or no answer came for `quietMs`. */
async function drain(phase: { answered: number }, sent: number, quietMs = 5000, maxMs = 90_000): Promise<void> {
  const start = performance.now();
  let seen = phase.answered;
  let lastChange = performance.now();
  while (performance.now() - start < maxMs) {
    if (phase.answered >= sent) return;
    await sleep(50);
    if (phase.answered !== seen) {
      seen = phase.answered;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > quietMs) return;
  }
}

async function lineRow(name: string, server: ServerProcess, replies: boolean): Promise<Row> {
  // Warm-up (JIT, connection pools, database pages); its replies are waited for and not counted.
  const warm = new ReplyPhase(performance.now());
  await driveLine(server.port, warm, P.warmupS);
  if (replies) await drain(warm, warm.sentAt.size);
  global.gc?.();

  const before = fake.snapshot();
  const cpu = meters(server);
  const phase = new ReplyPhase(performance.now());
  const { r, http } = await driveLine(server.port, phase, P.durationS);
  const autocannonEnd = performance.now();
  if (replies) await drain(phase, phase.sentAt.size);
  const usage = cpu();
  const drainS = (phase.lastReplyAt - autocannonEnd) / 1000;
  const after = fake.snapshot();
  fake.phase = undefined;

  const hs = sorted(http);
  const ls = sorted(phase.latencies);
  const windowS = replies ? (phase.lastReplyAt - phase.startedAt) / 1000 : r.duration;
  const answered = replies ? phase.answered : r['2xx'];
  const sent = phase.sentAt.size;
  const detail = [
    `webhooks sent ${sent}; ${statusSummary(r)} (the other ${sent - r.requests.total} were in flight when the load stopped)`,
    replies
      ? `answered (replies received by the fake LINE API) ${phase.answered} of ${sent}` +
        `${phase.answered < sent ? ` — ${sent - phase.answered} NOT ANSWERED` : ''}, of which error apologies ${phase.errorReplies}, with an article ${pct(phase.articles, phase.answered)}, ` +
        `duplicate replies ${phase.duplicates}, last reply ${f(drainS, 2)} s after the load stopped; LINE API calls: reply ${after.reply - before.reply}, ` +
        `loading ${after.loading - before.loading}, push ${after.push - before.push}, other ${after.other - before.other + after.linkToken - before.linkToken}`
      : 'no replies (it answers the webhook and does nothing else): events/s = HTTP 2xx/s',
    `autocannon's own latency (1 ms resolution): p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
    usage.line,
  ];
  return {
    name,
    answeredPerS: answered / windowS,
    httpRps: r.requests.total / r.duration,
    httpP50: percentile(hs, 50),
    httpP99: percentile(hs, 99),
    replyP50: replies ? percentile(ls, 50) : NaN,
    replyP99: replies ? percentile(ls, 99) : NaN,
    peakRssMb: server.peakRssMb(),
    cpuPct: usage.server,
    detail,
  };
}

/** The same webhooks at a fixed rate, evenly spaced (open loop), on a server already warmed up. */
/** Signed webhooks to `server` at `rate` for `seconds`, their replies counted in `phase`. */
async function sendPaced(server: ServerProcess, phase: ReplyPhase, rate: number, seconds: number): ReturnType<typeof paced> {
  fake.phase = phase;
  const r = await paced({
    port: server.port,
    path: '/webhooks/line',
    rate,
    seconds,
    sockets: P.lineConnections,
    next: () => {
      const e = factory.next();
      phase.sentAt.set(e.replyToken, performance.now());
      return { body: e.body, headers: { 'content-type': 'application/json', 'x-line-signature': e.signature } };
    },
  });
  await drain(phase, phase.sentAt.size);
  return r;
}

/**
 * `leadInS`: seconds at the same rate first, not measured. On the ladder each server sits idle
 * while the others take their turn; without a lead-in every server's first try at a new rate
 * (the echo bot's too) failed with a p99 of 100-500 ms and passed when tried again at once.
 */
async function pacedLineRow(name: string, server: ServerProcess, rate: number, seconds = P.durationS, leadInS = 0): Promise<Row> {
  if (leadInS > 0) {
    await sendPaced(server, new ReplyPhase(performance.now()), rate, leadInS);
    global.gc?.();
  }
  const before = fake.snapshot();
  const cpu = meters(server);
  const phase = new ReplyPhase(performance.now());
  const r = await sendPaced(server, phase, rate, seconds);
  const usage = cpu();
  const after = fake.snapshot();
  fake.phase = undefined;
  const ok = r.status.get(200) ?? 0;
  const codes = [...r.status].map(([c, n]) => `${c}×${n}`).join(' ');
  return {
    name,
    answeredPerS: phase.answered / ((phase.lastReplyAt - phase.startedAt) / 1000),
    httpRps: r.http.length / r.durationS,
    httpP50: percentile(sorted(r.http), 50),
    httpP99: percentile(sorted(r.http), 99),
    replyP50: percentile(sorted(phase.latencies), 50),
    replyP99: percentile(sorted(phase.latencies), 99),
    peakRssMb: NaN,
    cpuPct: usage.server,
    missed: Math.max(r.sent - phase.answered, r.sent - ok),
    detail: [
      `${r.sent} webhooks at ${rate}/s, evenly spaced, over up to ${P.lineConnections} keep-alive connections; HTTP: ${codes || 'none'}, errors ${r.errors}` +
        `${ok < r.sent ? ` — ${r.sent - ok} not acknowledged 200` : ''}`,
      `answered ${phase.answered} of ${r.sent}${phase.answered < r.sent ? ` — ${r.sent - phase.answered} NOT ANSWERED` : ''}, of which error apologies ${phase.errorReplies}, with an article ${pct(phase.articles, phase.answered)}, duplicate replies ${phase.duplicates}; ` +
        `LINE API calls: reply ${after.reply - before.reply}, loading ${after.loading - before.loading}, push ${after.push - before.push}`,
      usage.line,
      'same server process as the row before it (peak RSS there)',
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Direct Line

async function driveDirectLine(port: number, dl: DirectLineDriver, phase: AnswerPhase, seconds: number, tag: string): Promise<{ r: AcResult; http: number[] }> {
  const http: number[] = [];
  dl.phase = phase;
  let n = 0;
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: P.dlConnections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/directline/conversations/x/activities',
        setupRequest: (req, ctx) => {
          const i = n++;
          const c = dl.conversations[i % dl.conversations.length];
          const cid = `bench-${tag}-${i}`;
          const text = texts[(i * 7) % texts.length];
          phase.sentAt.set(cid, Date.now());
          ctx.t0 = performance.now();
          return {
            ...req,
            method: 'POST',
            path: `/directline/conversations/${c.id}/activities`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
            body: JSON.stringify({ type: 'message', from: { id: 'u1' }, text, locale: THAI.test(text) ? 'th-TH' : 'en-US', channelData: { clientActivityID: cid } }),
          };
        },
        onResponse: (_status, _body, ctx) => {
          if (ctx.t0 !== undefined) http.push(performance.now() - ctx.t0);
        },
      },
    ],
  });
  return { r, http };
}


async function directLineRow(name: string, server: ServerProcess): Promise<Row> {
  const dl = new DirectLineDriver(`http://127.0.0.1:${server.port}`);
  const t0 = performance.now();
  await dl.open(P.conversations);
  const openS = (performance.now() - t0) / 1000;
  dl.startPolling(P.pollMs);
  try {
    const warm = new AnswerPhase(Date.now());
    await driveDirectLine(server.port, dl, warm, P.warmupS, 'warm');
    await drain(warm, warm.sentAt.size, 5000 + P.pollMs);
    global.gc?.();

    const cpu = meters(server);
    const phase = new AnswerPhase(Date.now());
    const pollsBefore = dl.polls;
    const { r, http } = await driveDirectLine(server.port, dl, phase, P.durationS, 'run');
    const end = Date.now();
    await drain(phase, phase.sentAt.size, 5000 + P.pollMs);
    const usage = cpu();
    await dl.stopPolling();
    const hs = sorted(http);
    const ls = sorted(phase.latencies);
    return {
      name,
      answeredPerS: phase.answered / ((phase.lastAnswerAt - phase.startedAt) / 1000),
      httpRps: r.requests.total / r.duration,
      httpP50: percentile(hs, 50),
      httpP99: percentile(hs, 99),
      replyP50: percentile(ls, 50),
      replyP99: percentile(ls, 99),
      peakRssMb: server.peakRssMb(),
      cpuPct: usage.server,
      detail: [
        `${dl.conversations.length} conversations opened in ${f(openS, 2)} s (tokens/generate, each with its welcome turn), polled every ${P.pollMs} ms from their watermark (${dl.polls - pollsBefore} GETs during the run, ${dl.pollErrors} failed polls in all)`,
        `messages sent ${phase.sentAt.size}; ${statusSummary(r)} (the other ${phase.sentAt.size - r.requests.total} were in flight when the load stopped)`,
        `answered (a bot message with replyToId of ours in the conversation) ${phase.answered} of ${phase.sentAt.size}` +
          `${phase.answered < phase.sentAt.size ? ` — ${phase.sentAt.size - phase.answered} NOT ANSWERED` : ''}, of which error apologies ${phase.errorAnswers}, last answer ${f((phase.lastAnswerAt - end) / 1000, 2)} s after the load stopped`,
        `answer latency = the answer's timestamp (the bot's clock, 1 ms resolution) minus the time the POST was written`,
        `autocannon's own latency (1 ms resolution): p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
        usage.line,
      ],
    };
  } finally {
    dl.phase = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Capacity at the latency target

interface LadderStep {
  rate: number;
  p99: number;
  /** Every event answered and acknowledged, with the answer's p99 under the target. */
  ok: boolean;
}
/** A server on the ladder: its steps, and the highest rate it held (undefined: not even the first). */
interface Ladder {
  steps: LadderStep[];
  held?: number;
  /** The rate it failed at twice (undefined: it held to the top of the ladder). */
  failedAt?: number;
}
const ladders = new Map<string, Ladder>();
/** Unmeasured seconds at a step's rate before each try (see pacedLineRow). */
const LADDER_LEAD_IN_S = 1;

/**
 * The target read as capacity: the highest fixed rate (open loop, evenly spaced) at which a server
 * answers every event with the answer's p99 under the target. Unlike full load, whose latency is
 * that of autocannon's closed loop (connections / throughput, over the target even for the echo
 * bot on a slow machine), this asks what the target asks: how many events per second each server
 * answers within 50 ms. Rates climb by a tenth of `ref` (the echo bot's full-load figure) from
 * half of it, up to twice it; at each rate the servers still in take turns, so a slow minute of
 * the machine falls on them alike; a failed step is run once more before the server drops out.
 */
async function climbLadder(servers: { name: string; server: ServerProcess }[], ref: number): Promise<void> {
  const stepRate = Math.max(10, Math.round(ref / 100) * 10);
  let climbing = servers.map((s) => ({ ...s, ladder: { steps: [] } as Ladder }));
  for (const s of climbing) ladders.set(s.name, s.ladder);
  console.log(
    `\nCapacity ladder: fixed rates from ${5 * stepRate}/s up by ${stepRate}/s, ${P.ladderS} s each after ${LADDER_LEAD_IN_S} s at the same rate not measured; a server drops out at the rate it fails twice`,
  );
  for (let rate = 5 * stepRate; climbing.length > 0 && rate <= 2 * ref; rate += stepRate) {
    const still: typeof climbing = [];
    for (const s of climbing) {
      let ok = false;
      for (let attempt = 1; attempt <= 2 && !ok; attempt++) {
        const row = await pacedLineRow(s.name, s.server, rate, P.ladderS, LADDER_LEAD_IN_S);
        ok = row.missed === 0 && row.replyP99 < P.targetP99Ms;
        s.ladder.steps.push({ rate, p99: row.replyP99, ok });
        console.log(`  ${s.name} at ${rate}/s${attempt > 1 ? ' (again)' : ''}: answer p99 ${f(row.replyP99, 1)} ms, missed ${row.missed}, CPU ${f(row.cpuPct, 0)}% ${ok ? 'ok' : 'FAILED'}`);
      }
      if (ok) {
        s.ladder.held = rate;
        still.push(s);
      } else s.ladder.failedAt = rate;
    }
    climbing = still;
  }
}

/** "61%": `part` of `whole`. */
function pct(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : '—';
}

/** "420/s", or "below 350/s" for a server that failed the first step. */
function heldRate(l: Ladder): string {
  return l.held === undefined ? `below ${l.failedAt}/s` : `${l.held}/s`;
}

function printLadders(order: string[]): void {
  const list = order.filter((n) => ladders.has(n));
  if (list.length === 0) return;
  console.log(`\nHighest fixed rate answered in full with answer p99 < ${P.targetP99Ms} ms (capacity ladder; p99 ms at each step, × = failed):`);
  const width = Math.max(...list.map((n) => n.length));
  for (const n of list) {
    const l = ladders.get(n)!;
    const held = `${heldRate(l)}${l.held !== undefined && l.failedAt === undefined ? ' (top of the ladder)' : ''}`;
    console.log(`${n.padEnd(width)}  ${held.padStart(12)}   ${l.steps.map((st) => `${st.rate}: ${f(st.p99, 1)}${st.ok ? '' : '×'}`).join('  ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const ROW = {
  bare: 'bare express',
  echo: 'echo bot (@line/bot-sdk)',
  full: (store: string) => `full bot, LINE (${store})`,
  at: (rate: number) => `  same at ${rate} events/s`,
  dl: (store: string) => `Direct Line (${store})`,
};

function printTable(order: string[]): void {
  const head = ['', 'answered/s', 'HTTP req/s', 'HTTP p50', 'HTTP p99', 'answer p50', 'answer p99', 'peak RSS', 'server CPU'];
  const units = ['', '', '', 'ms', 'ms', 'ms', 'ms', 'MB', '% of a core'];
  const list = order.map((n) => rows.find((r) => r.name === n)).filter((r): r is Row => Boolean(r));
  const body = list.map((r) =>
    r.skipped
      ? [r.label ?? r.name, r.skipped]
      : [r.label ?? r.name, f(r.answeredPerS, 0), f(r.httpRps, 0), f(r.httpP50, 2), f(r.httpP99, 2), f(r.replyP50, 2), f(r.replyP99, 2), f(r.peakRssMb, 0), f(r.cpuPct, 0)],
  );
  const width = head.map((_, i) => Math.max(...[head, units, ...body.filter((l) => l.length === head.length)].map((l) => l[i].length), i === 0 ? Math.max(...body.map((l) => l[0].length)) : 0));
  const line = (cells: string[]) =>
    cells.length < head.length ? `${cells[0].padEnd(width[0])}  ${cells[1]}` : cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  console.log(line(head));
  console.log(line(units));
  console.log('-'.repeat(width.reduce((a, b) => a + b + 2, -2)));
  for (const cells of body) console.log(line(cells));
}

function rotate<T>(list: T[], by: number): T[] {
  const k = list.length ? by % list.length : 0;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** Each round's answered/s and answer p99 behind the medians of the table. */
function printRounds(order: string[]): void {
  const list = order.map((n) => rows.find((r) => r.name === n)).filter((r): r is Row => Boolean(r?.rounds && r.rounds.length > 1));
  if (list.length === 0) return;
  console.log('\nEach round (answered/s, answer p99 ms), medians above:');
  const width = Math.max(...list.map((r) => (r.label ?? r.name).length));
  for (const r of list) console.log(`${(r.label ?? r.name).padEnd(width)}  ${r.rounds!.map((x) => `${f(x.answeredPerS, 0).padStart(5)} ${f(x.replyP99, 1).padStart(6)}`).join('   ')}`);
}

/** full / echo answered/s in each round (measured minutes apart, not hours). */
function roundRatios(store: string): number[] {
  const out: number[] = [];
  for (let round = 1; round <= P.rounds; round++) {
    const full = rows.find((r) => r.name === runName(ROW.full(store), round) && !r.skipped);
    const echo = rows.find((r) => r.name === runName(ROW.echo, round) && !r.skipped);
    if (full && echo) out.push(full.answeredPerS / echo.answeredPerS);
  }
  return out;
}

function verdicts(rate: number | undefined): void {
  const by = (name: string) => rows.find((r) => r.name === name && !r.skipped);
  const bare = by(ROW.bare);
  const echo = by(ROW.echo);
  const echoAt = rate ? by(`${ROW.echo} @rate`) : undefined;
  const ratio = (label: string, a: number | undefined, b: number | undefined) => {
    if (a === undefined || b === undefined) return;
    console.log(`  ${label.padEnd(60)} ${f(a / b, 2)}`);
  };
  console.log('\nRatios');
  ratio('echo bot / bare express, events/s', echo?.answeredPerS, bare?.answeredPerS);
  for (const store of ['SQLite', 'Redis']) {
    const full = by(ROW.full(store));
    if (!full) continue;
    const perRound = roundRatios(store);
    if (perRound.length > 1) {
      console.log(`  ${`full bot (${store}) / echo bot, events answered/s, median of rounds`.padEnd(60)} ${f(median(perRound), 2)} (rounds: ${perRound.map((x) => f(x, 2)).join(', ')})`);
    } else ratio(`full bot (${store}) / echo bot, events answered/s`, full.answeredPerS, echo?.answeredPerS);
    ratio(`full bot (${store}) / bare express, events/s`, full.answeredPerS, bare?.answeredPerS);
    ratio(`full bot (${store}) / echo bot, answer p99 at full load`, full.replyP99, echo?.replyP99);
    const fullAt = by(`${ROW.full(store)} @rate`);
    if (rate) ratio(`full bot (${store}) / echo bot, answer p99 at ${rate}/s`, fullAt?.replyP99, echoAt?.replyP99);
    ratio(`full bot (${store}) / echo bot, peak RSS`, full.peakRssMb, echo?.peakRssMb);
  }
  for (const store of ['SQLite', 'Redis']) {
    ratio(`Direct Line (${store}) / full bot LINE (${store}), answered/s`, by(ROW.dl(store))?.answeredPerS, by(ROW.full(store))?.answeredPerS);
  }

  const yes = (b: boolean | undefined) => (b === undefined ? 'n/a' : b ? 'MET' : 'NOT MET');
  console.log(`\nTargets (full bot, LINE): events answered/s ≥ the echo bot's, with p99 < ${P.targetP99Ms} ms (p99 of webhook sent -> reply at the fake LINE API)`);
  for (const store of ['SQLite', 'Redis']) {
    const full = by(ROW.full(store));
    if (!full) {
      console.log(`  ${store}: not measured`);
      continue;
    }
    const fullAt = by(`${ROW.full(store)} @rate`);
    console.log(`  ${store}:`);
    const perRound = roundRatios(store);
    const ratioOf = perRound.length > 0 ? median(perRound) : echo ? full.answeredPerS / echo.answeredPerS : undefined;
    console.log(
      `    throughput        ${f(full.answeredPerS, 0)} events/s (echo bot ${echo ? f(echo.answeredPerS, 0) : '—'}; ratio ${ratioOf === undefined ? '—' : f(ratioOf, 2)}` +
        `${perRound.length > 1 ? ', median of the rounds\' ratios' : ''}), target ≥ echo bot: ${yes(ratioOf === undefined ? undefined : ratioOf >= 1)}`,
    );
    const mine = ladders.get(ROW.full(store));
    const echoLadder = ladders.get(ROW.echo);
    if (mine) {
      const met = mine.held !== undefined && echoLadder !== undefined && (echoLadder.held === undefined || mine.held >= echoLadder.held);
      console.log(
        `    within ${P.targetP99Ms} ms     held up to ${heldRate(mine)} (echo bot ${echoLadder ? heldRate(echoLadder) : '—'}), target ≥ echo bot's rate: ${echoLadder ? yes(met) : 'n/a'}`,
      );
    }
    console.log(`    p99 at full load  ${f(full.replyP99, 1)} ms (HTTP p99 ${f(full.httpP99, 1)} ms), target < ${P.targetP99Ms} ms: ${yes(full.replyP99 < P.targetP99Ms)}`);
    if (fullAt && rate) {
      console.log(
        `    p99 at ${rate}/s${' '.repeat(Math.max(0, 9 - String(rate).length))} ${f(fullAt.replyP99, 1)} ms (HTTP p99 ${f(fullAt.httpP99, 1)} ms; echo bot ${echoAt ? f(echoAt.replyP99, 1) : '—'} ms), ` +
          `target < ${P.targetP99Ms} ms: ${yes(fullAt.replyP99 < P.targetP99Ms)}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Runs one step; a failure is reported and the run goes on with the next. */
async function step(name: string, label: string, fn: () => Promise<Row>): Promise<Row> {
  const t0 = Date.now();
  process.stdout.write(`${label.trim()} ... `);
  let row: Row;
  try {
    row = await fn();
  } catch (err) {
    console.log('FAILED');
    console.log(`  ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`.slice(0, 4000));
    row = { name, skipped: `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` } as Row;
  }
  row.name = name;
  row.label = label;
  rows.push(row);
  if (!row.skipped) {
    console.log(`${f(row.answeredPerS, 0)} answered/s, answer p99 ${f(row.replyP99, 1)} ms (${f((Date.now() - t0) / 1000, 0)} s)`);
    for (const d of row.detail) console.log(`  ${d}`);
  }
  global.gc?.();
  return row;
}

/** Starts a server; one that does not start is reported, and its row recorded as skipped. */
async function startOrSkip(name: string, start: () => Promise<ServerProcess>): Promise<ServerProcess | undefined> {
  try {
    return await start();
  } catch (err) {
    console.log(`${name}: could not start: ${err instanceof Error ? err.message : String(err)}`);
    rows.push({ name, skipped: 'failed: could not start' } as Row);
    return undefined;
  }
}

/** Stops a server and reports its warn/error log lines and a failed exit. */
async function stopAndReport(name: string, s: ServerProcess): Promise<void> {
  await s.stop();
  for (const w of warnings(s)) console.log(`  ${name}: ${w}`);
  if (s.exited?.code) console.log(`  ${name}: server exited with code ${s.exited.code}`);
}

/** Starts a server, runs its steps, stops it. */
async function withServer(name: string, start: () => Promise<ServerProcess>, fn: (s: ServerProcess) => Promise<void>): Promise<void> {
  const s = await startOrSkip(name, start);
  if (!s) return;
  try {
    await fn(s);
  } finally {
    await stopAndReport(name, s);
  }
}

/** Empties the benchmark's Redis database; when Redis does not answer, records the row as skipped. */
async function redisOrSkip(name: string): Promise<string | undefined> {
  const r = await flushRedis();
  if (r.ok) return r.version;
  console.log(`${name}: Redis not reachable: skipped (${r.why})`);
  rows.push({ name, label: name, skipped: 'Redis not reachable: skipped' } as Row);
  return undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const cpus = os.cpus();
  console.log('Load benchmark: full bot vs @line/bot-sdk echo bot vs bare express (figures only, nothing asserted)\n');
  console.log(
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${f(os.totalmem() / 2 ** 30, 1)} GB RAM, ${os.type()} ${os.release()}, ` +
      `Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  const thai = texts.filter((t) => THAI.test(t)).length;
  console.log(
    `Run: ${P.durationS} s measured per phase after a ${P.warmupS} s warm-up. LINE: autocannon, ${P.lineConnections} connections, one text message event per ` +
      `signed webhook, ${P.users} users, ${texts.length} texts (${thai} Thai, ${texts.length - thai} English) from ${textFiles.map((x) => path.relative(root, x)).join(', ')}; ` +
      `then the same at a fixed rate (open loop). Direct Line: autocannon, ${P.dlConnections} connections over ${P.conversations} conversations. ` +
      `Redis: ${P.redisUrl}, flushed before each Redis server.`,
  );
  console.log(
    `Note: the load generator (autocannon), the fake LINE API and the Direct Line pollers run in this one process and share the machine's ` +
      `${cpus.length} cores with the server under test: absolute figures are lower than with a separate load machine; compare rows.\n`,
  );

  process.stdout.write('Building (npm run build) ... ');
  const b0 = Date.now();
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    console.log(`FAILED\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
    process.exitCode = 1;
    return;
  }
  console.log(`done in ${f((Date.now() - b0) / 1000, 1)} s; the bot runs as node dist/server.js, LOG_LEVEL=warn\n`);

  await fake.start();

  if (only('bare'))
    await withServer(ROW.bare, () => startHelper(ROW.bare, 'bare-express.ts'), async (s) => {
      await step(ROW.bare, ROW.bare, () => lineRow(ROW.bare, s, false));
    });

  // The LINE servers stay up through all the rounds; each round they take turns, in a rotated
  // order, so that none is always measured first or right after another.
  const stores = (['SQLite', 'Redis'] as const).filter((x) => only(x.toLowerCase()));
  let redisInfo = '';
  const lineServers: { name: string; start: () => Promise<ServerProcess> }[] = [];
  for (const store of stores) {
    const name = ROW.full(store);
    if (store === 'Redis') {
      const version = await redisOrSkip(name);
      if (!version) continue;
      redisInfo = `Redis ${version}`;
    }
    lineServers.push({ name, start: () => startBot(name, store === 'Redis') });
  }
  if (only('echo')) lineServers.push({ name: ROW.echo, start: () => startHelper(ROW.echo, 'echo-bot.ts') });

  // The fixed rate of the latency rows: half of what the echo bot, the reference, answered at
  // full load (the median over the rounds; the first bot's when the echo bot is not run), the
  // same rate for every server.
  let rate = P.rate;
  const running = new Map<string, ServerProcess>();
  try {
    for (const k of lineServers) {
      const server = await startOrSkip(k.name, k.start);
      if (server) running.set(k.name, server);
    }
    const live = lineServers.filter((k) => running.has(k.name));
    const inRounds = async (suffix: string, what: string, rowLabel: (name: string) => string, run: (name: string, server: ServerProcess) => Promise<Row>) => {
      for (let round = 1; round <= P.rounds; round++) {
        for (const k of rotate(live, round - 1)) {
          await step(runName(`${k.name}${suffix}`, round), `${k.name}${what}, round ${round} of ${P.rounds}`, () => run(k.name, running.get(k.name)!));
        }
      }
      for (const k of live) {
        const name = `${k.name}${suffix}`;
        rows.push(medianRow(name, rowLabel(k.name), rows.filter((r) => r.name.startsWith(`${name} #`))));
      }
    };
    await inRounds('', '', (name) => name, (name, server) => lineRow(name, server, true));
    const reference = rows.find((r) => r.name === ROW.echo && !r.skipped) ?? rows.find((r) => live.some((k) => k.name === r.name) && !r.skipped);
    if (!rate && reference) rate = Math.max(10, Math.floor(reference.answeredPerS / 2 / 10) * 10);
    const fixed = rate;
    if (fixed) await inRounds(' @rate', ` at ${fixed} events/s`, () => ROW.at(fixed), (name, server) => pacedLineRow(name, server, fixed));
    if (P.ladderS > 0 && reference) await climbLadder(live.map((k) => ({ name: k.name, server: running.get(k.name)! })), reference.answeredPerS);
  } finally {
    for (const [name, server] of running) await stopAndReport(name, server);
  }

  for (const store of only('directline') ? stores : []) {
    const name = ROW.dl(store);
    if (store === 'Redis' && !(await redisOrSkip(name))) continue;
    await withServer(name, () => startBot(name, store === 'Redis'), async (s) => {
      await step(name, name, () => directLineRow(name, s));
    });
  }

  if (redisInfo) await flushRedis(); // leave the benchmark's Redis database empty

  console.log(
    '\nResults. answered/s: LINE replies received by the fake LINE API (Direct Line: answers stored in the conversation), per second up to the last one;\n' +
      'HTTP: the webhook (POST activity) round trip; answer: webhook (message) sent -> reply received by the fake LINE API (answer stored).\n' +
      `"same at N events/s": the server of the row above, sent N webhooks a second evenly (open loop), N = ${P.rate ? 'BENCH_RATE' : "half the echo bot's answered/s"}.\n`,
  );
  const order = [ROW.bare, ROW.echo, `${ROW.echo} @rate`];
  for (const store of stores) order.push(ROW.full(store), `${ROW.full(store)} @rate`);
  for (const store of stores) order.push(ROW.dl(store));
  printTable(order);
  printRounds(order);
  printLadders(order);
  verdicts(rate);
  console.log(
    '\nNotes:\n' +
      '  - The full bot answers the webhook 200 once the event is kept in its inbox (SQLite or Redis) and replies afterwards\n' +
      '    (one reply call per event; the loading animation is only\n' +
      '    called for answers slower than 400 ms, which none are here);\n' +
      '    the echo bot, as in the SDK example, answers the webhook only after its one replyMessage, so its HTTP latency includes its reply.\n' +
      '  - autocannon keeps a fixed number of connections busy (closed loop): a server that acknowledges before it has answered takes in\n' +
      '    events faster than it can answer them, and that backlog shows in its answer latency at full load; hence the fixed-rate rows.\n' +
      `  - ${cpus.length} cores shared by the load generator and the server under test; peak RSS is the server process's VmHWM` +
      ' (the comparison servers run as plain JavaScript, like dist/server.js, without the tsx loader).\n' +
      `  - ${redisInfo || 'Redis not used'}; total run time ${f((Date.now() - started) / 1000, 0)} s.`,
  );
}

function cleanup(): void {
  killAll();
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
process.on('SIGTERM', () => {
  cleanup();
  process.exit(143);
});
process.on('exit', cleanup);

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await fake.stop();
    cleanup();
    // autocannon or fetch may hold sockets open for a while; the run is over.
    process.exit(process.exitCode ?? 0);
  });
