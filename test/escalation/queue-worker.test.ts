import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Redis from 'ioredis';
import { QueueMailWorker, type QueueMailWorkerOptions } from '../../src/escalation/queue-worker';
import { RedisOutbox } from '../../src/escalation/redis-outbox';
import { createOpts, deliveryFor } from '../helpers/mail-delivery';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { startSmtp, waitFor, type TestSmtp } from '../helpers/smtp';
import { sampleCase, SECRETS } from './case-fixture';

/** The BullMQ mail worker on the test Redis, against a real SMTP server in this process. */
const REDIS_URL = redisTestUrl(11);

describeWithRedis('QueueMailWorker (BullMQ)', () => {
  let redis: Redis;
  let prefix: string;
  let outbox: RedisOutbox;
  let dataDir: string;
  const workers: QueueMailWorker[] = [];
  const servers: TestSmtp[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis(REDIS_URL);
  });
  beforeEach(() => {
    prefix = `test:qw:${process.pid}:${Math.random()}:`;
    outbox = new RedisOutbox(redis, { prefix, queuePrefix: `${prefix}bull` });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-worker-test-'));
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await outbox.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(() => redis?.disconnect());

  async function smtp(opts: Parameters<typeof startSmtp>[0] = {}) {
    const s = await startSmtp(opts);
    servers.push(s);
    return s;
  }
  function worker(port: number, over: Partial<QueueMailWorkerOptions> = {}) {
    const { options, entries } = deliveryFor(dataDir, port);
    const w = new QueueMailWorker({ outbox, redisUrl: REDIS_URL, deliver: true, ...options, pollMs: 50, ...over });
    workers.push(w);
    return { w, entries };
  }

  it('sends at most maxPerHour mails an hour; the rest wait in the queue, none dropped', async () => {
    const server = await smtp();
    for (const userKey of ['a', 'b', 'c', 'd']) await outbox.create(sampleCase({ userKey }), createOpts);
    const { w } = worker(server.port, { maxPerHour: 2 });
    w.start();
    await waitFor('two mails', () => server.received.length === 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(server.received).toHaveLength(2);
    expect(await outbox.stats()).toMatchObject({ sent: 2, pending: 2, failed: 0 });
  });

  it('mails a queued hand-over once, without secrets, and records it as sent', async () => {
    const server = await smtp();
    const { ticket } = await outbox.create(sampleCase(), createOpts);
    const { w } = worker(server.port);
    w.start();
    await waitFor('the mail', () => server.received.length === 1);
    const { mail, rcpt } = server.received[0]!;
    expect(rcpt).toEqual(['support@bigseller.com']);
    expect(mail.subject).toContain(ticket);
    for (const s of SECRETS) expect(`${mail.subject}\n${mail.text}`).not.toContain(s);
    let status: string | undefined;
    await waitFor('sent', () => {
      void outbox.get(ticket).then((r) => (status = r?.status));
      return status === 'sent';
    });
    await w.refresh();
    expect(await outbox.get(ticket)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(w.stats).toMatchObject({ pending: 0, sending: 0, sent: 1, failed: 0 });
    expect(w.isStuck()).toBe(false);
    // The same ticket queued again (a requeue race) is not mailed twice.
    await outbox.enqueue(ticket);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.received).toHaveLength(1);
  });

  it('retries a temporary refusal with backoff until the server takes the mail', async () => {
    const server = await smtp({ rejectRcpt: (n) => (n <= 2 ? { code: 451, message: 'try again later' } : undefined) });
    const { ticket } = await outbox.create(sampleCase(), createOpts);
    const { w, entries } = worker(server.port);
    w.start();
    await waitFor('the mail', () => server.received.length === 1);
    await waitFor('sent', () => entries.some((e) => e.msg === 'escalation mailed to support'));
    expect(await outbox.get(ticket)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(entries.filter((e) => e.level === 'warn' && e.msg?.includes('will retry'))).toHaveLength(2);
    expect(await outbox.totals()).toEqual({ sent: 1, retried: 2, failed: 0 });
  });

  it('fails a permanent rejection at once, loudly, and does not retry it', async () => {
    const server = await smtp({ rejectRcpt: () => ({ code: 550, message: 'no such mailbox' }) });
    const { ticket } = await outbox.create(sampleCase(), createOpts);
    const { w, entries } = worker(server.port);
    w.start();
    await waitFor('the failure', () => entries.some((e) => e.level === 'error' && e.msg?.startsWith('ESCALATION NOT DELIVERED')));
    await new Promise((r) => setTimeout(r, 300));
    expect(server.attempts.rcpt).toBe(1);
    expect(await outbox.get(ticket)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('550') });
    await w.refresh();
    expect(w.isStuck()).toBe(true);
  });

  it('a watcher with mail waiting and no worker connected says so in the error log', async () => {
    const { w, entries } = worker(1, { deliver: false });
    // Filed two minutes ago.
    const earlier = new RedisOutbox(redis, { prefix, queuePrefix: `${prefix}bull`, now: () => Date.now() - 120_000 });
    await earlier.create(sampleCase(), createOpts);
    await earlier.close();
    await w.refresh();
    expect(w.workers).toBe(0);
    expect(entries.filter((e) => e.level === 'error' && e.msg?.includes('no mail worker is connected'))).toHaveLength(1);
    // Said once, not on every refresh.
    await w.refresh();
    expect(entries.filter((e) => e.msg?.includes('no mail worker is connected'))).toHaveLength(1);
    // A worker on the queue is seen (and then there is nothing to say).
    worker(1).w.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(await outbox.queue.getWorkersCount()).toBeGreaterThan(0);
  });

  it('leaves queued mail for the next worker when stopped, and a watcher never sends', async () => {
    const server = await smtp();
    const watcher = worker(server.port, { deliver: false }).w;
    watcher.start();
    const tickets = [];
    for (const userKey of ['a', 'b', 'c']) tickets.push((await outbox.create(sampleCase({ userKey }), createOpts)).ticket);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.received).toHaveLength(0);
    await watcher.refresh();
    expect(watcher.stats).toMatchObject({ pending: 3 });
    const next = worker(server.port).w;
    next.start();
    await waitFor('three mails', () => server.received.length === 3);
    const subjects = server.received.map((r) => r.mail.subject ?? '');
    for (const t of tickets) expect(subjects.some((s) => s.includes(t))).toBe(true);
  });
});
