import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataApiBaseUrl } from '../../../src/channels/line/client';
import { userHash } from '../../../src/channels/line/screenshots';
import { openDatabase } from '../../../src/storage/sqlite';
import { SqliteEventInbox } from '../../../src/storage/event-inbox';
import { FakeBot, FakeLineApi, lineEvent, startHarness, textEvent, TOKEN, USER, sign, t, type Harness } from './fake-line-api';

const SAMPLE = path.resolve(__dirname, 'fixtures/sample-webhook.json');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

const fake = new FakeLineApi();
let h: Harness;
let bot: FakeBot;

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(async () => {
  fake.reset();
  bot = new FakeBot();
  h = await startHarness({ fake, bot });
});
afterEach(() => h.close());

const webhook = (...events: Record<string, unknown>[]) => ({ destination: 'U123', events });
const echoReply = (text: string) => [
  {
    type: 'text',
    text: `echo: ${text}\n\nAnything else?`,
    quickReply: {
      items: [
        { type: 'action', action: { type: 'postback', label: 'Yes', data: 'more:yes', displayText: 'Yes' } },
        { type: 'action', action: { type: 'postback', label: 'No', data: 'more:no', displayText: 'No' } },
      ],
    },
  },
];

describe('LINE webhook: the request', () => {
  it('refuses a missing signature with 401 and processes nothing', async () => {
    const res = await h.post(webhook(textEvent('hello')), { signature: null });
    expect(res.status).toBe(401);
    expect(bot.turns).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('refuses a wrong signature, or a body changed after signing, with 401', async () => {
    const body = JSON.stringify(webhook(textEvent('hello')));
    expect((await h.post(body, { signature: sign(body, 'another-secret') })).status).toBe(401);
    expect((await h.post(body.replace('hello', 'hellO'), { signature: sign(body) })).status).toBe(401);
    expect((await h.post(body, { signature: 'not base64 at all' })).status).toBe(401);
    expect(bot.turns).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('checks the signature on the exact bytes, before any JSON parsing', async () => {
    // Same JSON, different bytes: valid only with the signature of these very bytes.
    const spaced = `{ "destination": "U123",   "events": [${JSON.stringify(textEvent('hi'))}] }`;
    expect((await h.post(spaced, { signature: sign(JSON.stringify(JSON.parse(spaced))) })).status).toBe(401);
    expect((await h.post(spaced)).status).toBe(200);
    expect(bot.turns).toHaveLength(1);
  });

  it('answers 400 to a correctly signed body that is not JSON or has no events', async () => {
    expect((await h.post('{"events": [')).status).toBe(400);
    expect((await h.post('{"destination": "U123"}')).status).toBe(400);
    expect(bot.turns).toEqual([]);
  });

  it("answers 200 to LINE's verify request (no events) and does nothing", async () => {
    const res = await h.post({ destination: 'U123', events: [] });
    expect(res.status).toBe(200);
    expect(fake.calls).toEqual([]);
  });

  it('answers 200 before the events are processed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bot.onHandle = () => gate;
    const res = await h.post(webhook(textEvent('hello')), { wait: false });
    expect(res.status).toBe(200);
    expect(fake.sends()).toEqual([]);
    release();
    await h.router.idle();
    expect(fake.sends()).toHaveLength(1);
  });
});

describe('LINE webhook: events', () => {
  it('text: the core, then a reply with the quick replies; no loading animation for a quick answer', async () => {
    const ev = textEvent('hello');
    await h.post(webhook(ev));
    expect(bot.turns).toEqual([{ channel: 'line', conversationId: USER, userId: USER, kind: 'message', text: 'hello', at: expect.any(String), requestId: ev.webhookEventId, replayId: ev.webhookEventId }]);
    expect(bot.turns[0].locale).toBeUndefined();
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
    const [reply] = fake.calls;
    expect(reply.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(reply.headers['x-line-retry-key']).toBeUndefined();
    expect(reply.body).toEqual({ replyToken: ev.replyToken, messages: echoReply('hello') });
  });

  it('postback: its data is the core action', async () => {
    const ev = lineEvent({ type: 'postback', postback: { data: 'feedback:yes', params: { datetime: '2017-12-25T01:00' } } });
    await h.post(webhook(ev));
    expect(bot.turns).toEqual([expect.objectContaining({ kind: 'action', action: 'feedback:yes', conversationId: USER })]);
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
    expect(fake.calls[0].body.messages).toEqual([{ type: 'text', text: 'action feedback:yes' }]);
  });

  it('follow: the welcome and the menu', async () => {
    const ev = lineEvent({ type: 'follow', follow: { isUnblocked: false } });
    await h.post(webhook(ev));
    expect(bot.turns).toEqual([expect.objectContaining({ kind: 'start', userId: USER })]);
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
    const [msg] = fake.calls[0].body.messages;
    expect(msg.text).toBe('Welcome!\n\nPick a problem:');
    expect(msg.quickReply.items.map((i: any) => i.action.data)).toEqual(['topic:connection-expired', 'handover:start']);
  });

  it("unfollow: the user's conversation is forgotten, nothing is sent", async () => {
    const ev = lineEvent({ type: 'unfollow' });
    delete ev.replyToken;
    await h.post(webhook(ev));
    expect(bot.forgotten).toEqual([{ channel: 'line', conversationId: USER }]);
    expect(bot.turns).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('sticker: a sticker turn and its kind reply', async () => {
    await h.post(webhook(lineEvent({ message: { id: '1', type: 'sticker', packageId: '1', stickerId: '1', stickerResourceType: 'STATIC' } })));
    expect(bot.turns.map((x) => x.kind)).toEqual(['sticker']);
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
    expect(fake.calls[0].body.messages).toEqual([{ type: 'text', text: 'Nice sticker!' }]);
  });

  it('file, video and audio: a file turn', async () => {
    await h.post(webhook(lineEvent({ message: { id: '2', type: 'file', fileName: 'file.txt', fileSize: 2138 } }), lineEvent({ message: { id: '3', type: 'video', duration: 1 } })));
    expect(bot.turns.map((x) => x.kind)).toEqual(['file', 'file']);
  });

  it('location, or a message type LINE adds later: a turn the core answers, not silence', async () => {
    await h.post(webhook(lineEvent({ message: { id: '4', type: 'location', title: 'Shop', address: 'Bangkok', latitude: 13.7, longitude: 100.5 } }), lineEvent({ message: { id: '5', type: 'hologram' } })));
    expect(bot.turns.map((x) => x.kind)).toEqual(['other', 'other']);
    expect(fake.calls.map((c) => c.body.messages)).toEqual([[{ type: 'text', text: 'I can only read text and pictures.' }], [{ type: 'text', text: 'I can only read text and pictures.' }]]);
  });

  it('image on LINE: content downloaded into the data dir, the turn carries the screenshot', async () => {
    fake.content.set('354718705033693861', { data: PNG, contentType: 'image/png' });
    const ev = lineEvent({ message: { type: 'image', id: '354718705033693861', contentProvider: { type: 'line' }, imageSet: { id: 'E005D41A7288F41B655', index: 2, total: 2 }, quoteToken: 'q' } });
    await h.post(webhook(ev));
    const ref = `${userHash(USER)}/354718705033693861.png`;
    expect(bot.turns).toEqual([expect.objectContaining({ kind: 'image', screenshot: { ref, contentType: 'image/png' } })]);
    expect(fs.readFileSync(path.join(h.dataDir, 'screenshots', ref))).toEqual(PNG);
    expect(ref).not.toContain(USER);
    expect(fake.paths()).toEqual(['GET /v2/bot/message/354718705033693861/content', 'POST /v2/bot/message/reply']);
    expect(fake.calls[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.calls[1].body.messages).toEqual([{ type: 'text', text: 'Got your picture (kept).' }]);
  });

  it('image album: every picture is kept, one acknowledgement for the set', async () => {
    fake.content.set('a1', { data: PNG, contentType: 'image/jpeg' });
    fake.content.set('a2', { data: PNG, contentType: 'image/jpeg' });
    const set = (id: string, index: number) => lineEvent({ message: { type: 'image', id, contentProvider: { type: 'line' }, imageSet: { id: 'S', index, total: 2 } } });
    await h.post(webhook(set('a1', 1), set('a2', 2)));
    expect(bot.turns.map((x) => x.screenshot?.ref)).toEqual([`${userHash(USER)}/a1.jpg`, `${userHash(USER)}/a2.jpg`]);
    // The core answers the album with its last picture, with what all of them showed.
    expect(bot.turns.map((x) => x.morePicturesComing)).toEqual([true, undefined]);
    expect(fake.sends()).toHaveLength(1);
  });

  it('image that cannot be kept (LINE 404, too large, external http): still answered, no screenshot, nothing left behind', async () => {
    fake.content.set('big', { data: Buffer.alloc(10 * 1024 * 1024 + 1), contentType: 'image/jpeg' });
    const events = [
      lineEvent({ message: { type: 'image', id: 'missing', contentProvider: { type: 'line' } } }),
      lineEvent({ message: { type: 'image', id: 'big', contentProvider: { type: 'line' } } }),
      lineEvent({ message: { type: 'image', id: 'ext', contentProvider: { type: 'external', originalContentUrl: 'http://example.com/a.jpg', previewImageUrl: 'http://example.com/a.jpg' } } }),
    ];
    await h.post(webhook(...events));
    expect(bot.turns.map((x) => [x.kind, x.screenshot])).toEqual([
      ['image', undefined],
      ['image', undefined],
      ['image', undefined],
    ]);
    expect(fake.paths()).toEqual([
      'GET /v2/bot/message/missing/content',
      'POST /v2/bot/message/reply',
      'GET /v2/bot/message/big/content',
      'POST /v2/bot/message/reply',
      'POST /v2/bot/message/reply',
    ]);
    const dir = path.join(h.dataDir, 'screenshots', userHash(USER));
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  it('image from an external HTTPS provider: fetched from originalContentUrl', async () => {
    const realFetch = global.fetch;
    const spy = jest.spyOn(global, 'fetch').mockImplementation(async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url === 'https://images.example.com/shot.webp') {
        const res = new Response(PNG, { headers: { 'content-type': 'image/webp' } });
        Object.defineProperty(res, 'url', { value: url });
        return res;
      }
      return realFetch(input, init);
    });
    try {
      const ev = lineEvent({ message: { type: 'image', id: 'x1', contentProvider: { type: 'external', originalContentUrl: 'https://images.example.com/shot.webp', previewImageUrl: 'https://images.example.com/p.webp' } } });
      await h.post(webhook(ev));
    } finally {
      spy.mockRestore();
    }
    const ref = `${userHash(USER)}/x1.webp`;
    expect(bot.turns[0].screenshot).toEqual({ ref, contentType: 'image/webp' });
    expect(fs.readFileSync(path.join(h.dataDir, 'screenshots', ref))).toEqual(PNG);
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
  });

  it('group and room: a short one-to-one note, once per group, without the core', async () => {
    const group = { type: 'group', groupId: 'Ca56f94637cc4347f90a25382909b24b9', userId: USER };
    const room = { type: 'room', roomId: 'Ra8dbf4673c4c812cd491258042226c99' };
    await h.post(webhook(textEvent('Hello, world', { source: group }), textEvent('again', { source: group })));
    await h.post(webhook(lineEvent({ source: room, message: { id: '325708', type: 'image', contentProvider: { type: 'external', originalContentUrl: 'https://example.com' } } })));
    expect(bot.turns).toEqual([]);
    const note = `${t('th', 'line.groupOnly')}\n\n${t('en', 'line.groupOnly')}`;
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply', 'POST /v2/bot/message/reply']);
    expect(fake.calls.map((c) => c.body.messages)).toEqual([[{ type: 'text', text: note }], [{ type: 'text', text: note }]]);
  });

  it('join: the note, even when the group was told before', async () => {
    const group = { type: 'group', groupId: 'Cjoin' };
    await h.post(webhook(textEvent('hi', { source: group })));
    await h.post(webhook(lineEvent({ type: 'join', source: group })));
    expect(fake.sends()).toHaveLength(2);
    expect(bot.turns).toEqual([]);
  });

  it('standby mode: not answered', async () => {
    await h.post(webhook(textEvent('hello', { mode: 'standby' }), lineEvent({ type: 'follow', mode: 'standby' })));
    expect(bot.turns).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('accountLink, unsend, leave and unknown event types: ignored without a crash', async () => {
    await h.post(
      webhook(
        lineEvent({ type: 'accountLink', link: { result: 'ok', nonce: 'n' } }),
        lineEvent({ type: 'unsend', unsend: { messageId: '325708' } }),
        lineEvent({ type: 'leave', source: { type: 'group', groupId: 'C1' } }),
        lineEvent({ type: 'undefined', undefinedField: { 1: 1 } }),
        { nonsense: true },
        'not an event' as unknown as Record<string, unknown>,
        textEvent('still works'),
      ),
    );
    expect(bot.turns.map((x) => x.text)).toEqual(['still works']);
    expect(fake.sends()).toHaveLength(1);
  });

  it('a source whose ids are not strings: ignored, and the events after it still answered (found by the fuzz test)', async () => {
    await h.post(
      webhook(
        textEvent('odd user id', { source: { type: 'user', userId: { toString: 1 } } }),
        textEvent('odd group id', { source: { type: 'group', groupId: ['C1'] } }),
        textEvent('odd room id', { source: { type: 'room', roomId: 5 } }),
        textEvent('still works'),
      ),
    );
    expect(bot.turns.map((x) => x.text)).toEqual(['still works']);
    expect(fake.sends()).toHaveLength(1);
  });

  it('a source whose id is not a string, under backpressure: still 200 (it was a 500, and LINE redelivered it for ever)', async () => {
    await h.close();
    h = await startHarness({ fake, bot, maxInFlight: 1, loadingAfterMs: 10_000 });
    await h.post(webhook(textEvent('slow')), { wait: false });
    const res = await h.post(webhook(textEvent('odd user id', { source: { type: 'user', userId: { toString: 1 } } })), { wait: false });
    expect(res.status).toBe(200);
    await h.router.idle();
  });

  it("a core failure: the seller gets the generic error in the message's language", async () => {
    await h.post(webhook(textEvent('boom')));
    expect(fake.sends()[0].body.messages).toEqual([{ type: 'text', text: t('en', 'error.generic') }]);
  });

  it("one user's events in one webhook run in order", async () => {
    const first = textEvent('slow');
    const second = textEvent('fast');
    await h.post(webhook(first, second));
    expect(bot.turns.map((x) => x.text)).toEqual(['slow', 'fast']);
    expect(fake.sends().map((c) => c.body.replyToken)).toEqual([first.replyToken, second.replyToken]);
  });

  it("another user's event is not held up by a slow one", async () => {
    const other = textEvent('fast', { source: { type: 'user', userId: 'Uother' } });
    await h.post(webhook(textEvent('slow'), other));
    expect(fake.sends().map((c) => c.body.replyToken)[0]).toBe(other.replyToken);
  });
});

describe('LINE webhook: redelivery', () => {
  it('an event id seen before is not processed again, redelivered or not', async () => {
    const ev = textEvent('hello');
    await h.post(webhook(ev));
    await h.post(webhook({ ...ev, deliveryContext: { isRedelivery: true } }));
    expect(bot.turns).toHaveLength(1);
    expect(fake.sends()).toHaveLength(1);
  });

  it('a redelivered event not seen before is processed', async () => {
    await h.post(webhook(textEvent('hello', { deliveryContext: { isRedelivery: true } })));
    expect(bot.turns).toHaveLength(1);
  });

  it('remembers across a restart (a new router on the same SQLite file)', async () => {
    const ev = textEvent('hello');
    await h.post(webhook(ev));
    await h.close();
    const again = new FakeBot();
    h = await startHarness({ fake, bot: again, dataDir: h.dataDir });
    await h.post(webhook({ ...ev, deliveryContext: { isRedelivery: true } }));
    expect(again.turns).toEqual([]);
    expect(bot.turns).toHaveLength(1);
    expect(fake.sends()).toHaveLength(1);
  });

  it('the sample payload as it is: the first event is handled, the rest are duplicates', async () => {
    const raw = fs.readFileSync(SAMPLE, 'utf8');
    const res = await h.post(raw);
    expect(res.status).toBe(200);
    expect(bot.turns).toEqual([expect.objectContaining({ kind: 'message', text: 'Hello, world' })]);
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
    expect(fake.calls[0].body).toEqual({ replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA', messages: echoReply('Hello, world') });
  });

  it('the sample events as separate deliveries: each handled once, nothing crashes', async () => {
    const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8')) as { events: Record<string, unknown>[] };
    fake.content.set('354718705033693861', { data: PNG, contentType: 'image/jpeg' });
    const events = sample.events.map((e, i) => ({ ...e, webhookEventId: `sample-${process.pid}-${i}` }));
    expect((await h.post(webhook(...events))).status).toBe(200);
    // text, sticker, follow, postback, file, image (LINE-hosted), redelivered text
    expect(bot.turns.map((x) => x.kind)).toEqual(['message', 'sticker', 'start', 'action', 'file', 'image', 'message']);
    expect(bot.turns[3].action).toBe('action=buyItem&itemId=123123&color=red');
    expect(bot.turns[5].screenshot?.ref).toBe(`${userHash(USER)}/354718705033693861.jpg`);
    expect(bot.forgotten).toEqual([{ channel: 'line', conversationId: USER }]);
    // room image, join and group text share one note per group/room (the sample's events share one
    // reply token, so LINE takes one note as a reply and the other as a push)
    const notes = fake.accepted.filter((c) => String(c.body.messages[0].text).includes(t('en', 'line.groupOnly')));
    expect(notes).toHaveLength(2);
  });
});

describe('LINE webhook: an instance that stops after its 200', () => {
  const inboxRows = (db: Harness['db']) => db.prepare('SELECT id, owner, body FROM event_inbox').all() as { id: string; owner: string; body: string }[];

  it('keeps each event, secrets removed, from its 200 until it is answered', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bot.onHandle = () => gate;
    const ev = textEvent('shopee password: Hunter2!x otp 123456');
    const res = await h.post(webhook(ev), { wait: false });
    expect(res.status).toBe(200);
    const rows = inboxRows(h.db);
    expect(rows.map((r) => r.id)).toEqual([`line:event:${ev.webhookEventId}`]);
    expect(rows[0]!.body).not.toMatch(/Hunter2|123456/);
    expect(JSON.parse(rows[0]!.body).message.text).toBe('shopee password: [password removed] otp [code removed]');
    // The turn itself saw what the seller wrote.
    expect(bot.turns[0]?.text).toBe('shopee password: Hunter2!x otp 123456');
    release();
    await h.router.idle();
    expect(inboxRows(h.db)).toEqual([]);
    expect(fake.accepted).toHaveLength(1);
  });

  /** An event that an instance acknowledged and never answered (it was killed), as the inbox holds it. */
  async function orphan(dataDir: string, event: Record<string, unknown>, receivedAt: number): Promise<void> {
    const db = openDatabase(dataDir);
    const inbox = new SqliteEventInbox(db);
    await inbox.accept(`line:event:${event.webhookEventId}`, JSON.stringify(event), receivedAt, 'killed-instance', 3600);
    db.close();
  }

  it('answers the events of a killed instance, once, from whichever instance is alive', async () => {
    await h.close();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-adopt-'));
    const ev = textEvent('hello again');
    await orphan(dataDir, ev, Date.now());
    h = await startHarness({ fake, bot, dataDir, adoption: { everyMs: 20, aliveMs: 200 } });
    for (let i = 0; i < 100 && fake.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await h.router.idle();
    expect(bot.turns.map((tu) => [tu.text, tu.replayId])).toEqual([['hello again', ev.webhookEventId]]);
    expect(fake.accepted.map((c) => [c.path, c.body.replyToken])).toEqual([['/v2/bot/message/reply', ev.replyToken]]);
    expect(inboxRows(h.db)).toEqual([]);
    // LINE redelivering it now changes nothing: the id is known.
    await h.post(webhook({ ...ev, deliveryContext: { isRedelivery: true } }));
    await new Promise((r) => setTimeout(r, 100));
    expect(bot.turns).toHaveLength(1);
    expect(fake.accepted).toHaveLength(1);
  });

  it('does not push an answer again when the killed instance had already replied with the token', async () => {
    await h.close();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-adopt-'));
    const ev = textEvent('steps');
    await orphan(dataDir, ev, Date.now());
    // The killed instance's reply reached LINE (the token is used) before it died.
    const first = await fetch(`${fake.url}/v2/bot/message/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replyToken: ev.replyToken, messages: [{ type: 'text', text: 'the answer' }] }),
    });
    expect(first.status).toBe(200);
    h = await startHarness({ fake, bot, dataDir, adoption: { everyMs: 20, aliveMs: 200 } });
    for (let i = 0; i < 100 && bot.turns.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await h.router.idle();
    expect(bot.turns).toHaveLength(1);
    // The second reply is refused (token used) and nothing is pushed instead.
    expect(fake.sends().map((c) => c.path)).toEqual(['/v2/bot/message/reply', '/v2/bot/message/reply']);
    expect(fake.accepted).toHaveLength(1);
  });

  it('pushes an old answer with the retry keys of its first attempt, so LINE takes it once', async () => {
    await h.close();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-adopt-'));
    // Past the reply window: the answer goes as pushes. The killed instance had pushed it.
    const ev = textEvent('seven');
    await orphan(dataDir, ev, Date.now() - 120_000);
    h = await startHarness({ fake, bot, dataDir, adoption: { everyMs: 20, aliveMs: 200 } });
    for (let i = 0; i < 100 && bot.turns.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await h.router.idle();
    const firstKeys = fake.accepted.map((c) => c.headers['x-line-retry-key']);
    expect(fake.accepted.every((c) => c.path === '/v2/bot/message/push')).toBe(true);
    expect(firstKeys.length).toBeGreaterThan(1); // seven pictures: several pushes
    // The same event answered again (as after a crash before it left the inbox): same keys, 409, nothing new.
    await h.close();
    const db = openDatabase(dataDir);
    db.prepare('DELETE FROM event_dedup').run();
    db.close();
    await orphan(dataDir, ev, Date.now() - 120_000);
    h = await startHarness({ fake, bot, dataDir, adoption: { everyMs: 20, aliveMs: 200 } });
    for (let i = 0; i < 100 && bot.turns.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await h.router.idle();
    expect(bot.turns).toHaveLength(2);
    const pushes = fake.sends().filter((c) => c.path === '/v2/bot/message/push');
    expect(pushes.map((c) => c.headers['x-line-retry-key'])).toEqual([...firstKeys, ...firstKeys]);
    expect(fake.accepted).toHaveLength(firstKeys.length);
  });
});

describe('LINE delivery', () => {
  it('reply token invalid: the same messages as a push with an X-Line-Retry-Key', async () => {
    fake.plan('/v2/bot/message/reply', { status: 400, body: { message: 'Invalid reply token' } });
    await h.post(webhook(textEvent('hello')));
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply', 'POST /v2/bot/message/push']);
    const push = fake.calls[1];
    expect(push.headers['x-line-retry-key']).toMatch(UUID);
    expect(push.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(push.body).toEqual({ to: USER, messages: echoReply('hello') });
  });

  it('a push that fails with 500 is retried with the same retry key', async () => {
    fake.plan('/v2/bot/message/reply', { status: 400, body: { message: 'Invalid reply token' } });
    fake.plan('/v2/bot/message/push', { status: 500, body: { message: 'Internal error' } }, { status: 502 });
    await h.post(webhook(textEvent('hello')));
    const pushes = fake.calls.filter((c) => c.path === '/v2/bot/message/push');
    expect(pushes).toHaveLength(3);
    expect(new Set(pushes.map((p) => p.headers['x-line-retry-key'])).size).toBe(1);
    expect(pushes[0].headers['x-line-retry-key']).toMatch(UUID);
    // exponential backoff (jitter fixed at its middle in the test)
    expect(h.sleeps).toEqual([500, 1000]);
  });

  it('a retried push answered 409 (already accepted for its key) counts as delivered', async () => {
    fake.plan('/v2/bot/message/reply', { status: 400, body: { message: 'Invalid reply token' } });
    fake.plan('/v2/bot/message/push', { status: 500 }, { status: 409, body: { message: 'The retry key is already accepted' } });
    await h.post(webhook(textEvent('hello'), textEvent('next')));
    const pushes = fake.calls.filter((c) => c.path === '/v2/bot/message/push');
    expect(pushes).toHaveLength(2);
    expect(pushes[0].headers['x-line-retry-key']).toBe(pushes[1].headers['x-line-retry-key']);
    // and the next event goes on normally
    expect(fake.calls.filter((c) => c.path === '/v2/bot/message/reply')).toHaveLength(2);
  });

  it('answers 200 at once, but past maxInFlight only once that request is answered (backpressure)', async () => {
    await h.close();
    h = await startHarness({ fake, bot, maxInFlight: 1, loadingAfterMs: 10_000 });
    const replied = (token: string) => fake.sends().some((c) => c.body.replyToken === token);
    // Nothing in flight: the 200 comes before the slow answer.
    const first = textEvent('slow');
    await h.post(webhook(first), { wait: false });
    expect(replied(first.replyToken as string)).toBe(false);
    // One event in flight: the next 200 waits for its own answer.
    const second = textEvent('slow', { source: { type: 'user', userId: 'U00000000000000000000000000000002' } });
    const res = await h.post(webhook(second), { wait: false });
    expect(res.status).toBe(200);
    expect(replied(second.replyToken as string)).toBe(true);
    await h.router.idle();
    expect(replied(first.replyToken as string)).toBe(true);
  });

  it('a push that times out is retried with the same retry key', async () => {
    await h.close();
    h = await startHarness({ fake, bot, timeoutMs: 200 });
    fake.plan('/v2/bot/message/reply', { status: 400, body: { message: 'Invalid reply token' } });
    fake.plan('/v2/bot/message/push', { status: 200, delayMs: 400 });
    await h.post(webhook(textEvent('hello')));
    const pushes = fake.calls.filter((c) => c.path === '/v2/bot/message/push');
    expect(pushes).toHaveLength(2);
    expect(pushes[0].headers['x-line-retry-key']).toBe(pushes[1].headers['x-line-retry-key']);
  });

  it('a push whose connection drops is retried with the same retry key', async () => {
    fake.plan('/v2/bot/message/reply', { status: 400, body: { message: 'Invalid reply token' } });
    fake.plan('/v2/bot/message/push', { status: 200, drop: true });
    await h.post(webhook(textEvent('hello')));
    const pushes = fake.calls.filter((c) => c.path === '/v2/bot/message/push');
    expect(pushes).toHaveLength(2);
    expect(pushes[0].headers['x-line-retry-key']).toBe(pushes[1].headers['x-line-retry-key']);
    expect(fake.accepted.map((c) => c.path)).toEqual(['/v2/bot/message/push']);
  });

  it('a reply whose connection drops, then whose token is used, counts as delivered (no push)', async () => {
    fake.plan('/v2/bot/message/reply', { status: 200, drop: true }, { status: 400, body: { message: 'Invalid reply token' } });
    await h.post(webhook(textEvent('hello')));
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply', 'POST /v2/bot/message/reply']);
  });

  it('429 waits for Retry-After, then retries', async () => {
    fake.plan('/v2/bot/message/reply', { status: 429, body: { message: 'Too Many Requests' }, headers: { 'Retry-After': '2' } });
    const ev = textEvent('hello');
    await h.post(webhook(ev));
    expect(h.sleeps).toEqual([2000]);
    const replies = fake.calls.filter((c) => c.path === '/v2/bot/message/reply');
    expect(replies.map((r) => r.body.replyToken)).toEqual([ev.replyToken, ev.replyToken]);
  });

  it('gives up after 4 tries and never retries other 4xx', async () => {
    fake.plan('/v2/bot/message/reply', { status: 400, body: { message: 'Invalid reply token' } });
    fake.plan('/v2/bot/message/push', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    await h.post(webhook(textEvent('hello')));
    expect(fake.calls.filter((c) => c.path === '/v2/bot/message/push')).toHaveLength(4);
    fake.reset();
    fake.plan('/v2/bot/message/reply', { status: 403, body: { message: 'forbidden' } });
    await h.post(webhook(textEvent('hello')));
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
  });

  it('reply failing ambiguously, then "invalid reply token": assumed delivered, no push', async () => {
    fake.plan('/v2/bot/message/reply', { status: 500 }, { status: 400, body: { message: 'Invalid reply token' } });
    await h.post(webhook(textEvent('hello')));
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply', 'POST /v2/bot/message/reply']);
  });

  it('LINE refusing the rendering (400): the answer goes again as plain text', async () => {
    fake.plan('/v2/bot/message/reply', { status: 400, body: { message: 'A message (messages[0]) in the request body is invalid' } });
    const ev = textEvent('steps');
    await h.post(webhook(ev));
    const replies = fake.calls.filter((c) => c.path === '/v2/bot/message/reply');
    expect(replies).toHaveLength(2);
    expect(replies[1].body.messages).toEqual([
      {
        type: 'text',
        text: 'Here is how to fix it:\n\nReconnect the store\nSettings > Stores\n1. Open Stores\n2. Press Reconnect\n* Takes a minute\n\nDid this fix it?\n1. Yes, fixed\n2. No\nReply with the number of your choice.',
      },
    ]);
  });

  it('more than 5 messages: 5 in the reply, the rest in pushes of at most 5, each with its own retry key', async () => {
    // 7 pictures with captions: 14 messages
    await h.post(webhook(textEvent('seven')));
    const sends = fake.sends();
    expect(sends.map((c) => c.path)).toEqual(['/v2/bot/message/reply', '/v2/bot/message/push', '/v2/bot/message/push']);
    expect(sends.map((c) => c.body.messages.length)).toEqual([5, 5, 4]);
    expect(sends[1].headers['x-line-retry-key']).toMatch(UUID);
    expect(sends[2].headers['x-line-retry-key']).toMatch(UUID);
    expect(sends[1].headers['x-line-retry-key']).not.toBe(sends[2].headers['x-line-retry-key']);
    expect(sends[1].body.messages.map((m: any) => m.type)).toEqual(['image', 'text', 'image', 'text', 'image']);
    for (const s of sends) expect(s.body.messages.every((m: any) => m.type !== 'image' || m.originalContentUrl.startsWith('https://'))).toBe(true);
  });

  it('processing longer than ~50 s: pushed instead of replied', async () => {
    await h.close();
    h = await startHarness({ fake, bot, useClock: true });
    bot.onHandle = () => {
      h.clock.now += 51_000;
    };
    await h.post(webhook(textEvent('hello')));
    expect(fake.paths()).toEqual(['POST /v2/bot/message/push']);
    expect(fake.calls[0].body).toEqual({ to: USER, messages: echoReply('hello') });
  });

  it('a slow answer shows the loading animation first (50 ms here), then the reply', async () => {
    const ev = textEvent('slow');
    await h.post(webhook(ev));
    expect(fake.paths()).toEqual(['POST /v2/bot/chat/loading/start', 'POST /v2/bot/message/reply']);
    expect(fake.calls[0].body).toEqual({ chatId: USER, loadingSeconds: 20 });
    expect(fake.calls[1].body.replyToken).toBe(ev.replyToken);
  });

  it('a failing loading animation does not stop the answer', async () => {
    fake.plan('/v2/bot/chat/loading/start', { status: 500 });
    await h.post(webhook(textEvent('slow')));
    expect(fake.paths()).toEqual(['POST /v2/bot/chat/loading/start', 'POST /v2/bot/message/reply']);
    expect(h.sleeps).toEqual([]);
  });

  it('uses api-data.line.me for content only with the default API base', () => {
    expect(dataApiBaseUrl('https://api.line.me')).toBe('https://api-data.line.me');
    expect(dataApiBaseUrl('https://api.line.me/')).toBe('https://api-data.line.me');
    expect(dataApiBaseUrl('http://127.0.0.1:9999')).toBe('http://127.0.0.1:9999');
  });
});

describe('LINE webhook: mounting', () => {
  it('refuses to work behind a JSON parser that consumed the signed bytes', async () => {
    const express = (await import('express')).default;
    const { createLineRouter } = await import('../../../src/channels/line/webhook');
    const { SqliteEventDedupStore } = await import('../../../src/storage/event-dedup');
    const { SqliteEventInbox } = await import('../../../src/storage/event-inbox');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(':memory:');
    const { silentLog } = await import('./fake-line-api');
    const router = createLineRouter({
      bot,
      line: { channelSecret: 'x', channelAccessToken: 'y', apiBaseUrl: fake.url },
      dedup: new SqliteEventDedupStore(db),
      inbox: new SqliteEventInbox(db),
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'line-mount-')),
      log: silentLog,
      t,
    });
    const app = express();
    app.use(express.json());
    app.use('/webhooks/line', router);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const body = JSON.stringify(webhook(textEvent('hello')));
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/line`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body, 'x') },
      body,
    });
    server.close();
    expect(res.status).toBe(500);
    expect(bot.turns).toEqual([]);
  });
});
