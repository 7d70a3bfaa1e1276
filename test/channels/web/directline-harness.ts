import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import type Redis from 'ioredis';
import pino from 'pino';
import request from 'supertest';
import WebSocket from 'ws';
import { createDirectLineRouter, type DirectLineDeps } from '../../../src/channels/web/directline';
import type { Bot } from '../../../src/conversation/bot';
import type { OutMessage, Turn } from '../../../src/conversation/messages';
import { SqliteDirectLineStore, type DirectLineStore } from '../../../src/storage/directline-store';
import { RedisDirectLineStore } from '../../../src/storage/redis';
import { RedisScreenshotShare } from '../../../src/storage/screenshot-share';
import { connectTestRedis, HAVE_REDIS, redisTestUrl } from '../../helpers/redis';

/**
 * What the Direct Line tests of tokens, resumes, retries and uploads share: a bot that records
 * its turns, the router on either storage back end, and a widget's requests.
 */

export const TOKEN_SECRET = 'dl-harness-secret';
export const IDENTITY_SECRET = 'dl-harness-identity';

export type Activity = Record<string, any>;

/** Stands in for the core: a welcome on start, an echo of text, a line per picture; `delayMs` slows every turn. */
export class RecordingBot implements Bot {
  readonly turns: Turn[] = [];
  constructor(private readonly delayMs = 0) {}
  async handle(turn: Turn): Promise<OutMessage[]> {
    this.turns.push(turn);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (turn.kind === 'start') return [{ type: 'text', act: 'menu', text: 'welcome' }];
    if (turn.kind === 'image') return [{ type: 'text', act: 'image-received', text: 'Got your picture' }];
    return [{ type: 'text', act: 'small-talk', text: `echo: ${turn.text}` }];
  }
  async forget(): Promise<void> {}
  of(conversationId: string): Turn[] {
    return this.turns.filter((t) => t.conversationId === conversationId);
  }
}

const tmpDirs: string[] = [];
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-harness-'));
  tmpDirs.push(dir);
  return dir;
}

/** One back end: `stores(n)` gives n handles on one storage, as n instances would have. */
export interface Backend {
  name: 'sqlite' | 'redis';
  stores(n: number): DirectLineStore[];
  /** What the instances share to serve pictures kept by another (Redis only). */
  share(): RedisScreenshotShare | undefined;
  /** Forgets a conversation as retention would. */
  forget(store: DirectLineStore, conversationId: string): Promise<void>;
}

const prefix = `test:dl-harness:${process.pid}:${Date.now()}:`;
let redis: Redis | undefined;
/** Closed after the suite: a Redis store that watched a conversation holds a subscriber connection. */
const opened: DirectLineStore[] = [];

const sqlite: Backend = {
  name: 'sqlite',
  stores: (n) => {
    const db = new Database(':memory:');
    return Array.from({ length: n }, () => new SqliteDirectLineStore(db));
  },
  share: () => undefined,
  forget: async (store) => {
    // Idle for longer than the retention.
    await store.sweep(new Date(Date.now() + 30 * 24 * 3600 * 1000));
  },
};

const redisBackend: Backend = {
  name: 'redis',
  stores: (n) => {
    const p = `${prefix}${Math.random()}:`;
    const stores = Array.from({ length: n }, () => new RedisDirectLineStore(redis!, p));
    opened.push(...stores);
    return stores;
  },
  share: () => new RedisScreenshotShare(redis!, 600, `${prefix}shot:`),
  forget: async (store, conversationId) => {
    const p = (store as unknown as { prefix: string }).prefix;
    const keys = await redis!.keys(`${p}${conversationId}:*`);
    if (keys.length) await redis!.del(...keys);
  },
};

/** The back ends to run a suite on, each under describeOn(). Call from the test file's top level. */
export function backends(): Backend[] {
  beforeAll(async () => {
    if (HAVE_REDIS) redis = await connectTestRedis(redisTestUrl(15));
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      redis = undefined;
    }
    for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return [sqlite, redisBackend];
}

/** `describe` for the back end; for Redis without a server, `describe.skip` (the reason is printed by the global setup). */
export const describeOn = (b: Backend): jest.Describe => (b.name === 'redis' && !HAVE_REDIS ? describe.skip : describe);

export type DirectLineApp = ReturnType<typeof makeDirectLine>;

export function makeDirectLine(store: DirectLineStore, opts: Partial<DirectLineDeps> & { bot?: Bot } = {}) {
  const bot = opts.bot ?? new RecordingBot();
  const router = createDirectLineRouter({
    tokenSecret: () => TOKEN_SECRET,
    identitySecret: () => IDENTITY_SECRET,
    log: pino({ level: 'silent' }),
    ...opts,
    bot,
    store,
  });
  const app = express();
  app.use('/directline', router);
  return { app, bot, store, router };
}

export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function open(app: express.Express, body?: object): Promise<{ conv: string; token: string; body: Record<string, any> }> {
  const r = await request(app).post('/directline/tokens/generate').send(body);
  expect(r.status).toBe(200);
  return { conv: r.body.conversationId, token: r.body.token, body: r.body };
}

export const list = (app: express.Express, conv: string, token: string) =>
  request(app).get(`/directline/conversations/${encodeURIComponent(conv)}/activities`).set('authorization', `Bearer ${token}`);

export const post = (app: express.Express, conv: string, token: string) =>
  request(app).post(`/directline/conversations/${encodeURIComponent(conv)}/activities`).set('authorization', `Bearer ${token}`);

export async function activities(app: express.Express, conv: string, token: string): Promise<Activity[]> {
  const r = await list(app, conv, token);
  expect(r.status).toBe(200);
  return r.body.activities;
}

/** The activities once the bot has answered the last user message. */
export const answered = (app: express.Express, conv: string, token: string) =>
  until(async () => {
    const acts = await activities(app, conv, token);
    const lastUser = acts.map((a) => a.from?.role).lastIndexOf('user');
    return acts.slice(lastUser + 1).some((a) => a.type === 'message' && a.from?.role === 'bot') ? acts : undefined;
  });

/** The HTTP status a WebSocket upgrade gets: 101 when the stream opens (it is closed at once). */
export const upgradeStatus = (url: string) =>
  new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', reject);
  });
