import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import express from 'express';
import jwt from 'jsonwebtoken';
import pino from 'pino';
import request from 'supertest';
import WebSocket from 'ws';
import { APOLOGY, createDirectLineRouter } from '../../../src/channels/web/directline';
import type { Bot } from '../../../src/conversation/bot';
import type { OutMessage, Turn } from '../../../src/conversation/messages';
import { redact } from '../../../src/escalation/redact';
import { signIdentity } from '../../../src/status/identity';
import type { Logger } from '../../../src/logger';
import { SqliteDirectLineStore, type DirectLineStore } from '../../../src/storage/directline-store';
import { openDatabase, type Db } from '../../../src/storage/sqlite';
import { until, upgradeStatus } from './directline-harness';

// botframework-directlinejs is a browser library: in Node its polling needs an XMLHttpRequest.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded before the library, for its side effect
(global as unknown as { XMLHttpRequest: unknown }).XMLHttpRequest = require('xhr2');
// It also reads the WebSocket global while constructing, even in polling mode (Node 20 has none).
(global as unknown as { WebSocket: unknown }).WebSocket ??= class NoWebSocket {};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');

const TOKEN_SECRET = 'dl-test-secret';
const IDENTITY_SECRET = 'identity-test-secret';
const MENU = [
  { label: 'ร้านหมดอายุ', action: 'topic:expired' },
  { label: 'คุยกับเจ้าหน้าที่', action: 'handover' },
];

/** Stands in for the conversation core: a welcome on start, an echo and a menu otherwise. */
class FakeBot implements Bot {
  readonly turns: Turn[] = [];
  async handle(turn: Turn): Promise<OutMessage[]> {
    this.turns.push(turn);
    if (turn.kind === 'start') return [{ type: 'text', act: 'small-talk', text: 'สวัสดีค่ะ welcome' }, { type: 'choices', act: 'small-talk', text: 'เลือกหัวข้อได้เลยค่ะ', choices: MENU }];
    if (turn.text === 'boom') throw new Error('the core fell over');
    if (turn.kind === 'action') return [{ type: 'text', act: 'small-talk', text: `action: ${turn.action}` }];
    return [
      // Like the core, never shows a secret back.
      { type: 'text', act: 'small-talk', text: `echo: ${redact(turn.text ?? '').text}` },
      { type: 'choices', act: 'small-talk', text: 'ลองหัวข้อนี้ไหมคะ', choices: MENU },
    ];
  }
  async forget(): Promise<void> {}
}

const tmpDirs: string[] = [];
function tempDb(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-test-'));
  tmpDirs.push(dir);
  return openDatabase(dir);
}
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function makeApp(opts: { bot?: Bot; store?: DirectLineStore; now?: () => Date; maxTextLength?: number; log?: Logger } = {}) {
  const bot = opts.bot ?? new FakeBot();
  const store = opts.store ?? new SqliteDirectLineStore(tempDb());
  const app = express();
  const router = createDirectLineRouter({
      bot,
      store,
      tokenSecret: () => TOKEN_SECRET,
      identitySecret: () => IDENTITY_SECRET,
      publicBaseUrl: 'https://bot.example.com',
      log: opts.log ?? pino({ level: 'silent' }),
      now: opts.now,
      maxTextLength: opts.maxTextLength,
    });
  app.use('/directline', router);
  return { app, bot, store, router };
}

type Activity = Record<string, any>;


async function open(app: express.Express, body?: object) {
  const r = await request(app).post('/directline/tokens/generate').send(body);
  expect(r.status).toBe(200);
  return { token: r.body.token as string, conv: r.body.conversationId as string, body: r.body as Record<string, unknown> };
}
const get = (app: express.Express, conv: string, token: string, watermark?: string | number) =>
  request(app)
    .get(`/directline/conversations/${encodeURIComponent(conv)}/activities${watermark === undefined ? '' : `?watermark=${watermark}`}`)
    .set('authorization', `Bearer ${token}`);
const post = (app: express.Express, conv: string, token: string) =>
  request(app).post(`/directline/conversations/${encodeURIComponent(conv)}/activities`).set('authorization', `Bearer ${token}`);
/** All activities once the bot has answered (a message from the bot after the last user message). */
const answered = (app: express.Express, conv: string, token: string) =>
  until(async () => {
    const r = await get(app, conv, token);
    const acts = r.body.activities as Activity[];
    const lastUser = acts.map((a) => a.from?.role).lastIndexOf('user');
    return acts.slice(lastUser + 1).some((a) => a.type === 'message' && a.from?.role === 'bot') ? acts : undefined;
  });

describe('Direct Line with the botframework-directlinejs client (polling)', () => {
  let server: http.Server;
  let base: string;
  let bot: FakeBot;
  const sentHeaders = new Set<string>();
  beforeAll(async () => {
    bot = new FakeBot();
    server = http.createServer(makeApp({ bot }).app);
    server.on('request', (req: http.IncomingMessage) => Object.keys(req.headers).forEach((h) => sentHeaders.add(h)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('receives the welcome, sends a message, gets the echo and its buttons, presses one', async () => {
    const gen = await request(base).post('/directline/tokens/generate').send({ user: { id: 'seller-1' } });
    expect(gen.status).toBe(200);
    const dl = new DirectLine({ token: gen.body.token, domain: `${base}/directline`, webSocket: false, pollingInterval: 200 });
    const received: Activity[] = [];
    const sub = dl.activity$.subscribe((a: Activity) => received.push(a));
    const postActivity = (a: object) =>
      new Promise<string>((resolve, reject) => dl.postActivity(a).subscribe({ next: (id: string) => resolve(id), error: reject }));
    const fromBot = (pred: (a: Activity) => boolean) => until(() => received.find((a) => a.from?.role === 'bot' && a.type === 'message' && pred(a)));
    try {
      await fromBot((a) => a.text === 'สวัสดีค่ะ welcome');
      const id = await postActivity({ type: 'message', from: { id: 'seller-1' }, text: 'ร้าน shopee หมดอายุ ต้องทำยังไง', locale: 'th-TH' });
      expect(id).toMatch(new RegExp(`^${gen.body.conversationId}\\|\\d{7}$`));
      // The user's own message comes back in the stream, as in Microsoft's service.
      await until(() => received.find((a) => a.id === id && a.from?.role === 'user'));
      await fromBot((a) => a.text === 'echo: ร้าน shopee หมดอายุ ต้องทำยังไง');
      const ask = await fromBot((a) => a.text === 'ลองหัวข้อนี้ไหมคะ' && a.replyToId === id);
      const button = ask.suggestedActions.actions[0];
      expect(button).toEqual({ type: 'messageBack', title: 'ร้านหมดอายุ', text: 'ร้านหมดอายุ', displayText: 'ร้านหมดอายุ', value: { action: 'topic:expired' } });
      await postActivity({ type: 'message', from: { id: 'seller-1' }, text: button.text, value: button.value });
      await fromBot((a) => a.text === 'action: topic:expired');
      expect(dl.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
      const turns = bot.turns.filter((t) => t.conversationId === gen.body.conversationId);
      expect(turns.map((t) => t.kind)).toEqual(['start', 'message', 'action']);
      expect(turns[1]).toMatchObject({ channel: 'web', userId: 'seller-1', text: 'ร้าน shopee หมดอายุ ต้องทำยังไง', locale: 'th-TH' });
      expect(turns[2]).toMatchObject({ action: 'topic:expired', text: 'ร้านหมดอายุ' });
    } finally {
      sub.unsubscribe();
      dl.end();
    }
  });

  it("lets a browser page on another site send every header the client sent (Web Chat's preflight)", async () => {
    // After the conversation above, whose requests' headers were recorded. Headers the browser
    // sets itself need no permission; the client's own do.
    const byBrowser = new Set(['host', 'connection', 'content-length', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'origin', 'referer']);
    const own = [...sentHeaders].filter((h) => !byBrowser.has(h));
    expect(own).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-requested-with', 'x-ms-bot-agent']));
    const pre = await request(base)
      .options('/directline/conversations')
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', own.join(','));
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    const allowed = String(pre.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/);
    expect(own.filter((h) => !allowed.includes(h))).toEqual([]);
  });
});

describe('Direct Line with the botframework-directlinejs client (WebSocket stream, its default)', () => {
  let server: http.Server;
  let base: string;
  let router: ReturnType<typeof makeApp>['router'];
  const paths: string[] = [];
  beforeAll(async () => {
    const made = makeApp();
    router = made.router;
    server = http.createServer(made.app);
    // Read after express has routed it: the path below /directline.
    server.on('request', (req: http.IncomingMessage) => paths.push(`${req.method} ${req.url}`));
    server.on('upgrade', (req, socket, head) => router.upgrade(req, socket, head) || socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    router.closeStreams();
    return new Promise((r) => server.close(r));
  });

  it('pushes the welcome and the answers over the stream, and resumes after the watermark when the server closes it', async () => {
    const gen = await request(base).post('/directline/tokens/generate').send({ user: { id: 'seller-ws' } });
    // random 0: the client retries a closed stream after 3 s instead of up to 15.
    const dl = new DirectLine({ token: gen.body.token, domain: `${base}/directline`, WebSocket, random: () => 0 });
    const received: Activity[] = [];
    const sub = dl.activity$.subscribe((a: Activity) => received.push(a));
    const postActivity = (a: object) =>
      new Promise<string>((resolve, reject) => dl.postActivity(a).subscribe({ next: (id: string) => resolve(id), error: reject }));
    const fromBot = (pred: (a: Activity) => boolean) => until(() => received.find((a) => a.from?.role === 'bot' && a.type === 'message' && pred(a)), 10_000);
    try {
      await fromBot((a) => a.text === 'สวัสดีค่ะ welcome');
      await postActivity({ type: 'message', from: { id: 'seller-ws' }, text: 'hello over the stream' });
      await fromBot((a) => a.text === 'echo: hello over the stream');
      // Nothing was polled: it all came over the WebSocket.
      expect(paths.filter((p) => p.startsWith('GET') && p.includes('/activities'))).toEqual([]);

      // A restarting server closes the stream; the client asks for a new one and misses nothing, repeats nothing.
      router.closeStreams();
      await until(() => (paths.some((p) => /^GET \/conversations\/[^/]+\?watermark=\d+$/.test(p)) ? true : undefined), 10_000);
      await postActivity({ type: 'message', from: { id: 'seller-ws' }, text: 'after the reconnect' });
      await fromBot((a) => a.text === 'echo: after the reconnect');
      const ids = received.map((a) => a.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      sub.unsubscribe();
      dl.end();
    }
  }, 30_000);

  it('refuses a stream without a valid token for that conversation, or for a conversation it does not know', async () => {
    const a = await request(base).post('/directline/tokens/generate').send({});
    const b = await request(base).post('/directline/tokens/generate').send({});
    const status = upgradeStatus;
    const ws = base.replace('http', 'ws');
    const stream = (conv: string) => `${ws}/directline/conversations/${encodeURIComponent(conv)}/stream`;
    expect(await status(`${stream(a.body.conversationId)}?t=${a.body.token}`)).toBe(101);
    expect(await status(stream(a.body.conversationId))).toBe(401);
    expect(await status(`${stream(a.body.conversationId)}?t=forged.token.here`)).toBe(401);
    expect(await status(`${stream(a.body.conversationId)}?t=${b.body.token}`)).toBe(403);
    const conversations = await request(base).post('/directline/conversations').set('authorization', `Bearer ${a.body.token}`);
    expect(conversations.body.streamUrl).toBe(`${stream(a.body.conversationId)}?t=${conversations.body.token}`);
    const reconnect = await request(base).get(`/directline/conversations/${encodeURIComponent(a.body.conversationId)}?watermark=2`).set('authorization', `Bearer ${a.body.token}`);
    expect(reconnect.status).toBe(200);
    expect(reconnect.body.streamUrl).toBe(`${stream(a.body.conversationId)}?t=${reconnect.body.token}&watermark=2`);
    expect((await request(base).get(`/directline/conversations/${encodeURIComponent(a.body.conversationId)}`).set('authorization', `Bearer ${b.body.token}`)).status).toBe(403);
  });
});

describe('Direct Line stream upgrades the server cannot take (found by test/operations/fuzz.test.ts)', () => {
  /** A socket that records what the server writes to it; `gone`: the client reset the connection, every write fails. */
  function fakeSocket(gone = false) {
    let written = '';
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        if (gone) return done(Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET' }));
        written += chunk.toString('latin1');
        done();
      },
    });
    return { socket, written: () => written };
  }
  const upgradeRequest = (url: string) => ({ url, method: 'GET', headers: { connection: 'Upgrade', upgrade: 'websocket' } }) as unknown as http.IncomingMessage;
  const settle = () => new Promise((r) => setTimeout(r, 20));

  it('answers 400 to a conversation id with a malformed percent code instead of throwing (the process ended)', async () => {
    const { router } = makeApp();
    const { socket, written } = fakeSocket();
    expect(router.upgrade(upgradeRequest('/directline/conversations/%E0%A4%A/stream'), socket, Buffer.alloc(0))).toBe(true);
    await settle();
    expect(written()).toMatch(/^HTTP\/1\.1 400 /);
    // A request target that is no URL at all is not a stream: left to the server (404).
    expect(router.upgrade(upgradeRequest('//['), fakeSocket().socket, Buffer.alloc(0))).toBe(false);
  });

  it('lets a refusal to a client already gone fail quietly (an unheard socket error ended the process)', async () => {
    const { router } = makeApp();
    const { socket } = fakeSocket(true);
    const uncaught: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (err) => uncaught.push(err));
    try {
      expect(router.upgrade(upgradeRequest('/directline/conversations/some-conversation/stream?t=forged'), socket, Buffer.alloc(0))).toBe(true);
      await settle();
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of listeners) process.on('uncaughtException', l);
    }
    expect(uncaught).toEqual([]);
    expect(socket.destroyed).toBe(true);
  });
});

describe('Direct Line endpoints', () => {
  it('opens a conversation with the welcome already waiting', async () => {
    const { app, bot } = makeApp();
    const { conv, token, body } = await open(app, { locale: 'th-TH' });
    expect(body).toMatchObject({ conversationId: conv, expires_in: 1800, signedIn: false });
    expect(body).not.toHaveProperty('streamUrl');
    expect(bot instanceof FakeBot && bot.turns[0]).toMatchObject({ channel: 'web', conversationId: conv, kind: 'start', locale: 'th-TH' });
    const r = await get(app, conv, token);
    expect(r.status).toBe(200);
    const [welcome, menu] = r.body.activities as Activity[];
    expect(welcome).toMatchObject({
      id: `${conv}|0000001`,
      type: 'message',
      channelId: 'directline',
      conversation: { id: conv },
      from: { id: 'bot', name: 'BigSeller Help', role: 'bot' },
      text: 'สวัสดีค่ะ welcome',
      textFormat: 'plain',
    });
    expect(Number.isNaN(Date.parse(welcome.timestamp))).toBe(false);
    expect(menu.suggestedActions.actions.map((a: Activity) => a.value.action)).toEqual(['topic:expired', 'handover']);
    expect(r.body.watermark).toBe('2');
  });

  it('uses the requested user id when it is reasonable, a random one otherwise', async () => {
    const { app, bot } = makeApp();
    await open(app, { user: { id: 'seller-42' } });
    await open(app, { user: { id: '<script>' } });
    await open(app);
    const users = (bot as FakeBot).turns.map((t) => t.userId);
    expect(users[0]).toBe('seller-42');
    expect(users[1]).toMatch(/^dl_[0-9a-f]{16}$/);
    expect(users[2]).toMatch(/^dl_[0-9a-f]{16}$/);
  });

  it('gives a token that opens only its own conversation (403 for another)', async () => {
    const { app } = makeApp();
    const one = await open(app);
    const two = await open(app);
    expect((await get(app, two.conv, one.token)).status).toBe(403);
    const denied = await post(app, two.conv, one.token).send({ type: 'message', text: 'hi' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toEqual({ code: 'forbidden', message: 'This token is not for this conversation' });
    // Nothing was added to the other conversation.
    expect((await get(app, two.conv, two.token)).body.activities).toHaveLength(2);

    const started = await request(app).post('/directline/conversations').set('authorization', `Bearer ${one.token}`);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ conversationId: one.conv, expires_in: 1800 });
    expect(started.body.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/directline/conversations/${one.conv}/stream\\?t=[\\w.-]+$`));
    const refreshed = await request(app).post('/directline/tokens/refresh').set('authorization', `Bearer ${one.token}`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.conversationId).toBe(one.conv);
    expect((await get(app, one.conv, refreshed.body.token)).status).toBe(200);
    expect((await get(app, two.conv, refreshed.body.token)).status).toBe(403);
  });

  it('rejects missing, garbage and forged tokens with 401, expired ones with 403 (Direct Line 3.0)', async () => {
    let clock = new Date('2026-11-28T10:00:00Z');
    const { app } = makeApp({ now: () => clock });
    const { conv, token } = await open(app);
    const forged = jwt.sign({ conv, user: 'x' }, 'not-the-secret', { expiresIn: 600 });
    const noneAlg = jwt.sign({ conv, user: 'x' }, '', { algorithm: 'none' });
    for (const auth of [undefined, 'Bearer', 'Bearer garbage', `Basic ${token}`, `Bearer ${forged}`, `Bearer ${noneAlg}`]) {
      const r = request(app).get(`/directline/conversations/${conv}/activities`);
      const res = await (auth ? r.set('authorization', auth) : r);
      expect({ auth, status: res.status, code: res.body.error?.code }).toEqual({ auth, status: 401, code: 'unauthorized' });
    }
    for (const path of ['/directline/tokens/refresh', '/directline/conversations']) {
      expect((await request(app).post(path).set('authorization', `Bearer ${forged}`)).status).toBe(401);
    }
    // Still good 29 minutes later; dead after 30.
    clock = new Date(clock.getTime() + 29 * 60 * 1000);
    expect((await get(app, conv, token)).status).toBe(200);
    clock = new Date(clock.getTime() + 2 * 60 * 1000);
    const expired = await get(app, conv, token);
    expect(expired.status).toBe(403);
    expect(expired.body.error).toEqual({ code: 'token_expired', message: 'The token has expired' });
    expect((await post(app, conv, token).send({ type: 'message', text: 'hi' })).status).toBe(403);
    expect((await request(app).post('/directline/tokens/refresh').set('authorization', `Bearer ${token}`)).status).toBe(403);
    // An expired token signed with another secret is a forged one.
    const forgedExpired = jwt.sign({ conv, user: 'x', exp: Math.floor(clock.getTime() / 1000) - 60 }, 'not-the-secret');
    expect((await get(app, conv, forgedExpired)).status).toBe(401);
  });

  it('answers malformed and non-object bodies with a clear 400, and keeps serving', async () => {
    const { app } = makeApp();
    const { conv, token } = await open(app);
    const raw = (body: string) => post(app, conv, token).set('content-type', 'application/json').send(body);
    for (const body of ['{"type": "message", ', 'not json', '[1,2]', '"hello"', '42', 'null']) {
      const r = await raw(body);
      expect({ body, status: r.status, code: r.body.error?.code }).toEqual({ body, status: 400, code: 'bad_request' });
      expect(typeof r.body.error.message).toBe('string');
    }
    expect((await raw('{"type": "message", ')).body.error.message).toBe('The body is not valid JSON');
    expect((await post(app, conv, token).send({ text: 'no type' })).status).toBe(400);
    expect((await post(app, conv, token).send({ type: 'conversationUpdate' })).status).toBe(400);
    expect((await post(app, conv, token).send({ type: 'message' })).status).toBe(400);
    expect((await post(app, conv, token).send({ type: 'message', text: '   ' })).status).toBe(400);
    expect((await post(app, conv, token).send({ type: 'message', text: 42 })).status).toBe(400);
    // Web Chat's own typing and event activities are accepted and dropped.
    const typing = await post(app, conv, token).send({ type: 'typing', from: { id: 'u' } });
    expect(typing.status).toBe(200);
    // Malformed JSON on the token endpoint too.
    const badGen = await request(app).post('/directline/tokens/generate').set('content-type', 'application/json').send('{');
    expect(badGen.status).toBe(400);
    // None of that reached the conversation.
    expect((await get(app, conv, token)).body.activities).toHaveLength(2);
    expect((await post(app, conv, token).send({ type: 'message', text: 'hello' })).status).toBe(200);
  });

  it('refuses oversized text with a clear 413, and bodies over 64 KB', async () => {
    const { app, bot } = makeApp();
    const { conv, token } = await open(app);
    const long = await post(app, conv, token).send({ type: 'message', text: 'ก'.repeat(2001) });
    expect(long.status).toBe(413);
    expect(long.body.error).toEqual({ code: 'too_large', message: 'The message is too long (2001 characters; at most 2000)' });
    expect((await post(app, conv, token).send({ type: 'message', text: 'ก'.repeat(2000) })).status).toBe(200);
    const huge = await post(app, conv, token).set('content-type', 'application/json').send(JSON.stringify({ type: 'message', text: 'x'.repeat(70_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('too_large');
    expect((bot as FakeBot).turns.filter((t) => t.kind === 'message').map((t) => t.text?.length)).toEqual([2000]);

    const strict = makeApp({ maxTextLength: 10 });
    const s = await open(strict.app);
    expect((await post(strict.app, s.conv, s.token).send({ type: 'message', text: '12345678901' })).status).toBe(413);
  });

  it('stores the user activity redacted but lets the bot see what was typed', async () => {
    const { app, bot } = makeApp();
    const { conv, token } = await open(app);
    const r = await post(app, conv, token).send({ type: 'message', text: 'my password is Hunter2!', from: { id: 'spoofed', role: 'bot' } });
    expect(r.status).toBe(200);
    const acts = await answered(app, conv, token);
    const stored = JSON.stringify(acts);
    expect(stored).not.toContain('Hunter2');
    const mine = acts.find((a) => a.id === r.body.id)!;
    // The sender is the token's user, whatever the body claims.
    expect(mine).toMatchObject({ type: 'message', from: { role: 'user' }, text: 'my password is [password removed]' });
    expect(mine.from.id).not.toBe('spoofed');
    expect((bot as FakeBot).turns.find((t) => t.kind === 'message')?.text).toBe('my password is Hunter2!');
  });

  it('pages with the watermark: user message, typing, then the replies in order', async () => {
    const { app } = makeApp();
    const { conv, token } = await open(app);
    const first = (await get(app, conv, token)).body;
    expect(first.watermark).toBe('2');
    // Nothing new: same watermark back (also for a watermark beyond the end, or garbage).
    expect((await get(app, conv, token, first.watermark)).body).toEqual({ activities: [], watermark: '2' });
    expect((await get(app, conv, token, 'abc')).body.activities).toHaveLength(2);

    const sent = await post(app, conv, token).send({ type: 'message', text: 'สวัสดี', locale: 'th-TH', channelData: { clientActivityID: 'c-123', other: 'dropped' } });
    expect(sent.body.id).toBe(`${conv}|0000003`);
    await answered(app, conv, token);
    const next = (await get(app, conv, token, first.watermark)).body;
    expect(next.activities.map((a: Activity) => [a.type, a.from.role, a.text])).toEqual([
      ['message', 'user', 'สวัสดี'],
      ['typing', 'bot', undefined],
      ['message', 'bot', 'echo: สวัสดี'],
      ['message', 'bot', 'ลองหัวข้อนี้ไหมคะ'],
    ]);
    expect(next.activities.map((a: Activity) => a.id)).toEqual([3, 4, 5, 6].map((n) => `${conv}|000000${n}`));
    expect(next.watermark).toBe('6');
    // Web Chat matches its "sending" bubble to the echo by this id; nothing else from the client is kept.
    expect(next.activities[0].channelData).toEqual({ clientActivityID: 'c-123' });
    expect(next.activities[0].locale).toBe('th-TH');
    expect(next.activities.slice(2).every((a: Activity) => a.replyToId === sent.body.id)).toBe(true);
    expect((await get(app, conv, token, 4)).body.activities.map((a: Activity) => a.text)).toEqual(['echo: สวัสดี', 'ลองหัวข้อนี้ไหมคะ']);
  });

  it('reads a watermark the query string made an object as none (String() of ?watermark[toString]=1 threw: 500; found by the fuzz test)', async () => {
    const { app } = makeApp();
    const { conv, token } = await open(app);
    for (const q of ['watermark[toString]=1', 'watermark[valueOf]=1&watermark[toString]=2', 'watermark[a]=1']) {
      const list = await request(app).get(`/directline/conversations/${conv}/activities?${q}`).set('authorization', `Bearer ${token}`);
      expect(list.status).toBe(200);
      expect(list.body.activities).toHaveLength(2);
      const resume = await request(app).get(`/directline/conversations/${conv}?${q}`).set('authorization', `Bearer ${token}`);
      expect(resume.status).toBe(200);
      expect(resume.body.streamUrl).not.toMatch(/watermark/);
    }
  });

  it('passes a verified identity to the bot; a forged, expired or missing one is anonymous', async () => {
    const { app, bot } = makeApp();
    const turnOf = (conv: string) => (bot as FakeBot).turns.find((t) => t.conversationId === conv);
    const good = await open(app, { identity: signIdentity('A-1001', IDENTITY_SECRET) });
    expect(good.body.signedIn).toBe(true);
    expect(turnOf(good.conv)?.accountId).toBe('A-1001');
    const forged = await open(app, { identity: signIdentity('A-1001', 'wrong-secret') });
    const expired = await open(app, { identity: jwt.sign({ sub: 'A-1001', exp: Math.floor(Date.now() / 1000) - 60 }, IDENTITY_SECRET) });
    const garbage = await open(app, { identity: 'garbage' });
    for (const c of [forged, expired, garbage]) {
      expect(c.body.signedIn).toBe(false);
      expect(turnOf(c.conv)?.accountId).toBeUndefined();
    }
    // The account stays with the conversation for later turns.
    await post(app, good.conv, good.token).send({ type: 'message', text: 'check my stores' });
    await answered(app, good.conv, good.token);
    expect((bot as FakeBot).turns.filter((t) => t.conversationId === good.conv).map((t) => t.accountId)).toEqual(['A-1001', 'A-1001']);
  });

  it('apologises in Thai and English when the bot throws, and keeps serving', async () => {
    const { app } = makeApp();
    const { conv, token } = await open(app);
    const r = await post(app, conv, token).send({ type: 'message', text: 'boom' });
    expect(r.status).toBe(200);
    const acts = await answered(app, conv, token);
    expect(acts[acts.length - 1]).toMatchObject({ type: 'message', from: { role: 'bot' }, text: APOLOGY, replyToId: r.body.id });
    expect(APOLOGY).toMatch(/ขออภัย/);
    expect(APOLOGY).toMatch(/Sorry/);
    await post(app, conv, token).send({ type: 'message', text: 'still there?' });
    const after = await answered(app, conv, token);
    expect(after.some((a) => a.text === 'echo: still there?')).toBe(true);
  });

  it('survives a bot that fails on start and a store that fails while storing the reply', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failing: Bot = { handle: async () => Promise.reject(new Error('down')), forget: async () => undefined };
      const a = makeApp({ bot: failing });
      const started = await open(a.app);
      expect((await get(a.app, started.conv, started.token)).body.activities.map((x: Activity) => x.text)).toEqual([APOLOGY]);

      const store = new SqliteDirectLineStore(tempDb());
      const flaky: DirectLineStore = Object.assign(Object.create(store) as DirectLineStore, {
        appendActivity: async (conversationId: string, activity: Record<string, unknown>) => {
          if ((activity.from as { role?: string } | undefined)?.role === 'bot' && activity.type === 'message' && activity.replyToId) {
            throw new Error('disk full');
          }
          return store.appendActivity(conversationId, activity);
        },
      });
      const logged: string[] = [];
      const log = { error: (_obj: unknown, msg: string) => logged.push(msg) } as unknown as Logger;
      const b = makeApp({ store: flaky, log });
      const { conv, token } = await open(b.app);
      expect((await post(b.app, conv, token).send({ type: 'message', text: 'hello' })).status).toBe(200);
      await until(() => (logged.includes('storing the reply failed') ? true : undefined));
      expect(logged).toEqual(['web turn failed', 'storing the reply failed']);
      expect((await get(b.app, conv, token)).status).toBe(200);
      expect((await post(b.app, conv, token).send({ type: 'message', text: 'again' })).status).toBe(200);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('lets any origin call it (the widget is embedded on other sites) with Bearer tokens only', async () => {
    const { app } = makeApp();
    const pre = await request(app).options('/directline/conversations/x/activities').set('origin', 'https://shop.example').set('access-control-request-method', 'POST');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toMatch(/Authorization/);
    const gen = await request(app).post('/directline/tokens/generate');
    expect(gen.headers['access-control-allow-origin']).toBe('*');
    expect(gen.headers['cache-control']).toBe('no-store');
  });

  it('answers 404 for a conversation that no longer exists', async () => {
    const { app } = makeApp();
    const token = jwt.sign({ conv: 'gone', user: 'u' }, TOKEN_SECRET, { expiresIn: 600 });
    expect((await post(app, 'gone', token).send({ type: 'message', text: 'hi' })).status).toBe(404);
    expect((await request(app).post('/directline/conversations').set('authorization', `Bearer ${token}`)).status).toBe(404);
  });
});

describe('SqliteDirectLineStore', () => {
  it('keeps its tables across reopening and forgets conversations idle for 7 days', async () => {
    let clock = new Date('2026-11-01T00:00:00Z');
    const db = tempDb();
    const store = new SqliteDirectLineStore(db, { now: () => clock });
    await store.createConversation({ conversationId: 'old', userId: 'u', createdAt: clock.toISOString() });
    await store.appendActivity('old', { type: 'message', text: 'a' });
    clock = new Date('2026-11-05T00:00:00Z');
    await store.createConversation({ conversationId: 'recent', userId: 'u', accountId: 'A1', createdAt: clock.toISOString() });
    await store.appendActivity('recent', { type: 'message', text: 'b' });

    // A second store on the same database (a restart) sees the same data.
    const again = new SqliteDirectLineStore(db, { now: () => clock });
    expect(await again.getConversation('recent')).toMatchObject({ userId: 'u', accountId: 'A1' });

    expect(await store.sweep(new Date('2026-11-07T23:00:00Z'))).toBe(0);
    expect(await store.sweep(new Date('2026-11-08T01:00:00Z'))).toBe(1);
    expect(await store.getConversation('old')).toBeUndefined();
    expect((await store.listActivities('old', 0)).activities).toEqual([]);
    expect((await store.listActivities('recent', 0)).activities.map((a) => a.text)).toEqual(['b']);
    // Activity keeps a conversation alive.
    clock = new Date('2026-11-11T00:00:00Z');
    await store.appendActivity('recent', { type: 'message', text: 'c' });
    expect(await store.sweep(new Date('2026-11-13T00:00:00Z'))).toBe(0);
  });

  it('keeps the last 500 activities and numbers on without restarting', async () => {
    const store = new SqliteDirectLineStore(tempDb());
    await store.createConversation({ conversationId: 'c', userId: 'u', createdAt: new Date().toISOString() });
    for (let i = 1; i <= 505; i++) await store.appendActivity('c', { type: 'message', text: String(i) });
    const all = await store.listActivities('c', 0);
    expect(all.activities).toHaveLength(500);
    expect(all.activities[0]).toMatchObject({ id: 'c|0000006', text: '6' });
    expect(all.watermark).toBe(505);
    expect((await store.appendActivity('c', { type: 'message' })).id).toBe('c|0000506');
  });
});
