import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type Redis from 'ioredis';
import { RedisOutbox } from '../../src/escalation/redis-outbox';
import { sampleCase } from '../escalation/case-fixture';
import { Mailbox } from '../helpers/mailbox';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { freePort, startWorker } from '../helpers/server-process';

/**
 * The mail worker process dies (SIGKILL) in the middle of sending a hand-over: its SMTP server
 * hangs. Another worker must take the job over once the dead one's lock lapses and mail it,
 * once.
 */
const REDIS_URL = redisTestUrl(6);

describeWithRedis('a mail worker killed mid-delivery', () => {
  jest.setTimeout(60_000);
  let redis: Redis;
  let hanging: net.Server;
  let hangingPort: number;
  let connections = 0;
  let mailbox: Mailbox;
  const dirs: string[] = [];
  const workers: Awaited<ReturnType<typeof startWorker>>[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis(REDIS_URL);
    await redis.flushdb();
    // Accepts the connection and never greets: the worker stays in the middle of its send.
    hanging = net.createServer(() => void connections++);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    hangingPort = (hanging.address() as net.AddressInfo).port;
    mailbox = new Mailbox(await freePort());
    await mailbox.start();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await new Promise((r) => hanging.close(r));
    await mailbox.stop();
    await redis.flushdb();
    redis.disconnect();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const env = (smtpPort: number) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-crash-'));
    dirs.push(dir);
    return { REDIS_URL, DATA_DIR: dir, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_WORKER_LOCK_SECONDS: '2' };
  };

  it('is replaced by another worker that mails the case once', async () => {
    const outbox = new RedisOutbox(redis);
    const { ticket } = await outbox.create(sampleCase(), { reuseWindowSeconds: 60, maxPerWindow: 3, windowSeconds: 60 });

    const first = await startWorker(env(hangingPort));
    workers.push(first);
    while (connections === 0) await new Promise((r) => setTimeout(r, 20));
    expect(await outbox.get(ticket)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await startWorker(env(mailbox.port));
    workers.push(second);
    const [mail] = await mailbox.waitFor(1, 30_000);
    expect(mail!.subject).toContain(ticket);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailbox.mails).toHaveLength(1);
    expect(await outbox.get(ticket)).toMatchObject({ status: 'sent', attempts: 2 });
    await outbox.close();
  });
});
