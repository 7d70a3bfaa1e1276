import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Redis from 'ioredis';
import { openDatabase, type Db } from '../../src/storage/sqlite';
import { SqliteOutbox, type CreateOptions, type DeliveryRecords, type Outbox } from '../../src/escalation/outbox';
import { RedisOutbox } from '../../src/escalation/redis-outbox';
import { newTicketId, TICKET_PATTERN } from '../../src/escalation/ticket';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { sampleCase, SECRETS } from './case-fixture';

const HOUR = 3600;
const opts: CreateOptions = { reuseWindowSeconds: 24 * HOUR, maxPerWindow: 3, windowSeconds: 24 * HOUR };
const REDIS_URL = redisTestUrl(14);

let dir: string;
let db: Db;
let clock: number;
const now = () => clock;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-test-'));
  db = openDatabase(dir);
  clock = Date.parse('2026-03-01T00:00:00Z');
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('newTicketId', () => {
  it('is short, readable and free of I, L, O and U', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newTicketId()));
    expect(ids.size).toBeGreaterThan(1990);
    for (const id of ids) expect(id).toMatch(TICKET_PATTERN);
    expect([...ids].join('')).not.toMatch(/[ILOU]/);
  });
});

type TestOutbox = Outbox & DeliveryRecords;
interface Backend {
  make(newId?: () => string): TestOutbox;
  /** Everything the backend stored, as text, to look for secrets. */
  dump(): Promise<string>;
}

/** One suite, two implementations: the embedded SQLite outbox and the Redis/BullMQ one. */
function outboxSuite(backendOf: () => Backend): void {  let backend: Backend;
  beforeEach(() => {
    backend = backendOf();
  });

  it('files a case as pending, stored redacted but with the reply address and identifiers intact', async () => {
    const outbox = backend.make();
    const r = await outbox.create(sampleCase(), opts);
    expect(r).toEqual({ ticket: expect.stringMatching(TICKET_PATTERN), existing: false, limited: false });
    const rec = (await outbox.get(r.ticket))!;
    expect(rec.status).toBe('pending');
    expect(rec.case.contactEmail).toBe('seller@example.com');
    expect(rec.case.userRef).toBe('line:U4af4980629f8a1b2c3d4e5f6a7b8c9d0');
    expect(rec.case.articlesTried[0]!.title).toBe('Lazada: PASSWORD_NOT_MATCH');
    const raw = await backend.dump();
    for (const s of SECRETS) expect(raw).not.toContain(s);
    expect(raw).toContain('[password removed]');
  });

  it('forgets a case on request, and purges the cases done with that were filed before a date', async () => {
    const outbox = backend.make();
    const old = await outbox.create(sampleCase(), opts);
    const oldPending = await outbox.create(sampleCase({ userKey: 'web:pending', platforms: ['shopee'] }), opts);
    await outbox.markSent(old.ticket, new Date(clock));
    clock += 100 * 24 * HOUR * 1000;
    const recent = await outbox.create(sampleCase({ userKey: 'web:recent' }), opts);
    await outbox.markSent(recent.ticket, new Date(clock));
    expect(await outbox.purgeBefore(new Date(clock - 90 * 24 * HOUR * 1000))).toBe(1);
    expect(await outbox.get(old.ticket)).toBeUndefined();
    // Still waiting to be mailed: never purged; sent recently: kept.
    expect(await outbox.get(oldPending.ticket)).toBeDefined();
    expect(await outbox.get(recent.ticket)).toBeDefined();
    expect(await outbox.forget(recent.ticket)).toBe(true);
    expect(await outbox.get(recent.ticket)).toBeUndefined();
    expect(await outbox.ticketsOf('web:recent', new Date(0), 10)).toEqual([]);
    expect(await outbox.forget(recent.ticket)).toBe(false);
  });

  it('gives the same ticket back to a seller who asks again within the window', async () => {
    const outbox = backend.make();
    const first = await outbox.create(sampleCase(), opts);
    clock += 23 * HOUR * 1000;
    expect(await outbox.create(sampleCase(), opts)).toEqual({ ticket: first.ticket, existing: true, limited: false });
    // Another seller is not affected.
    expect((await outbox.create(sampleCase({ userKey: 'web:other' }), opts)).existing).toBe(false);
    clock += 2 * HOUR * 1000;
    const later = await outbox.create(sampleCase(), opts);
    expect(later.existing).toBe(false);
    expect(later.ticket).not.toBe(first.ticket);
    expect((await outbox.stats()).pending).toBe(3);
  });

  it('files a second problem of the seller within the window as a new ticket, and gives back the ticket of each on asking again', async () => {
    const outbox = backend.make();
    const lazada = await outbox.create(sampleCase(), opts);
    clock += HOUR * 1000;
    const shopee = { platforms: ['shopee' as const], errorCodes: [], articlesTried: [{ topic: 'shopee-otp-not-received', title: 'Shopee OTP', outcome: 'not fixed' as const }] };
    const second = await outbox.create(sampleCase(shopee), opts);
    expect(second).toEqual({ ticket: expect.stringMatching(TICKET_PATTERN), existing: false, limited: false });
    expect(second.ticket).not.toBe(lazada.ticket);
    expect((await outbox.get(second.ticket))!.case.platforms).toEqual(['shopee']);
    expect((await outbox.stats()).pending).toBe(2);
    // Asking again about either finds its own ticket; the order of the lists does not matter.
    expect(await outbox.create(sampleCase(shopee), opts)).toEqual({ ticket: second.ticket, existing: true, limited: false });
    expect(await outbox.create(sampleCase(), opts)).toEqual({ ticket: lazada.ticket, existing: true, limited: false });
    // "A person, please" again, about nothing in particular: the latest open ticket.
    expect(await outbox.create(sampleCase({ platforms: [], errorCodes: [], articlesTried: [] }), opts)).toEqual({ ticket: second.ticket, existing: true, limited: false });
    expect((await outbox.stats()).pending).toBe(2);
  });

  it('answers the same request filed again (its instance died before answering) as new, with the same ticket', async () => {
    const outbox = backend.make();
    const first = await outbox.create(sampleCase({ requestKey: 'ev-9f-1' }), opts);
    expect(first.existing).toBe(false);
    expect(await outbox.create(sampleCase({ requestKey: 'ev-9f-1' }), opts)).toEqual({ ticket: first.ticket, existing: false, limited: false });
    // Another message of the seller asking again: the open ticket, as "already open".
    expect(await outbox.create(sampleCase({ requestKey: 'ev-9f-2' }), opts)).toEqual({ ticket: first.ticket, existing: true, limited: false });
    expect(await outbox.create(sampleCase(), opts)).toEqual({ ticket: first.ticket, existing: true, limited: false });
    expect((await outbox.stats()).pending).toBe(1);
  });

  it('does not offer a failed ticket again', async () => {
    const outbox = backend.make();
    const first = await outbox.create(sampleCase(), opts);
    await outbox.markFailed(first.ticket, '550 no such mailbox');
    const again = await outbox.create(sampleCase(), opts);
    expect(again.existing).toBe(false);
    expect(again.ticket).not.toBe(first.ticket);
  });

  it('limits new tickets per seller and queues nothing beyond the limit', async () => {
    const outbox = backend.make();
    // Short reuse window so each request would be a new ticket.
    const o = { reuseWindowSeconds: 60, maxPerWindow: 3, windowSeconds: 24 * HOUR };
    const tickets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await outbox.create(sampleCase(), o);
      expect(r.limited).toBe(false);
      tickets.push(r.ticket);
      clock += 2 * 60_000;
    }
    const r4 = await outbox.create(sampleCase(), o);
    expect(r4).toEqual({ ticket: tickets[2], existing: false, limited: true });
    expect((await outbox.stats()).pending).toBe(3);
    // Other sellers still get tickets; the seller again once the window has passed.
    expect((await outbox.create(sampleCase({ userKey: 'web:other' }), o)).limited).toBe(false);
    clock += 24 * HOUR * 1000;
    expect((await outbox.create(sampleCase(), o)).limited).toBe(false);
  });

  it('records retries, sent and failed; a late retry or failure never undoes a final outcome', async () => {
    const outbox = backend.make();
    const a = await outbox.create(sampleCase({ userKey: 'a' }), opts);
    const b = await outbox.create(sampleCase({ userKey: 'b' }), opts);
    clock += 5_000;
    expect(await outbox.stats()).toMatchObject({ pending: 2, sent: 0, failed: 0, oldestPendingAgeSeconds: 5 });
    await outbox.markRetry(a.ticket, 'ECONNREFUSED password: Hunter2!', new Date(clock + 30_000));
    const rec = (await outbox.get(a.ticket))!;
    expect(rec).toMatchObject({ status: 'pending', nextAttemptAt: new Date(clock + 30_000) });
    expect(rec.lastError).toContain('ECONNREFUSED');
    expect(rec.lastError).not.toContain('Hunter2');
    await outbox.markFailed(b.ticket, '550 rejected');
    await outbox.markSent(a.ticket, new Date(clock + 31_000));
    await outbox.markRetry(a.ticket, 'late', new Date(clock));
    await outbox.markFailed(a.ticket, 'late');
    await outbox.markRetry(b.ticket, 'late', new Date(clock));
    expect(await outbox.get(a.ticket)).toMatchObject({ status: 'sent', sentAt: new Date(clock + 31_000) });
    expect(await outbox.get(b.ticket)).toMatchObject({ status: 'failed', lastError: '550 rejected' });
    expect(await outbox.stats()).toEqual({ pending: 0, sending: 0, sent: 1, failed: 1, oldestPendingAgeSeconds: 0 });
    // A slow sender whose claim had lapsed did get it out after all: that is the truth to record.
    await outbox.markSent(b.ticket, new Date(clock + 40_000));
    expect(await outbox.get(b.ticket)).toMatchObject({ status: 'sent' });
    expect(await outbox.stats()).toMatchObject({ sent: 2, failed: 0 });
    expect(await outbox.get('BS-NOPE00')).toBeUndefined();
  });

  it('draws a new ticket number on a collision', async () => {
    const ids = ['BS-AAAAAA', 'BS-AAAAAA', 'BS-BBBBBB'];
    const outbox = backend.make(() => ids.shift()!);
    expect((await outbox.create(sampleCase({ userKey: 'a' }), opts)).ticket).toBe('BS-AAAAAA');
    expect((await outbox.create(sampleCase({ userKey: 'b' }), opts)).ticket).toBe('BS-BBBBBB');
  });

  it("lists a seller's own tickets, newest first, with what became of each: those filed after `since`, at most `limit`", async () => {
    const outbox = backend.make();
    const firstAt = clock;
    const first = await outbox.create(sampleCase({ userKey: 'line:U1' }), opts);
    clock += HOUR * 1000;
    const shopee = { platforms: ['shopee' as const], errorCodes: ['OTP_TIMEOUT'], articlesTried: [], contactEmail: 'pim.shop@gmail.com' };
    const second = await outbox.create(sampleCase({ userKey: 'line:U1', ...shopee }), opts);
    const theirs = await outbox.create(sampleCase({ userKey: 'web:other' }), opts);
    await outbox.markSent(first.ticket, new Date(clock + 5_000));
    await outbox.markFailed(theirs.ticket, '550 rejected');
    const monthAgo = new Date(clock - 30 * 24 * HOUR * 1000);
    expect(await outbox.ticketsOf('line:U1', monthAgo, 10)).toEqual([
      { ticket: second.ticket, status: 'pending', createdAt: new Date(clock).toISOString(), attempts: 0, platforms: ['shopee'], errorCodes: ['OTP_TIMEOUT'], contactEmail: 'pim.shop@gmail.com' },
      {
        ticket: first.ticket,
        status: 'sent',
        createdAt: new Date(firstAt).toISOString(),
        sentAt: new Date(clock + 5_000).toISOString(),
        attempts: 0,
        platforms: ['lazada'],
        errorCodes: ['PASSWORD_NOT_MATCH'],
        contactEmail: 'seller@example.com',
      },
    ]);
    expect((await outbox.ticketsOf('line:U1', new Date(firstAt), 10)).map((t) => t.ticket)).toEqual([second.ticket]);
    expect((await outbox.ticketsOf('line:U1', monthAgo, 1)).map((t) => t.ticket)).toEqual([second.ticket]);
    expect(await outbox.ticketsOf('web:other', monthAgo, 10)).toMatchObject([{ ticket: theirs.ticket, status: 'failed' }]);
    expect(await outbox.ticketsOf('line:U404', monthAgo, 10)).toEqual([]);
  });

  it("keeps a ticket on the seller's list for 30 days, past the reuse and rate-limit windows", async () => {
    const outbox = backend.make();
    const old = await outbox.create(sampleCase(), opts);
    clock += 10 * 24 * HOUR * 1000;
    // Filing again drops what the reuse window and the rate limit no longer need; not the list.
    const recent = await outbox.create(sampleCase(), opts);
    const listed = await outbox.ticketsOf('web:seller-1', new Date(clock - 30 * 24 * HOUR * 1000), 10);
    expect(listed.map((t) => t.ticket)).toEqual([recent.ticket, old.ticket]);
  });

}

describe('SqliteOutbox', () => {
  outboxSuite(() => ({
    make: (newId) => new SqliteOutbox(db, now, newId),
    dump: async () => JSON.stringify(db.prepare('SELECT * FROM escalation_outbox').all()),
  }));
})

describeWithRedis('RedisOutbox', () => {
  let redis: Redis;
  let prefix: string;
  const made: RedisOutbox[] = [];
  beforeAll(async () => {
    redis = await connectTestRedis(REDIS_URL);
  });
  beforeEach(() => {
    prefix = `test:outbox:${process.pid}:${Math.random()}:`;
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((o) => o.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(() => redis?.disconnect());
  const make = (newId?: () => string) => {
    const o = new RedisOutbox(redis, { now, newId, prefix, queuePrefix: `${prefix}bull` });
    made.push(o);
    return o;
  };

  outboxSuite(() => ({
    make,
    dump: async () => {
      const keys = await redis.keys(`${prefix}*`);
      const parts: string[] = [];
      for (const k of keys) {
        const type = await redis.type(k);
        if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(k)));
        else if (type === 'string') parts.push((await redis.get(k)) ?? '');
      }
      return parts.join('\n');
    },
  }));

  it("keeps the seller's list of tickets as long as the tickets' records", async () => {
    const outbox = make();
    await outbox.create(sampleCase(), opts);
    expect(await redis.ttl(`${prefix}u:web:seller-1`)).toBeGreaterThan(29 * 24 * HOUR);
  });

  it("leaves the bot's own connection free of BullMQ's scripts (queued on a connection of its own)", async () => {
    const outbox = make();
    await outbox.create(sampleCase({ userKey: 'scripts' }), opts);
    expect(await outbox.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    // ioredis copies every script defined on a connection onto each pipeline it builds; the bot
    // auto-pipelines, so BullMQ's sixty-odd scripts there cost CPU on every tick. (scriptsSet is
    // ioredis's own record of them.)
    expect(Object.keys((redis as unknown as { scriptsSet: object }).scriptsSet)).toEqual([]);
  });

  it('queues each new ticket once as a BullMQ job, and again only when the job was lost', async () => {
    const outbox = make();
    const a = await outbox.create(sampleCase({ userKey: 'a' }), opts);
    await outbox.create(sampleCase({ userKey: 'a' }), opts); // the same ticket again: no second job
    expect(await outbox.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect((await outbox.queue.getJob(a.ticket))?.data).toEqual({ ticket: a.ticket });
    // The instance died between filing and queueing: the job is missing.
    await (await outbox.queue.getJob(a.ticket))!.remove();
    expect(await outbox.requeueUndelivered(60_000)).toBe(0); // too recent: its instance may still queue it
    clock += 61_000;
    expect(await outbox.requeueUndelivered(60_000)).toBe(1);
    expect(await outbox.requeueUndelivered(60_000)).toBe(0);
    expect(await outbox.queue.getJobState(a.ticket)).toBe('waiting');
    // A delivered ticket is never queued again.
    await outbox.markSent(a.ticket, new Date(clock));
    await (await outbox.queue.getJob(a.ticket))!.remove();
    expect(await outbox.requeueUndelivered(0)).toBe(0);
  });

  it('claims a ticket for sending and counts attempts, never once it is final', async () => {
    const outbox = make();
    const { ticket } = await outbox.create(sampleCase(), opts);
    expect(await outbox.claim(ticket, new Date(clock))).toMatchObject({ ticket, attempts: 1 });
    await outbox.markRetry(ticket, 'ECONNREFUSED', new Date(clock + 30_000));
    // The seller's list tells a ticket waiting after a failed try from one never tried.
    expect(await outbox.ticketsOf('web:seller-1', new Date(0), 10)).toMatchObject([{ ticket, status: 'pending', attempts: 1 }]);
    expect(await outbox.claim(ticket, new Date(clock))).toMatchObject({ ticket, attempts: 2 });
    await outbox.markSent(ticket, new Date(clock));
    expect(await outbox.claim(ticket, new Date(clock))).toBeUndefined();
    expect(await outbox.totals()).toEqual({ sent: 1, retried: 1, failed: 0 });
  });

  it('lets only one of many concurrent requests from one seller pass the limit', async () => {
    const outbox = make();
    const o = { reuseWindowSeconds: 0, maxPerWindow: 2, windowSeconds: 24 * HOUR };
    const results = await Promise.all(Array.from({ length: 10 }, () => make().create(sampleCase(), o)));
    expect(results.filter((r) => !r.limited)).toHaveLength(2);
    expect((await outbox.stats()).pending).toBe(2);
  });
});

describe('SqliteOutbox claims', () => {
  it('claims due items once, and again only after the lease expired', async () => {
    const outbox = new SqliteOutbox(db, now);
    const { ticket } = await outbox.create(sampleCase(), opts);
    const lease = 120_000;
    const [item] = await outbox.claimDue(new Date(clock), 10, lease);
    expect(item).toMatchObject({ ticket, attempts: 1 });
    expect(item!.case.problem).toContain('ร้าน Lazada');
    expect((await outbox.get(ticket))!.status).toBe('sending');
    // Claimed: nobody else gets it while the lease holds.
    expect(await outbox.claimDue(new Date(clock + lease - 1), 10, lease)).toEqual([]);
    // The claimer died: due again after the lease.
    const [again] = await outbox.claimDue(new Date(clock + lease), 10, lease);
    expect(again).toMatchObject({ ticket, attempts: 2 });
    expect(await outbox.stats()).toMatchObject({ pending: 0, sending: 1 });
  });

  it('respects the next attempt time and records sent and failed', async () => {
    const outbox = new SqliteOutbox(db, now);
    const a = await outbox.create(sampleCase({ userKey: 'a' }), opts);
    const b = await outbox.create(sampleCase({ userKey: 'b' }), opts);
    const claimed = await outbox.claimDue(new Date(clock), 10, 60_000);
    expect(claimed.map((i) => i.ticket).sort()).toEqual([a.ticket, b.ticket].sort());
    await outbox.markRetry(a.ticket, 'ECONNREFUSED password: Hunter2!', new Date(clock + 30_000));
    await outbox.markFailed(b.ticket, '550 rejected');
    expect(await outbox.claimDue(new Date(clock + 29_999), 10, 60_000)).toEqual([]);
    const rec = (await outbox.get(a.ticket))!;
    expect(rec).toMatchObject({ status: 'pending', attempts: 1 });
    expect(rec.lastError).not.toContain('Hunter2');
    // The seller's list tells a ticket waiting after a failed try from one never tried.
    expect(await outbox.ticketsOf('a', new Date(0), 10)).toMatchObject([{ ticket: a.ticket, status: 'pending', attempts: 1 }]);
    const [due] = await outbox.claimDue(new Date(clock + 30_000), 10, 60_000);
    expect(due!.ticket).toBe(a.ticket);
    await outbox.markSent(a.ticket, new Date(clock + 31_000));
    // A late retry or failure never undoes a sent mail.
    await outbox.markRetry(a.ticket, 'late', new Date(clock));
    await outbox.markFailed(a.ticket, 'late');
    expect((await outbox.get(a.ticket))!).toMatchObject({ status: 'sent', sentAt: new Date(clock + 31_000) });
    expect(await outbox.stats()).toEqual({ pending: 0, sending: 0, sent: 1, failed: 1, oldestPendingAgeSeconds: 0 });
  });

  it('reports the age of the oldest undelivered case', async () => {
    const outbox = new SqliteOutbox(db, now);
    await outbox.create(sampleCase({ userKey: 'a' }), opts);
    clock += 90_000;
    await outbox.create(sampleCase({ userKey: 'b' }), opts);
    await outbox.claimDue(new Date(clock), 1, 60_000);
    clock += 10_000;
    expect(await outbox.stats()).toMatchObject({ pending: 1, sending: 1, oldestPendingAgeSeconds: 100 });
  });

  it('survives closing and reopening the database file', async () => {
    const outbox = new SqliteOutbox(db, now);
    const r = await outbox.create(sampleCase(), opts);
    await outbox.claimDue(new Date(clock), 1, 60_000);
    db.close();
    db = openDatabase(dir);
    const reopened = new SqliteOutbox(db, now);
    expect((await reopened.get(r.ticket))!.status).toBe('sending');
    expect((await reopened.create(sampleCase(), opts)).existing).toBe(true);
    const [item] = await reopened.claimDue(new Date(clock + 60_000), 1, 60_000);
    expect(item).toMatchObject({ ticket: r.ticket, attempts: 2 });
    expect(item!.case.contactEmail).toBe('seller@example.com');
  });
});
