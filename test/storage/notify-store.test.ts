import Database from 'better-sqlite3';
import type Redis from 'ioredis';
import { connectTestRedis, describeWithRedis, HAVE_REDIS, redisTestUrl } from '../helpers/redis';
import { RedisNotifyStore, SqliteNotifyStore, type NotifyStore } from '../../src/storage/notify-store';

/**
 * The expiry warning's memory, on the embedded SQLite default and on Redis (127.0.0.1:6379 on
 * the team's machines and in CI; elsewhere its half is skipped, the reason printed by the setup).
 */
const REDIS_URL = redisTestUrl(4);
const prefix = `test:${process.pid}:${Date.now()}:`;
let redis: Redis | undefined;

function suite(name: string, stores: () => [NotifyStore, NotifyStore]) {
  it(`${name}: keeps "stop" until the seller turns the warnings on again`, async () => {
    const [a, b] = stores();
    expect(await a.seller('U1')).toEqual({ stopped: false });
    await a.setStopped('U1', true);
    expect(await b.seller('U1')).toEqual({ stopped: true });
    await b.setStopped('U1', false);
    expect((await a.seller('U1')).stopped).toBe(false);
  });

  it(`${name}: remembers the warnings sent and the day each seller was last warned`, async () => {
    const [a, b] = stores();
    expect(await a.sentOf([])).toEqual(new Set());
    expect(await a.sentOf(['k1', 'k2'])).toEqual(new Set());
    await a.setStopped('U1', true);
    await a.recordSent('U1', 'k1', '2026-11-28', 3600);
    expect(await b.sentOf(['k1', 'k2'])).toEqual(new Set(['k1']));
    // The day joins the seller's record without touching "stop".
    expect(await b.seller('U1')).toEqual({ stopped: true, lastWarnedDay: '2026-11-28' });
    await b.recordSent('U1', 'k2', '2026-11-29', 3600);
    expect(await a.seller('U1')).toEqual({ stopped: true, lastWarnedDay: '2026-11-29' });
    expect(await a.sentOf(['k1', 'k2', 'k3'])).toEqual(new Set(['k1', 'k2']));
  });

  it(`${name}: lets one pass hold the lock; its owner extends it, releasing frees it`, async () => {
    const [a, b] = stores();
    expect(await a.lock('pass-A', 60_000)).toBe(true);
    expect(await b.lock('pass-B', 60_000)).toBe(false);
    expect(await a.lock('pass-A', 60_000)).toBe(true); // extended
    await b.unlock('pass-B'); // not B's to release
    expect(await b.lock('pass-B', 60_000)).toBe(false);
    await a.unlock('pass-A');
    expect(await b.lock('pass-B', 60_000)).toBe(true);
    await b.unlock('pass-B');
    const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).lock(`p${i}`, 60_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it(`${name}: a lock whose pass died lapses`, async () => {
    const [a, b] = stores();
    expect(await a.lock('dead', 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(await b.lock('alive', 60_000)).toBe(true);
    await b.unlock('alive');
  });

  it(`${name}: keeps the day of the last finished pass`, async () => {
    const [a, b] = stores();
    expect(await a.lastPassDay()).toBeUndefined();
    await a.setLastPassDay('2026-11-28');
    expect(await b.lastPassDay()).toBe('2026-11-28');
  });
}

describe('notify store on SQLite', () => {
  suite('sqlite', () => {
    const db = new Database(':memory:');
    return [new SqliteNotifyStore(db), new SqliteNotifyStore(db)];
  });

  it('forgets a sent warning once its time is up', async () => {
    let now = Date.parse('2026-11-28T03:00:00Z');
    const store = new SqliteNotifyStore(new Database(':memory:'), () => now);
    await store.recordSent('U1', 'k1', '2026-11-28', 60);
    expect(await store.sentOf(['k1'])).toEqual(new Set(['k1']));
    now += 61_000;
    expect(await store.sentOf(['k1'])).toEqual(new Set());
  });
});

describeWithRedis('notify store on Redis', () => {
  beforeAll(async () => {
    if (HAVE_REDIS) redis = await connectTestRedis(REDIS_URL);
  });
  afterAll(() => redis?.disconnect());

  suite('redis', () => {
    const p = `${prefix}notify:${Math.random()}:`;
    return [new RedisNotifyStore(redis!, p), new RedisNotifyStore(redis!, p)];
  });

  it('lets a sent warning expire on its own', async () => {
    const p = `${prefix}notify:${Math.random()}:`;
    const store = new RedisNotifyStore(redis!, p);
    await store.recordSent('U1', 'k1', '2026-11-28', 1000);
    const ttl = await redis!.ttl(`${p}sent:k1`);
    expect(ttl).toBeGreaterThan(900);
    expect(ttl).toBeLessThanOrEqual(1000);
  });
});
