import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { openDatabase, type Db } from '../../src/storage/sqlite';
import { SqliteOutbox } from '../../src/escalation/outbox';
import { classifyError, MailSender, type MailSenderOptions } from '../../src/escalation/sender';
import { sampleCase, SECRETS } from './case-fixture';

import { createOpts, deliveryFor } from '../helpers/mail-delivery';
import { freePort, sleep, startSmtp, waitFor, type TestSmtp } from '../helpers/smtp';

const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

let dataDir: string;
let db: Db;
let outbox: SqliteOutbox;
const senders: MailSender[] = [];
const servers: TestSmtp[] = [];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sender-test-'));
  db = openDatabase(dataDir);
  outbox = new SqliteOutbox(db);
  fs.mkdirSync(path.join(dataDir, 'screenshots', 'web'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'screenshots', 'web', 'shot1.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
});
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function sender(port: number | undefined, over: Partial<MailSenderOptions> = {}) {
  const { options, entries } = deliveryFor(dataDir, port);
  const s = new MailSender({ outbox, ...options, pollMs: 20, ...over });
  senders.push(s);
  return { s, entries };
}
async function smtp(opts: Parameters<typeof startSmtp>[0] = {}) {
  const server = await startSmtp(opts);
  servers.push(server);
  return server;
}
const fileCase = (over = {}) => outbox.create(sampleCase({ screenshots: [{ ref: 'web/shot1.png', contentType: 'image/png' }], ...over }), createOpts);

describe('classifyError', () => {
  it.each([
    [{ responseCode: 550 }, 'permanent'],
    [{ responseCode: 554, code: 'EENVELOPE' }, 'permanent'],
    [{ responseCode: 503 }, 'temporary'],
    [{ responseCode: 451 }, 'temporary'],
    [{ responseCode: 421 }, 'temporary'],
    [{ code: 'ECONNREFUSED' }, 'temporary'],
    [{ code: 'ETIMEDOUT' }, 'temporary'],
    [{ code: 'ECONNRESET' }, 'temporary'],
    [{ code: 'EAUTH', responseCode: 535 }, 'temporary'],
    [new Error('anything else'), 'temporary'],
  ])('%j is %s', (err, kind) => expect(classifyError(err)).toBe(kind));
});

describe('MailSender over SMTP', () => {
  it('delivers one mail with the right fields, attachment and no secrets', async () => {
    const server = await smtp();
    const { s, entries } = sender(server.port);
    const { ticket } = await fileCase();
    s.kick();
    await s.drain();
    await waitFor('the mail', () => server.received.length === 1);
    const { mail, rcpt } = server.received[0]!;
    expect(rcpt).toEqual(['support@bigseller.com']);
    expect(addresses(mail.to)).toEqual(['support@bigseller.com']);
    expect(addresses(mail.from)).toEqual(['no-reply@localhost']);
    expect(addresses(mail.replyTo)).toEqual(['seller@example.com']);
    expect(mail.subject).toBe(`[${ticket}] Lazada PASSWORD_NOT_MATCH, 1 article tried – connection help`);
    expect(mail.messageId).toBe(`<${ticket}@connection-help-bot>`);
    expect(mail.text).toContain('ร้าน Lazada เชื่อมต่อไม่ได้ 😭');
    expect(mail.html).toContain('ลองทำตามขั้นตอนนี้นะคะ');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['shot1.png', 'image/png']]);
    const all = [mail.subject, mail.text, mail.html, JSON.stringify([...mail.headers])].join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect((await outbox.get(ticket))!.status).toBe('sent');
    expect(s.counters).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(entries.find((e) => e.level === 'info')!.obj).toMatchObject({ ticket });
    expect(s.isStuck()).toBe(false);
  });

  it('retries while the server is down and delivers exactly once when it comes up', async () => {
    const port = await freePort();
    const { s, entries } = sender(port);
    const { ticket } = await fileCase();
    s.start();
    s.kick();
    await waitFor('retries', () => s.counters.retried >= 2);
    expect(entries.some((e) => e.level === 'warn' && String(e.obj.error).includes('ECONNREFUSED'))).toBe(true);
    expect((await outbox.get(ticket))!.status).toBe('pending');
    const server = await smtp({ port });
    await waitFor('delivery', () => s.counters.sent === 1);
    await sleep(300); // several more polls: nothing is sent twice
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.mail.messageId).toBe(`<${ticket}@connection-help-bot>`);
    expect((await outbox.get(ticket))!.status).toBe('sent');
  });

  it('spaces retries out exponentially, with jitter', async () => {
    const port = await freePort();
    const { s } = sender(port, { backoff: { baseMs: 1000, maxMs: 4000, giveUpAfterMs: 3_600_000 }, random: () => 1 });
    const { ticket } = await fileCase();
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      // Make the item due now, deliver (fails), and read when it is due next.
      db.prepare('UPDATE escalation_outbox SET next_attempt_at = 0 WHERE ticket = ?').run(ticket);
      const before = Date.now();
      await s.drain();
      gaps.push((await outbox.get(ticket))!.nextAttemptAt.getTime() - before);
    }
    // random() = 1 gives the full step: 1 s, 2 s, 4 s, then capped at 4 s.
    expect(gaps.map((g) => Math.round(g / 1000))).toEqual([1, 2, 4, 4]);
  });

  it('retries after a temporary 4xx rejection and then delivers once', async () => {
    const server = await smtp({ rejectData: (n) => (n <= 2 ? { code: 451, message: 'Try again later' } : undefined) });
    const { s, entries } = sender(server.port);
    const { ticket } = await fileCase();
    s.start();
    await waitFor('delivery', () => s.counters.sent === 1);
    await sleep(200);
    expect(server.attempts.data).toBe(3);
    expect(server.received).toHaveLength(1);
    expect(s.counters).toEqual({ sent: 1, retried: 2, failed: 0 });
    expect(entries.filter((e) => e.level === 'warn').map((e) => e.obj.error)).toEqual([expect.stringContaining('451'), expect.stringContaining('451')]);
    expect((await outbox.get(ticket))!.status).toBe('sent');
  });

  it('fails a 5xx permanent rejection at once, reports it, and never retries it', async () => {
    const server = await smtp({ rejectRcpt: () => ({ code: 550, message: 'No such user here' }) });
    const { s, entries } = sender(server.port);
    const { ticket } = await fileCase();
    s.start();
    await waitFor('the failure', () => s.counters.failed === 1);
    await sleep(300); // many polls later: still one attempt
    expect(server.attempts.rcpt).toBe(1);
    expect(server.received).toHaveLength(0);
    expect(s.counters).toEqual({ sent: 0, retried: 0, failed: 1 });
    const rec = (await outbox.get(ticket))!;
    expect(rec.status).toBe('failed');
    expect(rec.lastError).toMatch(/550/);
    const err = entries.find((e) => e.level === 'error')!;
    expect(err.obj).toMatchObject({ ticket, error: expect.stringContaining('550') });
    expect(s.isStuck()).toBe(true);
    expect(s.failedCount).toBe(1);
  });

  it('gives up loudly after the configured time', async () => {
    const port = await freePort();
    const { s, entries } = sender(port, { backoff: { baseMs: 20, maxMs: 50, giveUpAfterMs: 300 } });
    const { ticket } = await fileCase();
    s.start();
    await waitFor('giving up', () => s.counters.failed === 1);
    expect(s.counters.retried).toBeGreaterThanOrEqual(2);
    const rec = (await outbox.get(ticket))!;
    expect(rec.status).toBe('failed');
    expect(rec.lastError).toMatch(/gave up after \d+ attempts/);
    expect(entries.some((e) => e.level === 'error' && e.obj.ticket === ticket)).toBe(true);
    expect(s.isStuck()).toBe(true);
  });

  it('treats a server that never answers as temporary (timeout)', async () => {
    const silent = net.createServer(() => undefined); // accepts, never greets
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const { s } = sender(port, { transport: { smtpUrl: `smtp://127.0.0.1:${port}`, mailDir: path.join(dataDir, 'mail'), timeouts: { greetingMs: 200 } } });
      const { ticket } = await fileCase();
      await s.drain();
      const rec = (await outbox.get(ticket))!;
      expect(rec.status).toBe('pending');
      expect(rec.lastError).toMatch(/ETIMEDOUT|timeout/i);
      expect(s.counters.retried).toBe(1);
    } finally {
      await new Promise<void>((r) => silent.close(() => r()));
      // the abandoned socket is closed by nodemailer's timeout; close() may wait for it
    }
  });

  it('resumes after a crash: an abandoned claim is delivered once its lease expired', async () => {
    const server = await smtp();
    const { ticket } = await fileCase();
    // The "crashed" process claimed the item and died before sending it.
    const [claimed] = await outbox.claimDue(new Date(), 1, 120_000);
    expect(claimed!.ticket).toBe(ticket);

    const early = sender(server.port, { leaseMs: 120_000 }).s;
    await early.drain();
    expect(server.received).toHaveLength(0);
    await early.stop();

    const afterLease = sender(server.port, { leaseMs: 120_000, now: () => Date.now() + 121_000 }).s;
    await afterLease.drain();
    await afterLease.drain();
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.mail.messageId).toBe(`<${ticket}@connection-help-bot>`);
    expect((await outbox.get(ticket))!).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('stop() finishes the mail being sent and leaves the rest queued', async () => {
    const server = await smtp({ dataDelayMs: 300 });
    const first = await fileCase({ userKey: 'a' });
    const second = await fileCase({ userKey: 'b' });
    const { s } = sender(server.port);
    s.start();
    await waitFor('the first mail in transit', () => server.attempts.data === 1);
    await s.stop();
    expect(server.received).toHaveLength(1);
    const states = [(await outbox.get(first.ticket))!.status, (await outbox.get(second.ticket))!.status].sort();
    expect(states).toEqual(['pending', 'sent']);
    s.kick(); // stopped: does nothing
    await sleep(100);
    expect(server.attempts.data).toBe(1);
  });
});

describe('MailSender without SMTP_URL', () => {
  it('writes each mail as <ticket>.eml under DATA_DIR/mail, parsable and complete', async () => {
    const { s, entries } = sender(undefined);
    expect(s.mode).toBe('file');
    const { ticket } = await fileCase({ needsAccountCredentials: true });
    await s.drain();
    const mailDir = path.join(dataDir, 'mail');
    expect(fs.readdirSync(mailDir)).toEqual([`${ticket}.eml`]); // no temporary file left behind
    const file = path.join(mailDir, `${ticket}.eml`);
    const raw = fs.readFileSync(file);
    expect(raw.toString('latin1')).toMatch(/\r\n\r\n/); // RFC 822 line ends
    const mail = await simpleParser(raw);
    expect(mail.messageId).toBe(`<${ticket}@connection-help-bot>`);
    expect(addresses(mail.to)).toEqual(['support@bigseller.com']);
    expect(addresses(mail.replyTo)).toEqual(['seller@example.com']);
    expect(mail.subject).toContain(ticket);
    expect(mail.text).toContain('never by e-mail or chat');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['shot1.png']);
    for (const secret of SECRETS) expect(raw.toString('utf8')).not.toContain(secret);
    expect((await outbox.get(ticket))!.status).toBe('sent');
    expect(entries.find((e) => e.level === 'info')!.obj).toMatchObject({ ticket, file });
  });
});

describe('the hourly hand-over cap', () => {
  it('sends at most maxPerHour mails an hour, keeps the rest queued, and sends them once the hour has passed', async () => {
    const server = await smtp();
    // A minute ahead of the outbox's clock: the cases filed below are due.
    let now = Date.now() + 60_000;
    const { s, entries } = sender(server.port, { maxPerHour: 2, now: () => now });
    for (const userKey of ['a', 'b', 'c', 'd']) await fileCase({ userKey });
    await s.drain();
    expect(await outbox.stats()).toMatchObject({ sent: 2, pending: 2, failed: 0 });
    expect(entries.filter((e) => e.level === 'warn' && /hourly hand-over cap/.test(e.msg ?? ''))).toHaveLength(1);
    // A restarted sender reads the same cap from the outbox.
    const again = sender(server.port, { maxPerHour: 2, now: () => now }).s;
    await again.drain();
    expect(await outbox.stats()).toMatchObject({ sent: 2, pending: 2 });
    now += 3600_000 + 1;
    await again.drain();
    expect(await outbox.stats()).toMatchObject({ sent: 4, pending: 0 });
    await waitFor("four mails", () => server.received.length === 4);
    expect(server.received).toHaveLength(4);
  });
});
