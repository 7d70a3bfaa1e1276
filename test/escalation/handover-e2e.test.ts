import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Mailbox } from '../helpers/mailbox';
import { freePort, startServer } from '../helpers/server-process';

/** The seller's side of a Direct Line conversation. */
async function converse(base: string) {
  const gen = await request(base).post('/directline/tokens/generate').send({ user: { id: 'seller-e2e' } });
  const { token, conversationId } = gen.body as { token: string; conversationId: string };
  let watermark = 0;
  const say = async (body: Record<string, unknown>, expect?: RegExp): Promise<string> => {
    const r = await request(base).post(`/directline/conversations/${conversationId}/activities`).set('authorization', `Bearer ${token}`).send({ type: 'message', ...body });
    if (r.status !== 200) throw new Error(`POST ${r.status} ${JSON.stringify(r.body)}`);
    const end = Date.now() + 10_000;
    let seen = '';
    for (;;) {
      const g = await request(base).get(`/directline/conversations/${conversationId}/activities?watermark=${watermark}`).set('authorization', `Bearer ${token}`);
      const acts = g.body.activities as { type: string; text?: string; from?: { role?: string } }[];
      seen = acts.filter((a) => a.type === 'message' && a.from?.role === 'bot').map((a) => a.text ?? '').join('\n');
      if (seen && (!expect || expect.test(seen))) {
        watermark = Number(g.body.watermark);
        return seen;
      }
      if (Date.now() > end) throw new Error(`no answer matching ${expect} (got: ${seen})`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  return { say, conversationId };
}

async function handOver(base: string, email: string, description: string): Promise<string> {
  const c = await converse(base);
  await c.say({ text: 'เชื่อม lazada ไม่ได้ ขึ้น INTERNAL_DATA_ERROR ค่ะ รหัสผ่านคือ Sup3r!Secret' }, /แก้ปัญหาได้แล้วไหมคะ/);
  await c.say({ text: 'ยังไม่ได้', value: { action: 'feedback:no' } }, /ส่งเรื่อง/);
  await c.say({ text: 'ส่งให้ทีมซัพพอร์ต', value: { action: 'handover:start' } }, /อีเมลไหน/);
  await c.say({ text: email }, /เล่าปัญหาสั้น/);
  await c.say({ text: description }, /ตรวจสอบก่อนส่ง/);
  const done = await c.say({ text: 'ส่ง', value: { action: 'handover:confirm' } }, /BS-[0-9A-Z]{6}/);
  return /BS-[0-9A-Z]{6}/.exec(done)![0];
}

describe('hand-over by e-mail, end to end', () => {
  jest.setTimeout(60_000);

  it('a Direct Line conversation ends with one complete, safe e-mail to support', async () => {
    const mailbox = new Mailbox(await freePort());
    await mailbox.start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handover-'));
    const bot = await startServer({ DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`, MAIL_FROM: 'Help Bot <bot@example.com>' });
    try {
      const ticket = await handOver(bot.url, 'ผู้ขาย@ตัวอย่าง.ไทย', 'ร้าน "แม่มณี" 😭 เชื่อมไม่ได้\r\nBcc: attacker@evil.example otp 482913');
      const [mail] = await mailbox.waitFor(1);
      expect(mail.subject).toContain(ticket);
      expect(mail.subject).toMatch(/Lazada/);
      expect(mail.subject).toMatch(/INTERNAL_DATA_ERROR/);
      expect((mail.to as { text: string }).text).toBe('support@bigseller.com');
      expect(mail.from?.text).toMatch(/bot@example\.com/);
      expect(mail.replyTo?.text).toContain('ผู้ขาย@ตัวอย่าง.ไทย');
      expect(mail.messageId).toBe(`<${ticket}@connection-help-bot>`);
      expect(mail.bcc).toBeUndefined();
      expect(mail.headers.has('bcc')).toBe(false);
      const all = `${mail.text}\n${mail.html}\n${JSON.stringify([...mail.headers])}`;
      expect(all).toContain('แม่มณี');
      expect(all).not.toContain('Sup3r!Secret');
      expect(all).not.toContain('482913');
      expect(mail.text).toMatch(/secure channel|ช่องทางที่ปลอดภัย/i); // credentials are collected by support itself
      expect(mail.html).not.toMatch(/<script|onerror=/i);
      expect(mailbox.mails).toHaveLength(1);
    } finally {
      await bot.stop();
      await mailbox.stop();
    }
  });

  it('keeps bare passwords and an unknown error code as the issue found them: secrets nowhere, the code in the mail', async () => {
    const mailbox = new Mailbox(await freePort());
    await mailbox.start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handover-secrets-'));
    const bot = await startServer({ DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${mailbox.port}` });
    const secrets = ['sunflowerbaby', 'sunflower2020', 'rak1234', 'P@ssw0rd', 'marigoldsunset'];
    try {
      const c = await converse(bot.url);
      await c.say({ text: 'ร้าน lazada เชื่อมไม่ได้ค่ะ user ploy_beauty pass sunflowerbaby' }, /รหัสผ่าน/);
      await c.say({ text: 'นี่รหัสผ่านนะคะ' });
      for (const bare of ['sunflower2020', 'rak1234', 'P@ssw0rd']) await c.say({ text: bare }, /อย่าส่งรหัสผ่าน/);
      // Letters only: a password only because it was announced (the Direct Line history too).
      await c.say({ text: 'นี่รหัสผ่านนะคะ' }, /ไม่ต้องส่งรหัสผ่าน/);
      await c.say({ text: 'marigoldsunset' }, /อย่าส่งรหัสผ่าน/);
      await c.say({ text: 'lazada error 500100 ค่ะ' }, /ส่งเรื่อง/);
      await c.say({ text: 'ส่งเลยค่ะ' }, /อีเมลไหน/);
      await c.say({ text: 'ploy.shop@gmail.com' }, /เล่าปัญหาสั้น/);
      await c.say({ text: 'ข้ามจ้า' }, /ตรวจสอบก่อนส่ง/);
      const done = await c.say({ text: 'ส่งค่ะ' }, /BS-[0-9A-Z]{6}/);
      const ticket = /BS-[0-9A-Z]{6}/.exec(done)![0];
      const [mail] = await mailbox.waitFor(1);
      expect(mail.subject).toBe(`[${ticket}] Lazada 500100, nothing tried – connection help`);
      const all = `${mail.text}\n${mail.html}\n${JSON.stringify([...mail.headers])}`;
      expect(all).toMatch(/Error codes: 500100/);
      // The typed skip is in the conversation, not in the problem support reads first.
      expect(mail.text!.split('Conversation (secrets removed):')[0]).not.toContain('ข้ามจ้า');
      // Nothing typed as a password reached the mail, the data folder (SQLite, its WAL) or the log.
      const stored = fs.readdirSync(dataDir).filter((f) => f.startsWith('bot.sqlite')).map((f) => fs.readFileSync(path.join(dataDir, f)).toString('latin1'));
      for (const secret of secrets) {
        expect({ secret, inMail: all.includes(secret) }).toEqual({ secret, inMail: false });
        expect({ secret, stored: stored.some((b) => b.includes(secret)) }).toEqual({ secret, stored: false });
        expect({ secret, logged: bot.output().includes(secret) }).toEqual({ secret, logged: false });
      }
    } finally {
      await bot.stop();
      await mailbox.stop();
    }
  });

  it('delivers once when the SMTP server is down for a while, and after the bot was killed with SIGKILL', async () => {
    const port = await freePort();
    const mailbox = new Mailbox(port); // not started: the mail server is down
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handover-kill-'));
    const env = { DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_BASE_SECONDS: '0.5' };
    let bot = await startServer(env);
    let ticket: string;
    try {
      ticket = await handOver(bot.url, 'seller@example.com', 'เชื่อม lazada ไม่ได้เลยค่ะ');
      // The bot tried, found the mail server down, and scheduled a retry. (Killed in the middle of
      // an attempt instead, the mail would wait for the claim's lease, 2 minutes, to expire.)
      const outbox = new Database(path.join(dataDir, 'bot.sqlite'), { readonly: true });
      const row = () => outbox.prepare('SELECT status, attempts FROM escalation_outbox WHERE ticket = ?').get(ticket) as { status: string; attempts: number };
      for (let i = 0; i < 100 && !(row().status === 'pending' && row().attempts >= 1); i++) await new Promise((r) => setTimeout(r, 20));
      expect(row()).toMatchObject({ status: 'pending' });
      outbox.close();
    } finally {
      // Killed between "ticket confirmed" and "sent": no chance to clean up.
      await bot.stop('SIGKILL');
    }
    await mailbox.start();
    bot = await startServer(env);
    try {
      const mails = await mailbox.waitFor(1, 20_000);
      expect(mails[0].subject).toContain(ticket);
      await new Promise((r) => setTimeout(r, 1500));
      expect(mailbox.mails).toHaveLength(1);
    } finally {
      await bot.stop();
      await mailbox.stop();
    }
  });
});
