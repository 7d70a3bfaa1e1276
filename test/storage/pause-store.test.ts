import Database from 'better-sqlite3';
import type Redis from 'ioredis';
import { connectTestRedis, dropTestKeys, describeWithRedis, HAVE_REDIS, redisTestUrl } from '../helpers/redis';
import { RedisPauseStore, SqlitePauseStore, type PauseStore } from '../../src/storage/pause-store';

/**
 * The LINE sellers the bot keeps quiet for: the same behaviour on the embedded SQLite default
 * and on Redis (skipped, with the reason printed by the global setup, without a server on
 * 127.0.0.1:6379). The clock is the test's: a pause ends when it says.
 */
const REDIS_URL = redisTestUrl(14);
const prefix = `test:${process.pid}:${Date.now()}:pause:`;
let redis: Redis | undefined;

beforeAll(async () => {
  if (HAVE_REDIS) redis = await connectTestRedis(REDIS_URL);
});
afterAll(() => dropTestKeys(redis, prefix));

const ALICE = 'U00000000000000000000000000000a11';
const BOB = 'U00000000000000000000000000000b0b';
const HOUR = 3600_000;

function suite(make: (now: () => number) => PauseStore): void {
  let clock = Date.parse('2026-12-07T03:00:00Z');
  const now = () => clock;
  let store: PauseStore;
  beforeEach(() => {
    clock = Date.parse('2026-12-07T03:00:00Z');
    store = make(now);
  });

  it('pauses a seller until a time, tells it, and lists who is paused and by whom', async () => {
    expect(await store.pausedUntil(ALICE)).toBeUndefined();
    const until = new Date(clock + 24 * HOUR);
    await store.pause(ALICE, until, 'chat hand-over');
    await store.pause(BOB, new Date(clock + 2 * HOUR), 'line:pause (somchai)');
    expect(await store.pausedUntil(ALICE)).toEqual(until);
    expect(await store.list()).toEqual([
      { lineUserId: BOB, until: new Date(clock + 2 * HOUR), by: 'line:pause (somchai)', since: new Date(clock) },
      { lineUserId: ALICE, until, by: 'chat hand-over', since: new Date(clock) },
    ]);
  });

  it('a new pause replaces the earlier one', async () => {
    await store.pause(ALICE, new Date(clock + 24 * HOUR), 'chat hand-over');
    await store.pause(ALICE, new Date(clock + HOUR), 'line:pause');
    expect(await store.pausedUntil(ALICE)).toEqual(new Date(clock + HOUR));
    expect((await store.list()).map((p) => p.by)).toEqual(['line:pause']);
  });

  it('lifting ends the pause at once, and says whether there was one', async () => {
    await store.pause(ALICE, new Date(clock + HOUR), 'x');
    expect(await store.lift(ALICE)).toBe(true);
    expect(await store.pausedUntil(ALICE)).toBeUndefined();
    expect(await store.lift(ALICE)).toBe(false);
    expect(await store.lift(BOB)).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('a pause is over when its time has come', async () => {
    await store.pause(ALICE, new Date(clock + HOUR), 'x');
    clock += HOUR - 1;
    expect(await store.pausedUntil(ALICE)).toEqual(new Date(Date.parse('2026-12-07T04:00:00Z')));
    clock += 1;
    expect(await store.pausedUntil(ALICE)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.lift(ALICE)).toBe(false);
    // A pause set in the past pauses nobody.
    await store.pause(BOB, new Date(clock - 1), 'x');
    expect(await store.pausedUntil(BOB)).toBeUndefined();
  });
}

describe('pause store: sqlite', () => {
  suite((now) => new SqlitePauseStore(new Database(':memory:'), now));

  it('forgets ended pauses as new ones are set', async () => {
    let clock = 1_000_000;
    const db = new Database(':memory:');
    const store = new SqlitePauseStore(db, () => clock);
    await store.pause(ALICE, new Date(clock + 10), 'x');
    clock += 20;
    await store.pause(BOB, new Date(clock + 10), 'x');
    expect(db.prepare('SELECT line_user_id FROM line_pause').all()).toEqual([{ line_user_id: BOB }]);
  });

  it('two handles on one file (the bot and npm run line:pause) see each other\'s pauses', async () => {
    const db = new Database(':memory:');
    const [bot, command] = [new SqlitePauseStore(db), new SqlitePauseStore(db)];
    await command.pause(ALICE, new Date(Date.now() + HOUR), 'line:pause');
    expect(await bot.pausedUntil(ALICE)).toBeDefined();
    await command.lift(ALICE);
    expect(await bot.pausedUntil(ALICE)).toBeUndefined();
  });
});

describeWithRedis('pause store: redis', () => {
  suite((now) => new RedisPauseStore(redis!, `${prefix}${Math.random()}:`, now));

  it('the key expires with the pause (nothing to sweep)', async () => {
    const p = `${prefix}${Math.random()}:`;
    const store = new RedisPauseStore(redis!, p);
    await store.pause(ALICE, new Date(Date.now() + 60_000), 'x');
    const ttl = await redis!.pttl(`${p}${ALICE}`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
