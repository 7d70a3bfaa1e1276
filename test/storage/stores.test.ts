import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type Redis from 'ioredis';
import { sleep, waitFor } from '../helpers/smtp';
import { connectTestRedis, dropTestKeys, describeWithRedis, HAVE_REDIS, redisTestUrl } from '../helpers/redis';
import { newState } from '../../src/conversation/state';
import type { ConversationStore } from '../../src/storage/conversation-store';
import { SqliteConversationStore } from '../../src/storage/conversation-store';
import { KEEP_ACTIVITIES, SqliteDirectLineStore, type DirectLineStore } from '../../src/storage/directline-store';
import { RedisConversationStore, RedisDirectLineStore, RedisEventDedupStore, RedisEventInbox } from '../../src/storage/redis';
import { SqliteEventInbox, type EventInbox } from '../../src/storage/event-inbox';
import { SqliteEventDedupStore, type EventDedupStore } from '../../src/storage/event-dedup';
import { RedisLinkStore, SqliteLinkStore, type LinkStore } from '../../src/storage/link-store';
import { RedisSecretSource, SqliteSecretSource, type SecretSource } from '../../src/storage/secrets';

/**
 * One suite, two implementations: the embedded SQLite default and the shared Redis one.
 * Redis runs on 127.0.0.1:6379 on the team's machines and in CI; elsewhere its half is skipped.
 */
const REDIS_URL = redisTestUrl(15);

type Backend = {
  name: string;
  conversations: () => ConversationStore;
  directLine: () => DirectLineStore;
  /** Two handles on the same Direct Line storage, as two instances would have. */
  directLines: () => [DirectLineStore, DirectLineStore];
  links: () => LinkStore;
  dedup: () => EventDedupStore;
  /** Two handles on the same storage, as two instances would have. */
  secrets: () => [SecretSource, SecretSource];
  inboxes: () => [EventInbox, EventInbox];
};

const prefix = `test:${process.pid}:${Date.now()}:`;
let redis: Redis | undefined;
const backends: Backend[] = [
  {
    name: 'sqlite',
    conversations: () => new SqliteConversationStore(new Database(':memory:')),
    directLine: () => new SqliteDirectLineStore(new Database(':memory:')),
    directLines: () => {
      const db = new Database(':memory:');
      return [new SqliteDirectLineStore(db), new SqliteDirectLineStore(db)];
    },
    links: () => new SqliteLinkStore(new Database(':memory:')),
    dedup: () => new SqliteEventDedupStore(new Database(':memory:')),
    secrets: () => {
      const db = new Database(':memory:');
      db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      return [new SqliteSecretSource(db), new SqliteSecretSource(db)];
    },
    inboxes: () => {
      const db = new Database(':memory:');
      return [new SqliteEventInbox(db), new SqliteEventInbox(db)];
    },
  },
  {
    name: 'redis',
    conversations: () => new RedisConversationStore(redis!, `${prefix}state:${Math.random()}:`),
    directLine: () => new RedisDirectLineStore(redis!, `${prefix}dl:${Math.random()}:`),
    directLines: () => {
      const p = `${prefix}dl:${Math.random()}:`;
      return [new RedisDirectLineStore(redis!, p), new RedisDirectLineStore(redis!, p)];
    },
    links: () => new RedisLinkStore(redis!, `${prefix}line:${Math.random()}:`),
    dedup: () => new RedisEventDedupStore(redis!, `${prefix}once:${Math.random()}:`),
    secrets: () => {
      const p = `${prefix}secret:${Math.random()}:`;
      return [new RedisSecretSource(redis!, p), new RedisSecretSource(redis!, p)];
    },
    inboxes: () => {
      const p = `${prefix}inbox:${Math.random()}:`;
      return [new RedisEventInbox(redis!, p), new RedisEventInbox(redis!, p)];
    },
  },
];

beforeAll(async () => {
  if (HAVE_REDIS) redis = await connectTestRedis(REDIS_URL);
});
afterAll(() => dropTestKeys(redis, prefix));

function suite(backend: Backend): void {

  it('keeps, replaces and forgets conversation state', async () => {
    const store = backend.conversations();
    expect(await store.get('web:c1')).toBeUndefined();
    const s = { ...newState('2026-11-28T10:00:00Z'), misses: 1 };
    await store.set('web:c1', s, 60);
    expect(await store.get('web:c1')).toEqual(s);
    await store.set('web:c1', { ...s, misses: 2 }, 60);
    expect((await store.get('web:c1'))?.misses).toBe(2);
    await store.delete('web:c1');
    expect(await store.get('web:c1')).toBeUndefined();
  });

  it('keeps the transcript apart from the state: appended, its last lines kept, gone with the conversation', async () => {
    const store = backend.conversations();
    const line = (i: number) => ({ from: i % 2 ? ('bot' as const) : ('user' as const), text: `line ${i} ภาษาไทย`, at: `2026-11-28T10:00:${String(i % 60).padStart(2, '0')}Z` });
    const s = { ...newState('2026-11-28T10:00:00Z'), transcript: [line(0)] };
    await store.set('web:t1', s, 60, [line(0), line(1)]);
    expect((await store.get('web:t1'))?.transcript).toEqual([]); // the state goes without its lines
    await store.set('web:t1', s, 60, [line(2)]);
    await store.set('web:t1', s, 60); // a turn without lines
    expect(await store.transcript('web:t1')).toEqual([line(0), line(1), line(2)]);
    await store.set('web:t1', s, 60, Array.from({ length: 120 }, (_, i) => line(3 + i)));
    const kept = await store.transcript('web:t1');
    expect(kept).toHaveLength(100);
    expect(kept[0]).toEqual(line(23));
    expect(kept[99]).toEqual(line(122));
    expect(await store.transcript('web:other')).toEqual([]);
    await store.delete('web:t1');
    expect(await store.transcript('web:t1')).toEqual([]);
  });

  it('does not let a caller\'s changes to a state it read, and did not save, reach the next reader', async () => {
    const store = backend.conversations();
    await store.set('web:own', { ...newState('2026-11-28T10:00:00Z'), tried: ['a'] }, 60);
    const read = await store.get('web:own');
    read!.tried.push('b');
    read!.misses = 7;
    expect(await store.get('web:own')).toMatchObject({ tried: ['a'], misses: 0 });
  });

  it('expires idle conversation state', async () => {
    const store = backend.conversations();
    await store.set('web:short', newState('2026-11-28T10:00:00Z'), 1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await store.get('web:short')).toBeUndefined();
  });

  it('numbers Direct Line activities in order and pages by watermark', async () => {
    const dl = backend.directLine();
    await dl.createConversation({ conversationId: 'c1', userId: 'u1', accountId: 'A1', createdAt: '2026-11-28T10:00:00Z' });
    expect(await dl.getConversation('c1')).toMatchObject({ userId: 'u1', accountId: 'A1' });
    expect(await dl.getConversation('nope')).toBeUndefined();
    const a = await dl.appendActivity('c1', { type: 'message', text: 'one', channelData: { steps: { notes: [], images: [] } } });
    const b = await dl.appendActivity('c1', { type: 'message', text: 'สอง' });
    expect([a.watermark, b.watermark]).toEqual([1, 2]);
    const all = await dl.listActivities('c1', 0);
    expect(all.activities.map((x) => x.text)).toEqual(['one', 'สอง']);
    expect(all.activities[0]).toMatchObject({ id: a.id, channelData: { steps: { notes: [], images: [] } } });
    expect(all.watermark).toBe(2);
    expect(await dl.listActivities('c1', 2)).toEqual({ activities: [], watermark: 2 });
  });

  it('tells the watchers of a conversation, on every handle, when an activity is added to it, until they stop', async () => {
    const [one, two] = backend.directLines();
    try {
      await toldOfAdditions(one, two);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  async function toldOfAdditions(one: DirectLineStore, two: DirectLineStore): Promise<void> {
    const seen: string[] = [];
    const stopOne = one.watch('c1', () => seen.push('one'));
    two.watch('c1', () => seen.push('two'));
    two.watch('c2', () => seen.push('c2'));
    // Redis subscribes in the background and looks once more when subscribed.
    await sleep(300);
    seen.length = 0;
    await two.appendActivity('c1', { type: 'message', text: 'hi' });
    await waitFor('both handles told', () => seen.includes('one') && seen.includes('two'), 3000);
    stopOne();
    await sleep(100);
    seen.length = 0;
    await one.appendActivity('c1', { type: 'message', text: 'again' });
    await waitFor('the other handle told', () => seen.includes('two'), 3000);
    await sleep(100);
    expect(seen).toEqual(['two']);
  }

  it('links a LINE user with a single-use nonce bound to the user its link token was issued for', async () => {
    const links = backend.links();
    await links.rememberLinkToken('lt1', 'U-alice', 600);
    expect(await links.issueNonce('unknown', 'A1', 600)).toBeUndefined();
    const nonce = (await links.issueNonce('lt1', 'A1', 600))!;
    expect(nonce).toMatch(/^[\w-]{20,}$/);
    expect(await links.issueNonce('lt1', 'A1', 600)).toBeUndefined(); // link token used up
    expect(await links.consumeNonce(nonce, 'U-mallory')).toBeUndefined(); // foreign user
    expect(await links.consumeNonce(nonce, 'U-alice')).toBeUndefined(); // and now it is gone
    await links.rememberLinkToken('lt2', 'U-alice', 600);
    const fresh = (await links.issueNonce('lt2', 'A1', 600))!;
    expect(await links.consumeNonce(fresh, 'U-alice')).toBe('A1');
    expect(await links.consumeNonce(fresh, 'U-alice')).toBeUndefined(); // replay
    await links.link('U-alice', 'A1');
    expect(await links.accountOf('U-alice')).toBe('A1');
    expect(await links.unlink('U-alice')).toBe(true);
    expect(await links.accountOf('U-alice')).toBeUndefined();
  });

  it('lists the linked LINE users with their accounts, a page at a time', async () => {
    const links = backend.links();
    const all = async () => {
      const out: { lineUserId: string; accountId: string }[] = [];
      for await (const s of links.linkedSellers(2)) out.push(s);
      return out.sort((x, y) => x.lineUserId.localeCompare(y.lineUserId));
    };
    expect(await all()).toEqual([]);
    for (const [u, a] of [['U-a', 'A1'], ['U-b', 'A2'], ['U-c', 'A3'], ['U-d', 'A4'], ['U-e', 'A5']]) await links.link(u!, a!);
    await links.link('U-b', 'A9'); // linked again, to another account
    expect(await links.unlink('U-c')).toBe(true);
    expect(await links.unlink('U-c')).toBe(false);
    expect(await all()).toEqual([
      { lineUserId: 'U-a', accountId: 'A1' },
      { lineUserId: 'U-b', accountId: 'A9' },
      { lineUserId: 'U-d', accountId: 'A4' },
      { lineUserId: 'U-e', accountId: 'A5' },
    ]);
  });

  it('lets exactly one of many concurrent claims of a webhook event id win', async () => {
    const dedup = backend.dedup();
    const wins = await Promise.all(Array.from({ length: 20 }, () => dedup.claim('evt-1', 60)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await dedup.claim('evt-2', 60)).toBe(true);
  });

  it('keeps an accepted event until it is done, accepting its id once', async () => {
    const [a] = backend.inboxes();
    const wins = await Promise.all(Array.from({ length: 10 }, () => a.accept('line:event:e1', '{"n":1}', 1000, 'A', 60)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await a.accept('line:event:e2', '{"n":2}', 1001, 'A', 60)).toBe(true);
    await a.done(['line:event:e2']);
    // Done: the body is gone, the id is still refused.
    expect(await a.accept('line:event:e2', '{"n":2}', 1002, 'A', 60)).toBe(false);
    const [, b] = backend.inboxes();
    expect(await b.adoptOrphans('B', 60_000)).toEqual([]); // another storage: nothing shared
  });

  it('hands the events of an instance that stopped beating to a live one, once, oldest first', async () => {
    const [a, b] = backend.inboxes();
    await a.adoptOrphans('A', 300); // A is alive for 300 ms
    await a.accept('line:event:x2', 'two\nlines', 2000, 'A', 60);
    await a.accept('line:event:x1', '{"text":"ก"}', 1000, 'A', 60);
    await a.accept('line:event:x3', 'three', 3000, 'A', 60);
    await a.done(['line:event:x3']);
    expect(await b.adoptOrphans('B', 60_000)).toEqual([]); // A is alive: its events stay its own
    await new Promise((r) => setTimeout(r, 400));
    const [first, second] = await Promise.all([b.adoptOrphans('B', 60_000), b.adoptOrphans('C', 60_000)]);
    const adopted = [...first, ...second];
    expect(adopted).toEqual([
      { id: 'line:event:x1', body: '{"text":"ก"}', receivedAt: 1000 },
      { id: 'line:event:x2', body: 'two\nlines', receivedAt: 2000 },
    ]);
    // B and C are alive and hold them now: nobody takes them again, A included.
    expect(await a.adoptOrphans('A', 60_000)).toEqual([]);
  });

  it('lets the events of an instance that stopped gracefully be adopted at once', async () => {
    const [a, b] = backend.inboxes();
    await a.adoptOrphans('A', 60_000);
    await a.accept('line:event:y1', 'y', 1000, 'A', 60);
    expect(await b.adoptOrphans('B', 60_000)).toEqual([]);
    await a.release('A');
    expect((await b.adoptOrphans('B', 60_000)).map((e) => e.id)).toEqual(['line:event:y1']);
  });

  it('draws a signing secret once and gives every instance the same one', async () => {
    const [a, b] = backend.secrets();
    const [first, second] = await Promise.all([a.load('directline-token'), b.load('directline-token')]);
    expect(first).toMatch(/^[\w-]{40,}$/);
    expect(second).toBe(first);
    expect(await b.load('link-confirm')).not.toBe(first);
  });

  it('gives unique numbers to concurrent writers and keeps the last activities only', async () => {
    const dl = backend.directLine();
    await dl.createConversation({ conversationId: 'c2', userId: 'u', createdAt: '2026-11-28T10:00:00Z' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => dl.appendActivity('c2', { type: 'message', text: String(i) })));
    expect(new Set(results.map((r) => r.watermark)).size).toBe(50);
    for (let i = 0; i < KEEP_ACTIVITIES; i++) await dl.appendActivity('c2', { type: 'message', text: `x${i}` });
    const kept = await dl.listActivities('c2', 0);
    expect(kept.activities).toHaveLength(KEEP_ACTIVITIES);
    expect(kept.watermark).toBe(50 + KEEP_ACTIVITIES);
  });
}

describe('sqlite stores', () => {
  suite(backends[0]);

  it('takes over the transcript of a database kept one line per row by an earlier version', async () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE conversation_transcript (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, line TEXT NOT NULL)`);
    const line = (i: number) => ({ from: 'user' as const, text: `เก่า ${i}`, at: `2026-11-28T10:00:0${i}Z` });
    const insert = db.prepare('INSERT INTO conversation_transcript (key, line) VALUES (?, ?)');
    for (const i of [0, 1, 2]) insert.run(i === 1 ? 'web:other' : 'web:m', JSON.stringify(line(i)));
    const store = new SqliteConversationStore(db);
    await store.set('web:m', newState('2026-11-28T10:01:00Z'), 60, [line(3)]);
    expect(await store.transcript('web:m')).toEqual([line(0), line(2), line(3)]);
    expect(await store.transcript('web:other')).toEqual([line(1)]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'conversation_transcript'").get()).toBeUndefined();
    new SqliteConversationStore(db); // opening it again changes nothing
    expect(await store.transcript('web:m')).toHaveLength(3);
  });

  it('keeps no state in memory that SQLite could not save', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'state-')), 'bot.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 0');
    const store = new SqliteConversationStore(db);
    const saved = { ...newState('2026-11-28T10:00:00Z'), tried: ['saved'] };
    await store.set('web:r', saved, 60);
    // Another connection holds the write lock: the next save fails at once.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    // Compared by message: better-sqlite3's native part makes its errors with the SqliteError
    // class of the first test file that loaded it, from another realm when jest runs several.
    const failure = await store.set('web:r', { ...saved, tried: ['not saved'] }, 60).then(() => 'saved', (e: { message?: string }) => e.message);
    expect(failure).toMatch(/locked|busy/i);
    other.exec('ROLLBACK');
    other.close();
    expect((await store.get('web:r'))?.tried).toEqual(['saved']);
    db.close();
  });
});
describeWithRedis('redis stores', () => {
  suite(backends[1]);

  it('indexes the links stored before the index existed, once, and drops index entries whose link is gone', async () => {
    const p = `${prefix}line:${Math.random()}:`;
    // What an earlier version wrote: the link keys alone.
    await redis!.set(`${p}account:U-old-1`, 'A1');
    await redis!.set(`${p}account:U-old-2`, 'A2');
    const links = new RedisLinkStore(redis!, p);
    await links.link('U-new', 'A3');
    const listed = async () => {
      const out: string[] = [];
      for await (const s of links.linkedSellers()) out.push(`${s.lineUserId}=${s.accountId}`);
      return out.sort();
    };
    expect(await listed()).toEqual(['U-new=A3', 'U-old-1=A1', 'U-old-2=A2']);
    expect(await redis!.get(`${p}linked:indexed`)).toBe('1');
    // A link removed behind the index's back (an earlier version's unlink) is dropped as it is met.
    await redis!.del(`${p}account:U-old-2`);
    expect(await listed()).toEqual(['U-new=A3', 'U-old-1=A1']);
    expect(await redis!.sismember(`${p}linked`, 'U-old-2')).toBe(0);
  });

  it('subscribes again when a subscription to a conversation failed, while it is watched', async () => {
    const p = `${prefix}dl:${Math.random()}:`;
    let failures = 0;
    // The watching store's subscriber refuses its first SUBSCRIBE (as during an outage).
    const parent = {
      duplicate: (opts: object) => {
        const sub = redis!.duplicate(opts);
        const subscribe = sub.subscribe.bind(sub) as (channel: string) => Promise<unknown>;
        Object.assign(sub, { subscribe: (channel: string) => (failures++ === 0 ? Promise.reject(new Error('refused')) : subscribe(channel)) });
        return sub;
      },
    } as unknown as Redis;
    const warnings: string[] = [];
    const watching = new RedisDirectLineStore(parent, p, { warn: (_o, msg) => warnings.push(msg ?? ''), info: () => undefined }, 50);
    const writer = new RedisDirectLineStore(redis!, p);
    try {
      let told = 0;
      watching.watch('c1', () => told++);
      await waitFor('a second subscription', () => failures >= 2, 3000);
      await sleep(100);
      told = 0;
      await writer.appendActivity('c1', { type: 'message', text: 'hi' });
      await waitFor('told of the activity', () => told > 0, 3000);
      expect(warnings).toEqual([expect.stringMatching(/could not subscribe/)]);
    } finally {
      await Promise.all([watching.close(), writer.close()]);
    }
  });
});
