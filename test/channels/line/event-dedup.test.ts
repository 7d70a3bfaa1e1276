import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventDedupStore } from '../../../src/storage/event-dedup';
import { openDatabase } from '../../../src/storage/sqlite';

describe('SqliteEventDedupStore', () => {
  it('claims an id once, and again only after it expired', async () => {
    let now = 1_000_000;
    const store = new SqliteEventDedupStore(new Database(':memory:'), () => now);
    expect(await store.claim('e1', 60)).toBe(true);
    expect(await store.claim('e1', 60)).toBe(false);
    expect(await store.claim('e2', 60)).toBe(true);
    now += 59_000;
    expect(await store.claim('e1', 60)).toBe(false);
    now += 1_000;
    expect(await store.claim('e1', 60)).toBe(true);
    // claimed again: for another ttl
    now += 59_000;
    expect(await store.claim('e1', 60)).toBe(false);
  });

  it('sweeps expired rows now and then while claiming', async () => {
    let now = 0;
    const db = new Database(':memory:');
    const store = new SqliteEventDedupStore(db, () => now);
    for (let i = 0; i < 50; i++) await store.claim(`old${i}`, 1);
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM event_dedup').get() as { n: number }).n;
    expect(count()).toBe(50);
    now += 11 * 60 * 1000;
    await store.claim('fresh', 3600);
    expect(count()).toBe(1);
  });

  it('survives a restart: the ids are in the SQLite file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dedup-'));
    const first = openDatabase(dir);
    expect(await new SqliteEventDedupStore(first).claim('line:event:abc', 3600)).toBe(true);
    first.close();
    const second = openDatabase(dir);
    const store = new SqliteEventDedupStore(second);
    expect(await store.claim('line:event:abc', 3600)).toBe(false);
    expect(await store.claim('line:event:def', 3600)).toBe(true);
    second.close();
  });
});
