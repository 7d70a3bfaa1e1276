import Database from 'better-sqlite3';
import type Redis from 'ioredis';
import { connectTestRedis, HAVE_REDIS, redisTestUrl } from '../helpers/redis';
import { SqliteBurstStore, type BurstStore } from '../../src/storage/burst-store';
import { RedisBurstStore } from '../../src/storage/redis-burst-store';

/** The burst store on both back ends: the SQLite default and Redis (skipped without a server). */
let redis: Redis | undefined;
const prefix = `test:${process.pid}:${Date.now()}:burst:`;
const backends: { name: string; make: () => [BurstStore, BurstStore] }[] = [
  {
    name: 'sqlite',
    make: () => {
      const db = new Database(':memory:');
      return [new SqliteBurstStore(db), new SqliteBurstStore(db)];
    },
  },
  {
    name: 'redis',
    make: () => {
      const p = `${prefix}${Math.random()}:`;
      return [new RedisBurstStore(redis!, p), new RedisBurstStore(redis!, p)];
    },
  },
];

beforeAll(async () => {
  if (HAVE_REDIS) redis = await connectTestRedis(redisTestUrl(14));
});
afterAll(() => redis?.disconnect());

describe.each(backends.filter((b) => b.name === 'sqlite' || HAVE_REDIS))('burst store ($name)', ({ make }) => {
  it('tells the newest untaken piece and whether a piece is kept', async () => {
    const [a, b] = make();
    await a.add('c1', { id: 'e1', text: 'ร้านลาซาด้า', at: 1000 });
    await b.add('c1', { id: 'e2', text: 'เชื่อมไม่ได้', at: 1500 });
    await a.add('c1', { id: 'e2', text: 'repeat', at: 9999 });
    await a.add('c2', { id: 'x', text: 'other chat', at: 1600 });
    expect(await b.position('c1', 'e1')).toEqual({ mine: { takenBy: undefined }, newest: { id: 'e2', text: 'เชื่อมไม่ได้', at: 1500 } });
    expect(await a.position('c1', 'nope')).toEqual({ mine: undefined, newest: { id: 'e2', text: 'เชื่อมไม่ได้', at: 1500 } });
    expect(await a.position('empty', 'e1')).toEqual({ mine: undefined, newest: undefined });
  });

  it('lets a piece take the pieces before it, once, and gives the taker the same pieces again', async () => {
    const [a, b] = make();
    await a.add('c', { id: 'e1', text: 'one', at: 1 });
    await a.add('c', { id: 'e2', text: 'two', at: 2 });
    await b.add('c', { id: 'e3', text: 'three', at: 3 });
    const [first, second] = await Promise.all([a.take('c', 'e2'), b.take('c', 'e2')]);
    expect(first.map((f) => f.text)).toEqual(['one', 'two']);
    expect(second).toEqual(first);
    expect(await a.position('c', 'e1')).toEqual({ mine: { takenBy: 'e2' }, newest: { id: 'e3', text: 'three', at: 3 } });
    expect((await b.take('c', 'e3')).map((f) => f.text)).toEqual(['three']);
    expect((await a.position('c', 'e3')).newest).toBeUndefined();
    expect(await a.take('c', 'unknown')).toEqual([]);
  });
});
