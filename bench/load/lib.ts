/**
 * Pieces of bench/load.ts: the fake LINE API, signed LINE webhook bodies, child server processes
 * and the figures (percentiles, peak memory).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

// ---------------------------------------------------------------------------------------------
// Figures

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A benchmark knob: the number in environment variable `name`, else `dflt`. */
export const num = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);

let clockTicks: number | undefined;

/** CPU time (user + system) a process has used so far, in seconds; NaN when it cannot be read. */
export function cpuSecondsOf(pid: number): number {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / clockTicks;
  } catch {
    return NaN;
  }
}

/** CPU used between start() and stop(), as a percentage of one core over the wall-clock time. */
export class CpuMeter {
  private cpu0 = NaN;
  private t0 = NaN;
  constructor(private readonly read: () => number) {}
  start(): this {
    this.cpu0 = this.read();
    this.t0 = performance.now();
    return this;
  }
  stop(): number {
    return ((this.read() - this.cpu0) / ((performance.now() - this.t0) / 1000)) * 100;
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

/** The realistic texts: labelled Thai and English seller questions of the project and the shared eval set. */
export function loadTexts(root: string): { texts: string[]; files: string[] } {
  const files = [path.join(root, 'test/data/labelled.jsonl'), path.join(root, '../shared/eval/dev.jsonl')].filter((f) => fs.existsSync(f));
  const texts = files.flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { text?: unknown }).text)
      .filter((t): t is string => typeof t === 'string' && t.trim().length > 0),
  );
  // Deterministic shuffle, so Thai and English (grouped by topic in the files) are interleaved.
  let s = 12345;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = texts.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [texts[i], texts[j]] = [texts[j], texts[i]];
  }
  return { texts, files };
}

export const THAI = /[\u0E00-\u0E7F]/;

// ---------------------------------------------------------------------------------------------
// LINE webhooks

/** Builds signed webhook bodies, each with its own event id, reply token and message id. */
export class LineEventFactory {
  private n = 0;
  private readonly users: string[];
  private readonly destination = `U${crypto.createHash('md5').update('bench-bot').digest('hex')}`;
  private readonly run = crypto.randomBytes(4).toString('hex');

  constructor(
    private readonly secret: string,
    private readonly texts: string[],
    userCount: number,
  ) {
    this.users = Array.from({ length: userCount }, (_, i) => `U${crypto.createHash('md5').update(`bench-user-${i}`).digest('hex')}`);
  }

  next(): { body: string; signature: string; replyToken: string } {
    const i = this.n++;
    const replyToken = crypto.randomBytes(16).toString('hex');
    const event = {
      type: 'message',
      mode: 'active',
      timestamp: Date.now(),
      webhookEventId: `01BENCH${this.run}${i.toString(36).padStart(12, '0')}`.toUpperCase(),
      deliveryContext: { isRedelivery: false },
      replyToken,
      source: { type: 'user', userId: this.users[i % this.users.length] },
      message: { id: String(500_000_000_000_000 + i), type: 'text', quoteToken: 'q', text: this.texts[i % this.texts.length] },
    };
    const body = JSON.stringify({ destination: this.destination, events: [event] });
    const signature = crypto.createHmac('sha256', this.secret).update(body).digest('base64');
    return { body, signature, replyToken };
  }
}

// ---------------------------------------------------------------------------------------------
// Fake LINE API

/** What the fake LINE API saw of the replies to one phase's webhooks. */
export class ReplyPhase {
  /** replyToken -> performance.now() when the webhook carrying it was built, just before it was written. */
  readonly sentAt = new Map<string, number>();
  readonly latencies: number[] = [];
  answered = 0;
  duplicates = 0;
  /** Replies that were the bot's apology for a failed turn (error.generic), not an answer. */
  errorReplies = 0;
  /**
   * Replies carrying an article (a flex message). The share shows what the bot did for the
   * events: a change to the conversation once left most of the benchmark's sellers at the
   * hand-over's e-mail question, answered there without any matching, and the figures soared.
   */
  articles = 0;
  firstReplyAt = NaN;
  lastReplyAt = NaN;
  constructor(readonly startedAt: number) {}
}

/**
 * Answers 200 `{}` to every Messaging API call at once and records when each reply arrived.
 * Runs in the benchmark's own process, on the same event loop as autocannon.
 */
export class FakeLineApi {
  private server?: http.Server;
  port = 0;
  phase?: ReplyPhase;
  readonly counts = { reply: 0, push: 0, loading: 0, linkToken: 0, other: 0, strayReplies: 0 };

  /** `errorTexts`: the bot's apologies for a failed turn, counted apart from real answers. */
  constructor(private readonly errorTexts: string[] = []) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = req.url ?? '';
        if (url === '/v2/bot/message/reply') {
          this.counts.reply++;
          this.onReply(Buffer.concat(chunks));
        } else if (url === '/v2/bot/message/push') this.counts.push++;
        else if (url === '/v2/bot/chat/loading/start') this.counts.loading++;
        else if (/^\/v2\/bot\/user\/[^/]+\/linkToken$/.test(url)) {
          this.counts.linkToken++;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ linkToken: crypto.randomBytes(16).toString('hex') }));
          return;
        } else this.counts.other++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private onReply(body: Buffer): void {
    const at = performance.now();
    let token: unknown;
    const text = body.toString('utf8');
    try {
      token = (JSON.parse(text) as { replyToken?: unknown }).replyToken;
    } catch {
      return;
    }
    const phase = this.phase;
    const sent = typeof token === 'string' ? phase?.sentAt.get(token) : undefined;
    if (!phase || sent === undefined) {
      this.counts.strayReplies++;
      return;
    }
    if (sent < 0) {
      phase.duplicates++;
      return;
    }
    phase.sentAt.set(token as string, -1);
    phase.latencies.push(at - sent);
    phase.answered++;
    if (this.errorTexts.some((e) => text.includes(e))) phase.errorReplies++;
    if (text.includes('"type":"flex"')) phase.articles++;
    if (Number.isNaN(phase.firstReplyAt)) phase.firstReplyAt = at;
    phase.lastReplyAt = at;
  }

  snapshot() {
    return { ...this.counts };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A server under test, started as its own process; its output is kept for the report. */
export class ServerProcess {
  readonly child: ChildProcess;
  private out = '';
  exited?: { code: number | null; signal: NodeJS.Signals | null };
  /** pino lines at level warn (40) or above, by message. */
  readonly warnings = new Map<string, number>();
  private partial = '';
  /** Keeps its state in Redis (its CPU is reported with the server's). */
  usesRedis = false;

  constructor(
    readonly name: string,
    readonly port: number,
    args: string[],
    opts: { cwd: string; env: NodeJS.ProcessEnv },
  ) {
    this.child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    const keep = (chunk: Buffer) => {
      this.out = (this.out + chunk.toString('utf8')).slice(-20_000);
    };
    this.child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      this.scan(chunk.toString('utf8'));
    });
    this.child.stderr!.on('data', keep);
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      live.delete(this);
    });
  }

  private scan(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const rec = JSON.parse(line) as { level?: number; msg?: string };
        if ((rec.level ?? 0) >= 40) {
          const key = `${rec.level! >= 50 ? 'error' : 'warn'}: ${rec.msg ?? '?'}`;
          this.warnings.set(key, (this.warnings.get(key) ?? 0) + 1);
        }
      } catch {
        // not a log line
      }
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  output(): string {
    return this.out;
  }

  /** Polls GET /readyz until it answers 200. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.exited) throw new Error(`${this.name} exited (${JSON.stringify(this.exited)}) before it was ready:\n${this.out.slice(-3000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/readyz`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.out.slice(-3000)}`);
  }

  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
      return m ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  }

  /** SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
  async stop(graceMs = 12_000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/** Every server still running, so an error or Ctrl-C does not leave one behind. */
const live = new Set<ServerProcess>();

export function killAll(): void {
  for (const s of live) {
    try {
      s.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Open-loop load at a fixed rate

/**
 * Sends `rate` webhooks a second, evenly spaced, for `seconds`, whatever the server's answers
 * (open loop: a slow answer does not slow the sending down, unlike autocannon's fixed set of
 * busy connections). Up to `sockets` keep-alive connections; a request waiting for a free one
 * counts that wait in its latency. Resolves when every request has been answered.
 */
export async function paced(opts: {
  port: number;
  path: string;
  rate: number;
  seconds: number;
  sockets: number;
  next: () => { body: string; headers: Record<string, string> };
}): Promise<{ sent: number; status: Map<number, number>; errors: number; http: number[]; durationS: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.sockets });
  const total = Math.round(opts.rate * opts.seconds);
  const status = new Map<number, number>();
  const lat: number[] = [];
  let errors = 0;
  let sent = 0;
  let done = 0;
  const start = performance.now();
  let finish!: () => void;
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  const one = () => {
    const { body, headers } = opts.next();
    const t0 = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port: opts.port, method: 'POST', path: opts.path, agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          lat.push(performance.now() - t0);
          status.set(res.statusCode ?? 0, (status.get(res.statusCode ?? 0) ?? 0) + 1);
          if (++done === total) finish();
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      errors++;
      if (++done === total) finish();
    });
    req.end(body);
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * opts.rate) / 1000) + 1);
      while (sent < due) {
        sent++;
        one();
      }
      if (sent >= total) return resolve();
      const nextAt = start + (sent * 1000) / opts.rate;
      setTimeout(tick, Math.max(0, nextAt - performance.now()));
    };
    tick();
  });
  const durationS = (performance.now() - start) / 1000;
  if (total > 0) await allDone;
  agent.destroy();
  return { sent, status, errors, http: lat, durationS };
}
