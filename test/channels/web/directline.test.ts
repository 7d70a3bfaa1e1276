import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import express from 'express';
import jwt from 'jsonwebtoken';
import pino from 'pino';
import request from 'supertest';
import { createDirectLineRouter } from '../../../src/channels/web/directline';
import type { Bot } from '../../../src/conversation/bot';
import type { OutMessage, Turn } from '../../../src/conversation/messages';
import { BotService } from '../../../src/conversation/service';
import { signIdentity } from '../../../src/status/identity';
import { SqliteConversationStore } from '../../../src/storage/conversation-store';
import { SqliteDirectLineStore } from '../../../src/storage/directline-store';
import { core } from '../../conversation/recording-channel';

// botframework-directlinejs is a browser library: in Node its polling needs an XMLHttpRequest.
(global as unknown as { XMLHttpRequest: unknown }).XMLHttpRequest = require('xhr2');
// It also reads the WebSocket global while constructing, even in polling mode (Node 20 has none).
(global as unknown as { WebSocket: unknown }).WebSocket ??= class NoWebSocket {};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');

const TOKEN_SECRET = 'dl-test-secret';
const IDENTITY_SECRET = 'identity-test-secret';

function realBot(): BotService {
  return new BotService({ core, store: new SqliteConversationStore(new Database(':memory:')), idleTtlSeconds: 3600 });
}

function app(bot: Bot, opts: { now?: () => Date; seen?: Turn[] } = {}) {
  const a = express();
  const seen = opts.seen;
  const spy: Bot = seen
    ? { handle: (t) => (seen.push(t), bot.handle(t)), forget: (k) => bot.forget(k) }
    : bot;
  a.use(
    '/directline',
    createDirectLineRouter({
      bot: spy,
      store: new SqliteDirectLineStore(new Database(':memory:')),
      tokenSecret: TOKEN_SECRET,
      identitySecret: IDENTITY_SECRET,
      log: pino({ level: 'silent' }),
      now: opts.now,
    }),
  );
  return a;
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe('Direct Line with the botframework-directlinejs client', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer(app(realBot()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('talks to the bot in polling mode: welcome, Thai answer with buttons, a button press', async () => {
    const gen = await request(base).post('/directline/tokens/generate').send({ user: { id: 'seller-1' } });
    expect(gen.status).toBe(200);
    const dl = new DirectLine({ token: gen.body.token, domain: `${base}/directline`, webSocket: false, pollingInterval: 100 });
    const received: Record<string, any>[] = [];
    const sub = dl.activity$.subscribe((a: Record<string, any>) => received.push(a));
    try {
      const fromBot = (pred: (a: Record<string, any>) => boolean) =>
        until(async () => received.find((a) => a.from?.role === 'bot' && a.type === 'message' && pred(a)));
      await fromBot((a) => /สวัสดีค่ะ/.test(a.text ?? ''));
      await new Promise<void>((resolve, reject) =>
        dl.postActivity({ type: 'message', from: { id: 'seller-1' }, text: 'ร้าน shopee หมดอายุ ต้องทำยังไง', locale: 'th-TH' }).subscribe({
          next: () => resolve(),
          error: reject,
        }),
      );
      const steps = await fromBot((a) => !!a.channelData?.steps);
      expect(steps.channelData.steps.title).toMatch(/หมดอายุ/);
      const ask = await fromBot((a) => (a.suggestedActions?.actions ?? []).some((x: any) => x.value?.action === 'feedback:yes'));
      const yes = ask.suggestedActions.actions.find((x: any) => x.value?.action === 'feedback:yes');
      expect(yes).toMatchObject({ type: 'messageBack', title: 'ได้แล้ว ขอบคุณ' });
      await new Promise<void>((resolve, reject) =>
        dl.postActivity({ type: 'message', from: { id: 'seller-1' }, text: yes.text, value: yes.value }).subscribe({ next: () => resolve(), error: reject }),
      );
      await fromBot((a) => /ดีใจด้วยค่ะ/.test(a.text ?? ''));
      expect(dl.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
    } finally {
      sub.unsubscribe();
      dl.end();
    }
  });
});

describe('Direct Line endpoints', () => {
  const bot = realBot();

  async function open(a: express.Express, body: object = {}) {
    const r = await request(a).post('/directline/tokens/generate').send(body);
    return { token: r.body.token as string, conv: r.body.conversationId as string, signedIn: r.body.signedIn as boolean };
  }
  const activities = async (a: express.Express, conv: string, token: string, watermark = 0) =>
    (await request(a).get(`/directline/conversations/${conv}/activities?watermark=${watermark}`).set('authorization', `Bearer ${token}`)).body as {
      activities: Record<string, any>[];
      watermark: string;
    };

  it('opens a conversation whose token opens only that conversation', async () => {
    const a = app(bot);
    const one = await open(a);
    const two = await open(a);
    expect((await request(a).get(`/directline/conversations/${two.conv}/activities`).set('authorization', `Bearer ${one.token}`)).status).toBe(403);
    expect(
      (await request(a).post(`/directline/conversations/${two.conv}/activities`).set('authorization', `Bearer ${one.token}`).send({ type: 'message', text: 'hi' })).status,
    ).toBe(403);
    const conv = await request(a).post('/directline/conversations').set('authorization', `Bearer ${one.token}`);
    expect(conv.status).toBe(201);
    expect(conv.body.conversationId).toBe(one.conv);
    const refreshed = await request(a).post('/directline/tokens/refresh').set('authorization', `Bearer ${one.token}`);
    expect(refreshed.body.conversationId).toBe(one.conv);
  });

  it('rejects missing, forged and expired tokens with 401', async () => {
    let clock = new Date('2026-11-28T10:00:00Z');
    const a = app(bot, { now: () => clock });
    const { conv, token } = await open(a);
    const forged = jwt.sign({ conv, user: 'x' }, 'not-the-secret', { expiresIn: 600 });
    for (const auth of [undefined, 'Bearer garbage', `Bearer ${forged}`]) {
      const r = request(a).get(`/directline/conversations/${conv}/activities`);
      expect((await (auth ? r.set('authorization', auth) : r)).status).toBe(401);
    }
    clock = new Date(clock.getTime() + 31 * 60 * 1000);
    const expired = await request(a).get(`/directline/conversations/${conv}/activities`).set('authorization', `Bearer ${token}`);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it('answers malformed bodies with 400 and oversized messages with a clear 413', async () => {
    const a = app(bot);
    const { conv, token } = await open(a);
    const post = () => request(a).post(`/directline/conversations/${conv}/activities`).set('authorization', `Bearer ${token}`);
    expect((await post().set('content-type', 'application/json').send('{"type": "message", ')).status).toBe(400);
    expect((await post().set('content-type', 'application/json').send('[1,2]')).status).toBe(400);
    expect((await post().send({ text: 'no type' })).status).toBe(400);
    expect((await post().send({ type: 'message' })).status).toBe(400);
    const long = await post().send({ type: 'message', text: 'ก'.repeat(2001) });
    expect(long.status).toBe(413);
    expect(long.body.error.message).toMatch(/too long \(2001 characters; at most 2000\)/);
    expect((await post().set('content-type', 'application/json').send(JSON.stringify({ type: 'message', text: 'x'.repeat(70_000) }))).status).toBe(413);
    // Still serving after all that.
    expect((await post().send({ type: 'message', text: 'hello' })).status).toBe(200);
  });

  it('stores the user activity redacted, so history never holds a secret', async () => {
    const a = app(bot);
    const { conv, token } = await open(a);
    await request(a).post(`/directline/conversations/${conv}/activities`).set('authorization', `Bearer ${token}`).send({ type: 'message', text: 'my password is Hunter2!' });
    const all = await until(async () => {
      const r = await activities(a, conv, token);
      return r.activities.some((x) => /อย่าส่งรหัสผ่าน|passwords/.test(x.text ?? '')) ? r : undefined;
    });
    expect(JSON.stringify(all)).not.toContain('Hunter2');
    expect(all.activities.find((x) => x.from?.role === 'user')?.text).toBe('my password is [password removed]');
  });

  it('pages with the watermark and marks bot work with a typing activity', async () => {
    const a = app(bot);
    const { conv, token } = await open(a);
    const first = await activities(a, conv, token);
    expect(first.activities.length).toBeGreaterThan(0);
    const none = await activities(a, conv, token, Number(first.watermark));
    expect(none.activities).toEqual([]);
    expect(none.watermark).toBe(first.watermark);
    await request(a).post(`/directline/conversations/${conv}/activities`).set('authorization', `Bearer ${token}`).send({ type: 'message', text: 'otp shopee ไม่เข้า' });
    const next = await until(async () => {
      const r = await activities(a, conv, token, Number(first.watermark));
      return r.activities.some((x) => x.channelData?.steps) ? r : undefined;
    });
    expect(next.activities.map((x) => x.type).slice(0, 2)).toEqual(['message', 'typing']);
  });

  it('passes a verified identity to the bot and ignores a forged one', async () => {
    const seen: Turn[] = [];
    const a = app(bot, { seen });
    const good = await open(a, { identity: signIdentity('demo-expired', IDENTITY_SECRET) });
    expect(good.signedIn).toBe(true);
    const forged = await open(a, { identity: signIdentity('demo-expired', 'wrong') });
    expect(forged.signedIn).toBe(false);
    expect(seen.find((t) => t.conversationId === good.conv)?.accountId).toBe('demo-expired');
    expect(seen.find((t) => t.conversationId === forged.conv)?.accountId).toBeUndefined();
  });

  it('apologises and keeps serving when the bot fails', async () => {
    const failing: Bot = {
      handle: async (t) => {
        if (t.kind === 'message') throw new Error('boom');
        return [{ type: 'text', text: 'welcome' }] as OutMessage[];
      },
      forget: async () => undefined,
    };
    const a = app(failing);
    const { conv, token } = await open(a);
    const r = await request(a).post(`/directline/conversations/${conv}/activities`).set('authorization', `Bearer ${token}`).send({ type: 'message', text: 'hi' });
    expect(r.status).toBe(200);
    await until(async () => ((await activities(a, conv, token)).activities.some((x) => /Sorry, something went wrong/.test(x.text ?? '')) ? true : undefined));
  });
});
