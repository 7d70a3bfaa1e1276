import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Redis from 'ioredis';
import request from 'supertest';
import { StaffAuth } from '../../src/admin/staff';
import { RedisStaffStore, SqliteStaffStore } from '../../src/storage/staff-store';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { actsAnswering, fetcherFor, openChat, type Chat } from '../helpers/directline-chat';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { startWorker } from '../helpers/server-process';

/**
 * A seller's data (PDPA) through the console's API: found by the widget's user id, by a ticket
 * or by LINE user, exported with their transcript, Direct Line history, outcome records,
 * tickets and pictures, then deleted from every store and from the disk, another seller's left.
 */
const EMAIL = 'ploy@bigseller.example';
const PASSWORD = 'correct horse battery';
const json = { 'content-type': 'application/json' };
const LINE_USER = 'U0123456789abcdef0123456789abcdef';
const PICTURE = path.resolve(__dirname, '../data/screenshots/bigseller-expired-th--cropped.jpg');

async function say(chat: Chat, text: string): Promise<string[]> {
  const r = await chat.send(text);
  return actsAnswering(chat.activities, ((await r.json()) as { id: string }).id);
}

async function press(app: RunningApp, chat: Chat, action: string): Promise<string[]> {
  const r = await fetch(`${app.base}/directline/conversations/${chat.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, ...json },
    body: JSON.stringify({ type: 'message', from: { id: 'seller-1' }, value: { action } }),
  });
  return actsAnswering(chat.activities, ((await r.json()) as { id: string }).id);
}

function suite(setup: () => Promise<{ app: RunningApp; staff: StaffAuth; done: () => Promise<void> }>, mailFiles: boolean): void {
  let app: RunningApp;
  let done: () => Promise<void>;
  let cookie: string;

  beforeAll(async () => {
    let staff: StaffAuth;
    ({ app, staff, done } = await setup());
    await staff.setPassword(EMAIL, PASSWORD);
    const r = await request(app.base).post('/admin/login').set(json).send(JSON.stringify({ email: EMAIL, password: PASSWORD }));
    cookie = String(r.headers['set-cookie']![0]).split(';')[0]!;
  }, 60_000);
  afterAll(() => done());

  const get = (q: string) => request(app.base).get(`/admin/api/sellers?${q}`).set('cookie', cookie);
  const del = (body: unknown) => request(app.base).post('/admin/api/sellers/delete').set({ ...json, cookie }).send(JSON.stringify(body));

  it('exports a web seller\'s data found by their user id or their ticket, then deletes all of it', async () => {
    const f = fetcherFor(app.base);
    const seller = await openChat(f, { user: { id: 'seller-1' } });
    await say(seller, 'lazada login fails, my password is Sunflower#2020, call me 081-234-5678');
    expect(await seller.upload({ bytes: fs.readFileSync(PICTURE), name: 'error.jpg', type: 'image/jpeg' })).not.toEqual([]);
    await say(seller, 'ขอคุยกับเจ้าหน้าที่ค่ะ');
    await press(app, seller, 'handover:start');
    await say(seller, 'somchai.shop@gmail.com');
    await press(app, seller, 'handover:skip');
    expect(await press(app, seller, 'handover:confirm')).toContain('ticket');
    const other = await openChat(f, { user: { id: 'seller-2' } });
    await say(other, 'ร้าน shopee หมดอายุ ต้องทำยังไง');
    await app.bot.outcomes.idle();
    // On SQLite this process mails the case: as an .eml file, without SMTP.
    const mailDir = path.join(app.dataDir, 'mail');
    for (let end = Date.now() + 10_000; mailFiles && Date.now() < end && !(fs.existsSync(mailDir) && fs.readdirSync(mailDir).some((n) => n.endsWith('.eml'))); ) await new Promise((r) => setTimeout(r, 100));

    const found = await get('web=seller-1');
    expect(found.status).toBe(200);
    const body = found.body as { userKey: string; conversations: any[]; tickets: any[] };
    expect(body.userKey).toBe('web:seller-1');
    expect(body.conversations).toHaveLength(1);
    const [conv] = body.conversations;
    expect(JSON.stringify(conv.transcript)).toContain('lazada login fails');
    expect(conv.directLine.length).toBeGreaterThan(3);
    expect(conv.outcomes.length).toBeGreaterThan(0);
    expect(conv.pictures).toHaveLength(1);
    expect(body.tickets).toEqual([expect.objectContaining({ ticket: expect.stringMatching(/^BS-/), userKey: 'web:seller-1' })]);
    // The console shows redacted text only: no secret, and no phone or address typed.
    for (const typed of ['Sunflower', '081-234-5678', 'somchai.shop@gmail.com']) expect(JSON.stringify(body)).not.toContain(typed);
    expect(JSON.stringify(body)).toContain('[phone hidden]');
    const ticket = body.tickets[0].ticket as string;
    if (mailFiles) expect(body.tickets[0].mailFile).toBe(`${ticket}.eml`);
    expect((await get(`ticket=${ticket}`)).body.conversations.map((c: any) => c.key)).toEqual([conv.key]);

    const deleted = await del({ ticket });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toMatchObject({ conversations: 1, directLine: 1, tickets: 1, pictures: 1, mailFiles: mailFiles ? 1 : 0 });
    expect(deleted.body.deleted.outcomeRecords).toBeGreaterThan(0);

    const after = (await get('web=seller-1')).body;
    expect(after).toMatchObject({ conversations: [], tickets: [] });
    expect((await get(`ticket=${ticket}`)).status).toBe(404);
    expect(fs.existsSync(path.join(app.dataDir, 'screenshots', conv.pictures[0]))).toBe(false);
    expect(fs.existsSync(path.join(app.dataDir, 'mail', `${ticket}.eml`))).toBe(false);
    // The widget's copy of the conversation is gone from the server too.
    const history = await f(`/directline/conversations/${seller.conversationId}/activities`, { headers: { authorization: `Bearer ${seller.token}` } });
    expect(history.status === 200 ? ((await history.json()) as { activities: unknown[] }).activities : []).toEqual([]);
    // The other seller is untouched, in the report too.
    expect((await get('web=seller-2')).body.conversations).toHaveLength(1);
    const report = await request(app.base).get('/admin/api/report?days=1').set('cookie', cookie);
    expect(report.body.conversations).toBe(1);
  }, 90_000);

  it('finds and deletes a LINE seller by their user id', async () => {
    await app.bot.bot.handle({ channel: 'line', conversationId: LINE_USER, userId: LINE_USER, kind: 'message', text: 'ร้าน shopee หมดอายุ ต้องทำยังไง', at: new Date().toISOString() });
    await app.bot.outcomes.idle();
    const found = await get(`line=${LINE_USER.toUpperCase().replace(/^U/, 'U')}`);
    expect(found.body.conversations).toEqual([expect.objectContaining({ key: `line:${LINE_USER}`, transcript: expect.arrayContaining([expect.objectContaining({ text: 'ร้าน shopee หมดอายุ ต้องทำยังไง' })]) })]);
    expect((await del({ line: LINE_USER })).body.deleted).toMatchObject({ conversations: 1, outcomeRecords: 1 });
    expect((await get(`line=${LINE_USER}`)).body.conversations[0]).toMatchObject({ state: null, transcript: [], outcomes: [] });
  }, 30_000);

  it('answers a malformed query with 400, an unknown ticket with 404, and nothing without a session', async () => {
    expect((await get('')).status).toBe(400);
    expect((await get('line=not-a-line-id')).status).toBe(400);
    expect((await get('web=a&ticket=BS-ABC123')).status).toBe(400);
    expect((await get('ticket=BS-ZZZZZZ')).status).toBe(404);
    expect((await request(app.base).get('/admin/api/sellers?web=seller-2')).status).toBe(401);
    expect((await request(app.base).post('/admin/api/sellers/delete').set(json).send('{"web":"seller-2"}')).status).toBe(401);
  });
}

describe('seller data on SQLite', () => {
  suite(async () => {
    const app = await startApp();
    return { app, staff: new StaffAuth(new SqliteStaffStore(app.bot.db)), done: () => app.close() };
  }, true);
});

describeWithRedis('seller data on Redis', () => {
  const REDIS_URL = redisTestUrl(1);
  let redis: Redis;
  suite(async () => {
    redis = await connectTestRedis(REDIS_URL);
    await redis.flushdb();
    const app = await startApp({ REDIS_URL });
    return {
      app,
      staff: new StaffAuth(new RedisStaffStore(redis)),
      done: async () => {
        await app.close();
        await redis.flushdb();
        redis.disconnect();
      },
    };
  }, false);
});

describeWithRedis('seller data on Redis, with the mail worker\'s own disk', () => {
  const REDIS_URL = redisTestUrl(1);
  let redis: Redis;
  let app: RunningApp;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const workerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seller-worker-'));

  beforeAll(async () => {
    redis = await connectTestRedis(REDIS_URL);
    await redis.flushdb();
    app = await startApp({ REDIS_URL });
    worker = await startWorker({ REDIS_URL, DATA_DIR: workerDir });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await app?.close();
    await redis.flushdb();
    redis.disconnect();
  });

  const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
    for (let end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true;
    return check();
  };

  it('deletes the .eml the worker saved and the picture copies it and Redis hold', async () => {
    await new StaffAuth(new RedisStaffStore(redis)).setPassword(EMAIL, PASSWORD);
    const login = await request(app.base).post('/admin/login').set(json).send(JSON.stringify({ email: EMAIL, password: PASSWORD }));
    const cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
    const seller = await openChat(fetcherFor(app.base), { user: { id: 'seller-1' } });
    expect(await seller.upload({ bytes: fs.readFileSync(PICTURE), name: 'error.jpg', type: 'image/jpeg' })).not.toEqual([]);
    await say(seller, 'ขอคุยกับเจ้าหน้าที่ค่ะ');
    await press(app, seller, 'handover:start');
    await say(seller, 'somchai.shop@gmail.com');
    await press(app, seller, 'handover:skip');
    await press(app, seller, 'handover:confirm');
    // The worker mails the case as an .eml on its disk, with the picture it restored from Redis.
    const mailDir = path.join(workerDir, 'mail');
    expect(await until(() => fs.existsSync(mailDir) && fs.readdirSync(mailDir).some((n) => n.endsWith('.eml')), 20_000)).toBe(true);
    const workerPictures = path.join(workerDir, 'screenshots');
    expect(fs.readdirSync(workerPictures)).toHaveLength(1);
    expect(await redis.keys('bot:shot:*')).toHaveLength(1);

    const deleted = await request(app.base).post('/admin/api/sellers/delete').set({ ...json, cookie }).send('{"web":"seller-1"}');
    expect(deleted.body.deleted).toMatchObject({ conversations: 1, tickets: 1, pictures: 1 });
    expect(await redis.keys('bot:shot:*')).toEqual([]);
    // The worker heard of it and deleted its own.
    expect(await until(() => fs.readdirSync(mailDir).filter((n) => n.endsWith('.eml')).length === 0 && fs.readdirSync(workerPictures).length === 0, 5000)).toBe(true);
  }, 90_000);
});
