import request from 'supertest';
import { isLoopback } from '../../src/channels/botframework/adapter';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { SECRET, TOKEN } from './line/fake-line-api';

/** What anyone on the Internet can reach: what is mounted, and how much of it one address gets. */
describe('/api/messages is opt-in', () => {
  it('is not mounted without an app id: the request that ended the process is a 404, and the bot stays up', async () => {
    const app = await startApp();
    try {
      const r = await request(app.base).post('/api/messages').set('content-type', 'application/json').send('{}');
      expect(r.status).toBe(404);
      const relay = await request(app.base)
        .post('/api/messages')
        .send({ type: 'message', text: 'hello', serviceUrl: 'http://127.0.0.1:9', conversation: { id: 'c' }, from: { id: 'u' } });
      expect(relay.status).toBe(404);
      expect((await request(app.base).get('/healthz')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('with an app id, is mounted and answers 400 to what is not an activity and 401 to an unsigned one', async () => {
    const app = await startApp({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'p' });
    try {
      expect((await request(app.base).post('/api/messages').set('content-type', 'application/json').send('{}')).status).toBe(400);
      const hello = await request(app.base).post('/api/messages').send({ type: 'message', text: 'hello' });
      expect(hello.status).toBe(400);
      expect(hello.body.error.message).not.toMatch(/Cannot read/);
      const unsigned = await request(app.base)
        .post('/api/messages')
        .send({ type: 'message', text: 'hi', serviceUrl: 'https://smba.trafficmanager.net/apis', conversation: { id: 'c' }, from: { id: 'u' } });
      expect(unsigned.status).toBe(401);
      expect((await request(app.base).get('/healthz')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('knows a loopback address when it sees one', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '[::1]', 'localhost']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.1', '203.0.113.7', '::ffff:10.0.0.1', 'example.com', '127.0.0.1.example.com', '', undefined]) expect(isLoopback(a)).toBe(false);
  });
});

function rateLimitSuite(name: string, extraEnv: () => Record<string, string>, before = async () => {}) {
  describe(`rate limits per client address (${name})`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      await before();
      // 6 a minute: 2 tokens, 6 messages, 1 unsigned LINE failure.
      app = await startApp({ RATE_LIMIT_PER_MINUTE: '6', LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, ...extraEnv() });
      // Until Redis answers, each instance counts on its own (see rate-limits.ts): wait for it.
      while ((await request(app.base).get('/readyz')).status !== 200) await new Promise((r) => setTimeout(r, 50));
    });
    afterAll(() => app.close());

    it('mints a few tokens a minute to one address, then answers 429 with Retry-After; another address is not held back', async () => {
      const from = (ip: string) => request(app.base).post('/directline/tokens/generate').set('x-forwarded-for', ip).send({});
      expect((await from('198.51.100.1')).status).toBe(200);
      expect((await from('198.51.100.1')).status).toBe(200);
      const third = await from('198.51.100.1');
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect(third.body.error.code).toBe('too_many_requests');
      expect((await from('198.51.100.2')).status).toBe(200);
    });

    it('takes a few messages a minute from one address, then 429 (the seller is told to wait, nothing crashes)', async () => {
      const { token, conversationId } = (await request(app.base).post('/directline/tokens/generate').set('x-forwarded-for', '198.51.100.3').send({})).body;
      const send = () =>
        request(app.base)
          .post(`/directline/conversations/${conversationId}/activities`)
          .set('x-forwarded-for', '198.51.100.3')
          .set('authorization', `Bearer ${token}`)
          .send({ type: 'message', from: { id: 'u' }, text: 'hi' });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await send()).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429]);
    });

    it('refuses an address once its LINE requests keep failing the signature check', async () => {
      const post = () =>
        request(app.base).post('/webhooks/line').set('x-forwarded-for', '198.51.100.4').set('content-type', 'application/json').set('x-line-signature', 'forged').send('{"events":[]}');
      expect((await post()).status).toBe(401);
      expect((await post()).status).toBe(429);
      // Another address (LINE's own) is still served.
      const other = await request(app.base).post('/webhooks/line').set('x-forwarded-for', '198.51.100.5').set('x-line-signature', 'forged').set('content-type', 'application/json').send('{"events":[]}');
      expect(other.status).toBe(401);
    });
  });
}

rateLimitSuite('memory', () => ({}));
describeWithRedis('on Redis', () => {
  // A database of its own, emptied first: limits live 60 s and another run may have left some.
  const url = redisTestUrl(9);
  rateLimitSuite('Redis', () => ({ REDIS_URL: url }), async () => {
    const r = await connectTestRedis(url);
    await r.flushdb();
    r.disconnect();
  });
});
