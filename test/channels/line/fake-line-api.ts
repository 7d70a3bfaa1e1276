import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import type { Bot, TurnLookups } from '../../../src/conversation/bot';
import type { OutMessage, Turn } from '../../../src/conversation/messages';
import { loadTranslations } from '../../../src/i18n';
import { openDatabase, type Db } from '../../../src/storage/sqlite';
import { SqliteEventDedupStore } from '../../../src/storage/event-dedup';
import { SqliteEventInbox } from '../../../src/storage/event-inbox';
import { createLineRouter, type LineRouter } from '../../../src/channels/line/webhook';
import { FakeRichMenus } from './fake-richmenu';

export const SECRET = 'test-channel-secret';
export const TOKEN = 'test-access-token';
export const USER = 'U206d25c2ea6bd87c17655609a1c37cb8';

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: any;
}

interface Planned {
  status: number;
  /** Answer only after this long (a slow or hanging LINE). */
  delayMs?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Close the connection without answering (a network failure: LINE may or may not have it). */
  drop?: boolean;
}

const graphemes = (s: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)).length;

/**
 * What LINE checks on a message request, as far as this bot's messages go: a broken limit gets
 * the 400 LINE would give, so a test that passes here would not be refused by LINE for these.
 */
export function lineLimitProblems(messages: any[]): string[] {
  const problems: string[] = [];
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) problems.push(`messages: ${messages?.length} (1..5)`);
  for (const [i, m] of (messages ?? []).entries()) {
    if (m.type === 'text' && (!m.text || m.text.length > 5000)) problems.push(`messages[${i}].text length ${m.text?.length}`);
    if (m.type === 'flex' && (!m.altText || m.altText.length > 400)) problems.push(`messages[${i}].altText length ${m.altText?.length}`);
    if (m.type === 'image' && (!/^https:/.test(m.originalContentUrl) || !/^https:/.test(m.previewImageUrl))) problems.push(`messages[${i}] image not https`);
    const items = m.quickReply?.items ?? [];
    if (items.length > 13) problems.push(`messages[${i}].quickReply.items: ${items.length}`);
    const actions = [...items.map((it: any) => it.action), ...(m.contents?.footer?.contents ?? []).map((b: any) => b.action)];
    for (const a of actions) {
      if (!a?.label || graphemes(a.label) > 20) problems.push(`label "${a?.label}" (${a?.label && graphemes(a.label)} graphemes)`);
      if (a?.type === 'postback' && (!a.data || a.data.length > 300)) problems.push(`postback data length ${a.data?.length}`);
      if (a?.displayText && graphemes(a.displayText) > 300) problems.push('displayText too long');
      if (a?.type === 'uri' && (!/^(https?|line|tel):/.test(a.uri ?? '') || a.uri.length > 1000)) problems.push(`uri action "${String(a.uri).slice(0, 40)}…"`);
    }
  }
  return problems;
}

/** A stand-in for api.line.me and api-data.line.me: records every call and answers as told. */
export class FakeLineApi {
  readonly calls: Call[] = [];
  /** Reply and push calls LINE accepted (delivered to the seller), in order. */
  readonly accepted: Call[] = [];
  /** Used reply tokens and accepted push retry keys. */
  private readonly used = new Set<string>();
  /** Replies and pushes take this much longer (a slow LINE, to widen crash windows); see start(). */
  replyDelayMs = 0;
  readonly content = new Map<string, { data: Buffer; contentType: string }>();
  /** Rich menus, the default and each user's menu, as LINE would keep them. */
  readonly richMenus = new FakeRichMenus();
  /** What GET /v2/bot/profile/{userId} answers as the display name ("LINE seller" by default). */
  readonly displayNames = new Map<string, string>();
  /** What GET /v2/bot/message/quota answers, as LINE does: `{"type":"limited","value":N}` or `{"type":"none"}`. Set it per test. */
  quota: { type: 'none' } | { type: 'limited'; value: number } = { type: 'none' };
  /** What GET /v2/bot/message/quota/consumption answers as `totalUsage` (messages used this month). */
  quotaUsage = 0;
  private readonly plans = new Map<string, Planned[]>();
  private server?: http.Server;
  url = '';

  /** The next calls to `path` get these answers, one each, before the normal 200. */
  plan(path: string, ...answers: Planned[]): void {
    this.plans.set(path, [...(this.plans.get(path) ?? []), ...answers]);
  }

  async start(): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '5mb' }));
    app.use(express.raw({ type: ['image/png', 'image/jpeg'], limit: '5mb' }));
    app.use(async (req, res) => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const call: Call = { method: req.method, path: req.path, headers, body: req.method === 'GET' ? undefined : req.body };
      this.calls.push(call);
      const planned = this.plans.get(req.path)?.shift();
      if (planned) {
        if (planned.delayMs) await new Promise((r) => setTimeout(r, planned.delayMs));
        if (planned.drop) {
          req.socket.destroy();
          return;
        }
        res.status(planned.status).set(planned.headers ?? {}).json(planned.body ?? {});
        return;
      }
      const content = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(req.path);
      if (req.method === 'GET' && content) {
        const c = this.content.get(content[1]);
        if (!c) {
          res.status(404).json({ message: 'Not found' });
          return;
        }
        res.status(200).type(c.contentType).send(c.data);
        return;
      }
      if (req.path === '/v2/bot/message/reply' || req.path === '/v2/bot/message/push') {
        const problems = lineLimitProblems(req.body?.messages);
        if (problems.length > 0) {
          res.status(400).json({ message: 'The request body has 1 error(s)', details: problems.map((p) => ({ message: p })) });
          return;
        }
        // As LINE does: a reply token works once; a push retry key that was accepted gets 409.
        const token = req.path.endsWith('/reply') ? `reply:${req.body?.replyToken}` : req.headers['x-line-retry-key'] ? `push:${req.headers['x-line-retry-key']}` : undefined;
        // A slow LINE: every other request is slow to arrive (a sender that dies meanwhile never
        // gets it through), the others are slow to be answered after LINE took them.
        const slowToArrive = this.replyDelayMs > 0 && this.calls.length % 2 === 0;
        if (slowToArrive) {
          await new Promise((r) => setTimeout(r, this.replyDelayMs));
          if (req.socket.destroyed) return;
        }
        if (token && this.used.has(token)) {
          if (token.startsWith('reply:')) res.status(400).json({ message: 'Invalid reply token' });
          else res.status(409).set('x-line-accepted-request-id', 'earlier').json({ message: 'The retry key is already accepted' });
          return;
        }
        if (token) this.used.add(token);
        this.accepted.push(call);
        if (this.replyDelayMs > 0 && !slowToArrive) await new Promise((r) => setTimeout(r, this.replyDelayMs));
        res.json({ sentMessages: (req.body.messages as unknown[]).map((_, i) => ({ id: String(i), quoteToken: 'q' })) });
        return;
      }
      if (this.richMenus.handle(req, res)) return;
      const profile = /^\/v2\/bot\/profile\/([^/]+)$/.exec(req.path);
      if (req.method === 'GET' && profile) {
        res.json({ userId: profile[1], displayName: this.displayNames.get(profile[1]!) ?? 'LINE seller', language: 'th' });
        return;
      }
      if (req.method === 'GET' && req.path === '/v2/bot/message/quota') {
        res.json(this.quota);
        return;
      }
      if (req.method === 'GET' && req.path === '/v2/bot/message/quota/consumption') {
        res.json({ totalUsage: this.quotaUsage });
        return;
      }
      if (req.path === '/v2/bot/chat/loading/start') {
        res.status(202).json({});
        return;
      }
      res.status(404).json({ message: 'Not found' });
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.calls.length = 0;
    this.accepted.length = 0;
    this.used.clear();
    this.plans.clear();
  }

  /** The calls that sent messages (reply and push), in order. */
  sends(): Call[] {
    return this.calls.filter((c) => c.path === '/v2/bot/message/reply' || c.path === '/v2/bot/message/push');
  }

  paths(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path}`);
  }
}

export function sign(body: string, secret = SECRET): string {
  return crypto.createHmac('sha256', secret).update(body).digest('base64');
}

let counter = 0;

/** A LINE event in the shape of the sample payload, with its own webhookEventId. */
export function lineEvent(part: Record<string, unknown>): Record<string, unknown> {
  counter += 1;
  return {
    type: 'message',
    mode: 'active',
    timestamp: 1462629479859,
    source: { type: 'user', userId: USER },
    webhookEventId: `01TESTEVENT${process.pid}${counter}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `replytoken${counter}`,
    ...part,
  };
}

export const textEvent = (text: string, extra: Record<string, unknown> = {}) =>
  lineEvent({ message: { id: `m${counter + 1}`, type: 'text', text, quoteToken: 'q' }, ...extra });

/** A core stand-in that says predictable things and records what it was asked. */
export class FakeBot implements Bot {
  readonly turns: Turn[] = [];
  readonly forgotten: { channel: string; conversationId: string }[] = [];
  onHandle?: (turn: Turn) => void | Promise<void>;

  async handle(given: Turn, lookups: TurnLookups = {}): Promise<OutMessage[]> {
    const accountId = await lookups.accountId?.();
    const turn = accountId ? { ...given, accountId } : given;
    this.turns.push(turn);
    await this.onHandle?.(turn);
    if (turn.text === 'slow') await new Promise((r) => setTimeout(r, 150));
    if (turn.text === 'boom') throw new Error('core failed');
    switch (turn.kind) {
      case 'start':
        return [
          { type: 'text', act: 'small-talk', text: 'Welcome!' },
          { type: 'choices', act: 'small-talk', text: 'Pick a problem:', choices: [{ label: 'Store expired', action: 'topic:connection-expired' }, { label: 'Talk to support', action: 'handover:start' }] },
        ];
      case 'action':
        return [{ type: 'text', act: 'small-talk', text: `action ${turn.action}` }];
      case 'sticker':
        return [{ type: 'text', act: 'small-talk', text: 'Nice sticker!' }];
      case 'image':
        return [{ type: 'text', act: 'small-talk', text: `Got your picture${turn.screenshot ? ' (kept)' : ''}.` }];
      case 'file':
        return [{ type: 'text', act: 'small-talk', text: 'I cannot open files.' }];
      case 'other':
        return [{ type: 'text', act: 'small-talk', text: 'I can only read text and pictures.' }];
      default:
        break;
    }
    if (turn.text === 'steps') {
      return [
        { type: 'text', act: 'small-talk', text: 'Here is how to fix it:' },
        { type: 'steps', act: 'answer:test', title: 'Reconnect the store', menuPath: 'Settings > Stores', steps: ['Open Stores', 'Press Reconnect'], notes: ['Takes a minute'], images: [] },
        { type: 'choices', act: 'small-talk', text: 'Did this fix it?', choices: [{ label: 'Yes, fixed', action: 'feedback:yes' }, { label: 'No', action: 'feedback:no' }] },
      ];
    }
    if (turn.text === 'seven') {
      return Array.from({ length: 7 }, (_, i): OutMessage => ({ type: 'image', act: 'small-talk', caption: `picture ${i + 1}`, url: `https://img.example.com/${i + 1}.png` }));
    }
    return [
      { type: 'text', act: 'small-talk', text: `echo: ${turn.text}` },
      { type: 'choices', act: 'small-talk', text: 'Anything else?', choices: [{ label: 'Yes', action: 'more:yes' }, { label: 'No', action: 'more:no' }] },
    ];
  }

  async forget(key: { channel: Turn['channel']; conversationId: string }): Promise<void> {
    this.forgotten.push(key);
  }
}

export const silentLog = pino({ level: 'silent' });
export const t = loadTranslations();

export interface Harness {
  fake: FakeLineApi;
  bot: Bot;
  router: LineRouter;
  db: Db;
  dataDir: string;
  url: string;
  sleeps: number[];
  clock: { now: number };
  /** Posts a signed webhook body (a string is sent as it is) and waits until it is handled. */
  post(body: unknown, opts?: { signature?: string | null; wait?: boolean }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** The router on a real HTTP server, talking to the fake LINE API; waits of retries are recorded, not slept. */
export async function startHarness(opts: {
  fake: FakeLineApi;
  bot?: Bot;
  dataDir?: string;
  useClock?: boolean;
  timeoutMs?: number;
  loadingAfterMs?: number;
  maxInFlight?: number;
  adoption?: { everyMs: number; aliveMs: number };
}): Promise<Harness> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'line-test-'));
  const db = openDatabase(dataDir);
  const bot = opts.bot ?? new FakeBot();
  const sleeps: number[] = [];
  const clock = { now: Date.parse('2026-11-28T10:00:00Z') };
  const router = createLineRouter({
    bot,
    line: { channelSecret: SECRET, channelAccessToken: TOKEN, apiBaseUrl: opts.fake.url },
    dedup: new SqliteEventDedupStore(db),
    inbox: new SqliteEventInbox(db),
    dataDir,
    log: silentLog,
    t,
    ...(opts.useClock ? { now: () => clock.now } : {}),
    loadingAfterMs: opts.loadingAfterMs ?? 50,
    ...(opts.maxInFlight ? { maxInFlight: opts.maxInFlight } : {}),
    ...(opts.adoption ? { adoption: opts.adoption } : {}),
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    },
  });
  const app = express();
  app.use('/webhooks/line', router);
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/line`;
  return {
    fake: opts.fake,
    bot,
    router,
    db,
    dataDir,
    url,
    sleeps,
    clock,
    async post(body, o = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      const signature = o.signature === undefined ? sign(text) : o.signature;
      if (signature !== null) headers['x-line-signature'] = signature;
      const res = await fetch(url, { method: 'POST', headers, body: text });
      const out = { status: res.status, body: await res.text() };
      if (o.wait !== false) await router.idle();
      return out;
    },
    async close() {
      await router.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
