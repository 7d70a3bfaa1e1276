import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import WebSocket from 'ws';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { describeWithRedis, redisTestUrl } from '../helpers/redis';
import { freePort } from '../helpers/server-process';

/** Liveness, readiness and metrics as an operator's probes and Prometheus see them. */
async function chat(base: string, text: string): Promise<void> {
  const { token, conversationId } = (await request(base).post('/directline/tokens/generate').send({})).body;
  await request(base).post(`/directline/conversations/${conversationId}/activities`).set('authorization', `Bearer ${token}`).send({ type: 'message', text });
}

describe('a Direct Line stream as the first request a process gets', () => {
  it('opens with a token issued before a restart (no HTTP request has loaded the secrets yet)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'restart-'));
    const before = await startApp({ DATA_DIR: dataDir });
    const { token, conversationId } = (await request(before.base).post('/directline/tokens/generate').send({})).body;
    await before.close();
    const after = await startApp({ DATA_DIR: dataDir });
    try {
      const ws = new WebSocket(`${after.base.replace('http', 'ws')}/directline/conversations/${conversationId}/stream?t=${token}`);
      const status = await new Promise<number>((resolve) => {
        ws.once('open', () => resolve(101));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(0));
      });
      ws.close();
      expect(status).toBe(101);
    } finally {
      await after.close();
    }
  });
});

describe('health and metrics on embedded storage', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('is alive and ready, with every check named', async () => {
    expect((await request(app.base).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(app.base).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { knowledgeBase: true, storage: true, mailBacklogMoving: true }, mail: { pending: 0, failed: 0 } });
  });

  it('counts every message by channel and decision, what the core reported, and times matching and turns', async () => {
    await chat(app.base, 'shopee token expired how to fix');
    await chat(app.base, 'woocommerce error');
    await chat(app.base, 'ขอ invoice ค่า package ปีนี้ค่ะ');
    await new Promise((r) => setTimeout(r, 300));
    const text = (await request(app.base).get('/metrics')).text;
    // The off-topic and the unclear message are messages too, not only the answered one.
    for (const decision of ['answer', 'clarify', 'none']) expect(text).toMatch(new RegExp(`bot_messages_total\\{channel="web",decision="${decision}"\\} 1\\b`));
    expect(text).toMatch(/bot_turn_events_total\{channel="web",event="answered"\} 1\b/);
    // What the bot said, by act: the article, its question, the welcome of each chat.
    expect(text).toMatch(/bot_replies_total\{channel="web",act="answer:connection-expired"\} 1\b/);
    expect(text).toMatch(/bot_replies_total\{channel="web",act="ask-feedback"\} 1\b/);
    expect(text).toMatch(/bot_replies_total\{channel="web",act="menu"\} \d+/);
    expect(text).toMatch(/bot_match_duration_seconds_count [1-9]/);
    expect(text).toMatch(/bot_turn_duration_seconds_count\{channel="web"\} [1-9]/);
    expect(text).toMatch(/bot_mail_queue_depth 0/);
    expect(text).toMatch(/bot_mail_total\{outcome="sent"\} 0/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it('counts the Direct Line streams open on this instance', async () => {
    const streams = async () => Number(/^bot_directline_streams (\d+)/m.exec((await request(app.base).get('/metrics')).text)?.[1]);
    expect(await streams()).toBe(0);
    const { token } = (await request(app.base).post('/directline/tokens/generate').send({})).body;
    const { streamUrl } = (await request(app.base).post('/directline/conversations').set('authorization', `Bearer ${token}`)).body;
    const ws = new WebSocket(streamUrl);
    await new Promise((r) => ws.once('open', r));
    expect(await streams()).toBe(1);
    ws.close();
    // The server hears of the close a moment after the client does.
    for (let tries = 0; tries < 50 && (await streams()) !== 0; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await streams()).toBe(0);
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    expect((await request(app.base).get('/healthz').set('x-request-id', 'lb-123.abc')).headers['x-request-id']).toBe('lb-123.abc');
    const replaced = (await request(app.base).get('/healthz').set('x-request-id', 'bad id\twith spaces')).headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness when Redis is configured but unreachable', () => {
  it('stays alive, reports not ready with the reason, and still closes cleanly', async () => {
    const app = await startApp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect((await request(app.base).get('/healthz')).status).toBe(200);
      const ready = await request(app.base).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not ready', checks: { redis: false, knowledgeBase: true } });
      // A chat cannot start without the shared token secret: a clear, retryable answer.
      const gen = await request(app.base).post('/directline/tokens/generate').send({});
      expect(gen.status).toBe(503);
      expect(gen.body.error.code).toBe('unavailable');
    } finally {
      await app.close();
    }
  });
});

describeWithRedis('readiness on Redis', () => {
  it('is ready and reports Redis reachable', async () => {
    const app = await startApp({ REDIS_URL: redisTestUrl(8) });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const ready = await request(app.base).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject({ redis: true, storage: true, mailBacklogMoving: true });
    } finally {
      await app.close();
    }
  });
});
