import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Redis from 'ioredis';
import { openDatabase } from '../../src/storage/sqlite';
import { RedisRichMenuStore, SqliteRichMenuStore, type RichMenuStore } from '../../src/storage/richmenu-store';
import { connectTestRedis, dropTestKeys, HAVE_REDIS, redisTestUrl } from '../helpers/redis';

/** The record of published rich menus and of each seller's menu, on both back ends. */
let redis: Redis | undefined;
const prefix = `test:richmenu:${process.pid}:`;

beforeAll(async () => {
  if (HAVE_REDIS) redis = await connectTestRedis(redisTestUrl(15));
});
afterAll(() => dropTestKeys(redis, prefix));

const backends: [string, () => RichMenuStore][] = [
  ['SQLite', () => new SqliteRichMenuStore(openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'menus-'))))],
  ['Redis', () => new RedisRichMenuStore(redis!, `${prefix}${Math.random()}:`)],
];

describe.each(backends)('rich menu store (%s)', (name, make) => {
  const maybe = name === 'Redis' && !HAVE_REDIS ? it.skip : it;

  maybe('keeps each menu key\'s current menu and the menus it still has to retire', async () => {
    const store = make();
    expect(await store.get('linked-th')).toEqual({ retired: [] });
    await store.put('linked-th', { current: { id: 'rm-2', version: 'v2' }, retired: ['rm-1'] });
    await store.put('unlinked-en', { current: { id: 'rm-3', version: 'v1' }, retired: [] });
    expect(await store.get('linked-th')).toEqual({ current: { id: 'rm-2', version: 'v2' }, retired: ['rm-1'] });
    await store.put('linked-th', { current: { id: 'rm-2', version: 'v2' }, retired: [] });
    expect((await store.get('linked-th')).retired).toEqual([]);
    expect(await store.keys()).toEqual(['linked-th', 'unlinked-en']);
  });

  maybe('remembers the menu each seller was given', async () => {
    const store = make();
    expect(await store.sellerMenu('U1')).toBeUndefined();
    await store.setSellerMenu('U1', 'linked-en');
    await store.setSellerMenu('U2', 'unlinked-en');
    await store.setSellerMenu('U1', 'linked-th');
    expect(await store.sellerMenu('U1')).toBe('linked-th');
    expect(await store.sellerMenu('U2')).toBe('unlinked-en');
  });
});
