import Database from 'better-sqlite3';
import type Redis from 'ioredis';
import { KEEP_ACTIVITIES, RETENTION_DAYS, SqliteDirectLineStore, type DirectLineStore } from '../../src/storage/directline-store';
import { RedisDirectLineStore } from '../../src/storage/redis';
import { connectTestRedis, describeWithRedis, HAVE_REDIS, redisTestUrl } from '../helpers/redis';

/**
 * The Direct Line stores remember the client ids of the seller's messages
 * (channelData.clientActivityID) for as long as the conversation, and claim one atomically with
 * adding the activity, so a message posted twice is stored once on either back end.
 */

const prefix = `test:dl-client-ids:${process.pid}:${Date.now()}:`;
let redis: Redis | undefined;
beforeAll(async () => {
  if (HAVE_REDIS) redis = await connectTestRedis(redisTestUrl(15));
});
afterAll(async () => {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const user = (text: string, clientActivityID?: string) => ({
  type: 'message',
  from: { id: 'u', role: 'user' },
  text,
  ...(clientActivityID ? { channelData: { clientActivityID } } : {}),
});

function suite(make: () => [DirectLineStore, DirectLineStore]): void {
  it('adds a client id once, answering a repeat with the first id, also for writers racing on two handles', async () => {
    const [one, two] = make();
    await one.createConversation({ conversationId: 'c', userId: 'u', createdAt: new Date().toISOString() });
    const first = await one.appendActivity('c', user('a', 'id-1'));
    expect(first).toEqual({ id: 'c|0000001', watermark: 1 });
    expect(await two.appendActivity('c', user('a again', 'id-1'))).toEqual({ id: 'c|0000001', watermark: 1, repeated: true });
    const raced = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).appendActivity('c', user('b', 'id-2'))));
    expect(new Set(raced.map((r) => r.id))).toEqual(new Set(['c|0000002']));
    expect(raced.filter((r) => !r.repeated)).toHaveLength(1);
    // The bot's activities and messages without an id are never taken for repeats.
    expect((await one.appendActivity('c', { type: 'message', from: { role: 'bot' }, channelData: { clientActivityID: 'id-1' } })).repeated).toBeUndefined();
    expect((await one.appendActivity('c', user('no id'))).repeated).toBeUndefined();
    expect((await one.appendActivity('c', user('no id'))).repeated).toBeUndefined();
    const { activities } = await one.listActivities('c', 0);
    expect(activities.map((a) => a.text)).toEqual(['a', 'b', undefined, 'no id', 'no id']);
    // Another conversation has ids of its own.
    expect(await one.appendActivity('d', user('x', 'id-1'))).toEqual({ id: 'd|0000001', watermark: 1 });
  });

  it('remembers an id after its activity was trimmed from the history', async () => {
    const [store] = make();
    await store.createConversation({ conversationId: 'long', userId: 'u', createdAt: new Date().toISOString() });
    await store.appendActivity('long', user('first', 'early'));
    for (let i = 0; i < KEEP_ACTIVITIES + 5; i++) await store.appendActivity('long', { type: 'typing', from: { role: 'bot' } });
    expect((await store.listActivities('long', 0)).activities.some((a) => a.text === 'first')).toBe(false);
    expect(await store.appendActivity('long', user('first', 'early'))).toEqual({ id: 'long|0000001', watermark: 1, repeated: true });
  });
}

describe('SqliteDirectLineStore client ids', () => {
  suite(() => {
    const db = new Database(':memory:');
    return [new SqliteDirectLineStore(db), new SqliteDirectLineStore(db)];
  });

  it('forgets the ids with their conversation', async () => {
    let clock = new Date('2026-11-01T00:00:00Z');
    const store = new SqliteDirectLineStore(new Database(':memory:'), { now: () => clock });
    await store.createConversation({ conversationId: 'old', userId: 'u', createdAt: clock.toISOString() });
    await store.appendActivity('old', user('a', 'kept-while-the-conversation-is'));
    clock = new Date(clock.getTime() + (RETENTION_DAYS - 1) * 24 * 3600 * 1000);
    expect(await store.sweep(clock)).toBe(0);
    expect((await store.appendActivity('old', user('a', 'kept-while-the-conversation-is'))).repeated).toBe(true);
    expect(await store.sweep(new Date(clock.getTime() + (RETENTION_DAYS + 1) * 24 * 3600 * 1000))).toBe(1);
    // The conversation is gone, and the id with it: nothing claims it any more.
    expect((await store.appendActivity('old', user('a', 'kept-while-the-conversation-is'))).repeated).toBeUndefined();
  });
});

describeWithRedis('RedisDirectLineStore client ids', () => {
  suite(() => {
    const p = `${prefix}${Math.random()}:`;
    return [new RedisDirectLineStore(redis!, p), new RedisDirectLineStore(redis!, p)];
  });

  it('keeps the ids as long as the conversation: the same expiry, renewed by activity', async () => {
    const p = `${prefix}${Math.random()}:`;
    const store = new RedisDirectLineStore(redis!, p);
    await store.createConversation({ conversationId: 'c', userId: 'u', createdAt: new Date().toISOString() });
    await store.appendActivity('c', user('a', 'ttl'));
    await redis!.expire(`${p}c:clients`, 10);
    await store.appendActivity('c', { type: 'typing', from: { role: 'bot' } });
    const [clients, meta] = await Promise.all([redis!.ttl(`${p}c:clients`), redis!.ttl(`${p}c:meta`)]);
    expect(clients).toBeGreaterThan(RETENTION_DAYS * 24 * 3600 - 60);
    expect(Math.abs(clients - meta)).toBeLessThan(5);
  });
});
