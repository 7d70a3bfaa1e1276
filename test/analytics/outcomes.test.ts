import Database from 'better-sqlite3';
import type Redis from 'ioredis';
import { OutcomeRecords } from '../../src/analytics/outcome-records';
import { SqliteOutcomeStore, type OutcomeStore } from '../../src/storage/outcome-store';
import { RedisOutcomeStore } from '../../src/storage/redis-outcome-store';
import type { Logger } from '../../src/logger';
import { RecordingChannel } from '../conversation/recording-channel';
import { toSummary } from '../helpers/handover-walk';
import { connectTestRedis, dropTestKeys, describeWithRedis, HAVE_REDIS, redisTestUrl } from '../helpers/redis';

/**
 * Outcome records written by the core's events as conversations are played through BotService,
 * finalised by the job a day later, and read back as the report: the same on SQLite and Redis.
 */
const HOUR = 3600_000;
const REDIS_URL = redisTestUrl(5);
const prefix = `test:${process.pid}:${Date.now()}:outcomes:`;
let redis: Redis | undefined;

beforeAll(async () => {
  if (HAVE_REDIS) redis = await connectTestRedis(REDIS_URL);
});
afterAll(() => dropTestKeys(redis, prefix));

const quiet = { warn: () => undefined, info: () => undefined } as unknown as Logger;

function suite(makeStore: (run: number) => OutcomeStore): void {
  let run = 0;
  let clock: number;
  let records: OutcomeRecords;
  let store: OutcomeStore;

  beforeEach(() => {
    clock = Date.parse('2026-12-01T03:00:00Z');
    store = makeStore(run++);
    records = new OutcomeRecords({ store, log: quiet, retentionDays: 90, now: () => new Date(clock) });
  });

  /** A seller's chat whose turns are recorded, on the shared clock. */
  function chat(id: string): RecordingChannel {
    const ch = new RecordingChannel(id);
    ch.clock = clock;
    ch.recorded = (turn, events, context) => records.record(turn, events, context);
    return ch;
  }

  async function later(ms: number, ...chats: RecordingChannel[]): Promise<void> {
    clock += ms;
    for (const c of chats) c.clock = clock;
    await records.idle();
  }

  it('counts confirmed and assumed resolution apart, hand-overs and misses, per topic, once a day has passed', async () => {
    const fixed = chat('fixed');
    await fixed.send('ร้าน shopee หมดอายุ ต้องทำยังไง');
    await fixed.press('feedback:yes');
    const silent = chat('silent');
    await silent.send('my lazada login says PASSWORD_NOT_MATCH');
    const handed = chat('handed');
    await handed.send('ร้าน shopee หมดอายุ ต้องทำยังไง');
    await handed.press('feedback:no');
    await handed.press('feedback:no');
    await toSummary(handed, 'somchai.shop@gmail.com');
    await handed.press('handover:confirm');
    const offTopic = chat('off-topic');
    await offTopic.send('how do I print shipping labels');
    const vague = chat('vague');
    await vague.send('เชื่อมต่อร้านไม่ได้ค่ะ');
    await later(HOUR, fixed, silent, handed, offTopic, vague);

    // Before the day has passed, nothing is assumed: the answered conversation is still open.
    const early = await records.report(7);
    expect(early).toMatchObject({ conversations: 5, open: 3, resolutionRate: { confirmed: 0.2, assumed: 0 }, handoverRate: 0.2 });

    await later(25 * HOUR);
    expect(await records.finaliseIdle()).toBe(5);
    const report = await records.report(7);
    expect(report).toMatchObject({
      conversations: 5,
      open: 0,
      resolutionRate: { confirmed: 0.2, assumed: 0.2 },
      handoverRate: 0.2,
      csat: { count: 0, average: null },
    });
    const topic = (id: string) => report.topics.find((t) => t.topic === id);
    expect(topic('connection-expired')).toMatchObject({ answered: 2, resolved: 1, handedOver: 1 });
    expect(topic('lazada-password-not-match')).toMatchObject({ answered: 1, assumed: 1 });
    expect(report.failing[0]).toMatchObject({ topic: expect.any(String), handedOver: 1 });
    expect(report.channels).toEqual([expect.objectContaining({ channel: 'test', conversations: 5 })]);
    expect(report.perDay.reduce((n, d) => n + d.conversations, 0)).toBe(5);
    // "The last 7 days" are 7 of the team's days, today the last: one bar each.
    expect(report.perDay.map((d) => d.day)).toEqual(['2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(report.period.days).toBe(7);
    expect(report.perDay.find((d) => d.day === '2026-12-01')).toMatchObject({ conversations: 5, confirmed: 1, assumed: 1, handedOver: 1 });

    // The misses: off-topic, asked for more, and the article that was followed by "not fixed".
    const episodes = await records.episodes(7);
    const misses = episodes.flatMap((e) => e.misses);
    expect(misses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'none', text: 'how do I print shipping labels' }),
        expect.objectContaining({ kind: 'ask-more', text: 'เชื่อมต่อร้านไม่ได้ค่ะ' }),
        expect.objectContaining({ kind: 'not-fixed', topic: 'connection-expired', text: 'ร้าน shopee หมดอายุ ต้องทำยังไง', candidates: expect.arrayContaining(['connection-expired']) }),
      ]),
    );
    expect(episodes.find((e) => e.id.startsWith('test:fixed@'))?.misses).toEqual([]);
    // Around a miss, the seller's words and presses as the transcript has them, and the bot's acts.
    const notFixed = misses.find((m) => m.kind === 'not-fixed')!;
    expect(notFixed.context).toEqual(
      expect.arrayContaining([
        { at: expect.any(String), seller: 'ร้าน shopee หมดอายุ ต้องทำยังไง', bot: ['answer:connection-expired', 'ask-feedback'] },
        expect.objectContaining({ seller: '[ยังไม่ได้]', bot: expect.arrayContaining(['ask-feedback']) }),
      ]),
    );
  });

  it('records the topic chosen at "did you mean", or none of these', async () => {
    const picked = chat('picked');
    await picked.send('shopee connect ไม่ได้ ขึ้น error authorization failed ค่ะ');
    const offered = (await picked.state())!.offered.filter((c) => c.action.startsWith('topic:'));
    await picked.press(offered[0]!.action);
    const none = chat('none');
    await none.send('shopee connect ไม่ได้ ขึ้น error authorization failed ค่ะ');
    await none.press('none-of-these');
    await later(HOUR);
    const misses = (await records.episodes(1)).flatMap((e) => e.misses.filter((m) => m.kind === 'clarify'));
    expect(misses.map((m) => [m.episode.split('@')[0], m.chosen]).sort()).toEqual([
      ['test:none', null],
      ['test:picked', offered[0]!.action.slice('topic:'.length)],
    ]);
    expect(misses[0]!.candidates.length).toBeGreaterThan(1);
  });

  it('keeps no secret and no contact detail the seller typed', async () => {
    const ch = chat('secret');
    await ch.send('lazada login fails, my password is Sunflower#2020 and my phone 081-234-5678');
    await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ อีเมล ploy.shop@gmail.com');
    await later(HOUR);
    const stored = JSON.stringify(await store.started(new Date(0), new Date(clock + 1)));
    expect(stored).toContain('lazada login fails');
    for (const secret of ['Sunflower', '081-234-5678', '0812345678', 'ploy.shop']) expect(stored).not.toContain(secret);
  });

  it('a conversation that goes on after being finalised is opened again', async () => {
    // The app forgets a conversation after a day of silence; a turn just at the edge still counts.
    const turn = { channel: 'test' as const, conversationId: 'again', userId: 'u1', kind: 'message' as const, at: new Date(clock).toISOString() };
    const context = { startedAt: turn.at, acts: ['answer:connection-expired' as const] };
    records.record(turn, [{ type: 'answered', topic: 'connection-expired' }], context);
    await later(25 * HOUR);
    expect(await records.finaliseIdle()).toBe(1);
    expect((await records.episodes(7))[0]).toMatchObject({ outcome: 'assumed', final: true });
    records.record({ ...turn, kind: 'action', at: new Date(clock).toISOString() }, [{ type: 'resolved', topic: 'connection-expired' }], { ...context, acts: ['resolved'] });
    await later(HOUR);
    expect((await records.episodes(7))[0]).toMatchObject({ outcome: 'resolved', final: false });
    expect(await records.finaliseIdle()).toBe(0);
  });

  it('deletes records older than the retention limit, and a conversation\'s records on request', async () => {
    const old = chat('old');
    await old.send('my lazada login says PASSWORD_NOT_MATCH');
    await later(89 * 24 * HOUR);
    const recent = chat('recent');
    await recent.send('ร้าน shopee หมดอายุ ต้องทำยังไง');
    await later(2 * 24 * HOUR);
    expect(await records.purge()).toBe(1);
    expect((await records.episodes(365)).map((e) => e.id.split('@')[0])).toEqual(['test:recent']);
    expect(await store.forgetConversation('test:recent')).toBe(1);
    expect(await records.episodes(365)).toEqual([]);
  });
}

describe('outcome records on SQLite', () => {
  suite(() => new SqliteOutcomeStore(new Database(':memory:')));
});

describeWithRedis('outcome records on Redis', () => {
  suite((run) => new RedisOutcomeStore(redis!, `${prefix}${run}:`));
});
