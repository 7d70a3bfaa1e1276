import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { buildMail, CREDENTIALS_NOTE, type MailOptions } from '../../src/escalation/mail';
import type { EscalationCase } from '../../src/escalation/case';
import { redactCase } from '../../src/escalation/outbox';
import { idHash } from '../../src/logger';
import { sampleCase, SECRETS } from './case-fixture';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-test-'));
const shots = path.join(dir, 'screenshots');
fs.mkdirSync(path.join(shots, 'web'), { recursive: true });
fs.writeFileSync(path.join(shots, 'web', 'shot1.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
fs.writeFileSync(path.join(dir, 'outside.txt'), 'not for support');
fs.symlinkSync(path.join(dir, 'outside.txt'), path.join(shots, 'web', 'link.png'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const opts: MailOptions = { to: 'support@bigseller.com', from: 'Connection Help Bot <no-reply@localhost>', screenshotsDir: shots };

/** Builds, serialises with nodemailer exactly as it would be sent, and parses back. */
async function roundTrip(c: EscalationCase, ticket = 'BS-7K3M9Q'): Promise<{ raw: string; parsed: ParsedMail }> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = (await t.sendMail(buildMail(c, ticket, opts))) as unknown as { message: Buffer };
  return { raw: info.message.toString('utf8'), parsed: await simpleParser(info.message) };
}

const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));
const headerBlock = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n'));
const allText = (p: ParsedMail) => [p.subject ?? '', p.text ?? '', p.html || '', ...[...p.headers.values()].map((v) => JSON.stringify(v))].join('\n');

describe('buildMail', () => {
  it('addresses support, replies to the seller, and names the ticket in subject and Message-ID', async () => {
    const m = buildMail(sampleCase(), 'BS-7K3M9Q', opts);
    expect(m.to).toBe('support@bigseller.com');
    expect(m.from).toBe('Connection Help Bot <no-reply@localhost>');
    expect(m.replyTo).toEqual({ name: '', address: 'seller@example.com' });
    expect(m.subject).toBe('[BS-7K3M9Q] Lazada PASSWORD_NOT_MATCH, 1 article tried – connection help');
    expect(m.messageId).toBe('<BS-7K3M9Q@connection-help-bot>');

    const { parsed } = await roundTrip(sampleCase());
    expect(parsed.messageId).toBe('<BS-7K3M9Q@connection-help-bot>');
    expect(addresses(parsed.to)).toEqual(['support@bigseller.com']);
    expect(addresses(parsed.replyTo)).toEqual(['seller@example.com']);
    expect(parsed.subject).toBe('[BS-7K3M9Q] Lazada PASSWORD_NOT_MATCH, 1 article tried – connection help');
  });

  it('keeps an error code the knowledge base does not know, in the subject and the facts', async () => {
    // 'lazada error 500100' was mailed as '[BS-…] Lazada [code removed]'.
    const c = sampleCase({ errorCodes: ['500100'], reason: 'unknown-error' });
    expect(buildMail(c, 'BS-7K3M9Q', opts).subject).toBe('[BS-7K3M9Q] Lazada 500100, 1 article tried – connection help');
    const { parsed } = await roundTrip(c);
    expect(parsed.text).toMatch(/Error codes: 500100/);
  });

  it('says in the subject what was tried, so the cases the articles did not fix stand out', () => {
    const two = [
      { topic: 'lazada-password-not-match', title: 'Lazada: PASSWORD_NOT_MATCH', outcome: 'not fixed' as const },
      { topic: 'connection-expired', title: 'Store expired', outcome: 'not fixed' as const },
    ];
    expect(buildMail(sampleCase({ articlesTried: two }), 'BS-7K3M9Q', opts).subject).toBe('[BS-7K3M9Q] Lazada PASSWORD_NOT_MATCH, 2 articles tried – connection help');
    expect(buildMail(sampleCase({ articlesTried: [] }), 'BS-7K3M9Q', opts).subject).toBe('[BS-7K3M9Q] Lazada PASSWORD_NOT_MATCH, nothing tried – connection help');
  });

  it('tells a pressed button from the same words typed', async () => {
    const transcript = [
      { from: 'user' as const, text: 'Send', at: '2026-11-28T10:00:00Z', pressed: true as const },
      { from: 'user' as const, text: 'Send', at: '2026-11-28T10:00:05Z' },
    ];
    const { parsed } = await roundTrip(sampleCase({ transcript }));
    expect(parsed.text).toMatch(/Seller \(button\): Send[\s\S]*Seller: Send/);
  });

  it('uses the reason when no error code is known', () => {
    const m = buildMail(sampleCase({ errorCodes: [], platforms: [], reason: 'asked' }), 'BS-7K3M9Q', opts);
    expect(m.subject).toBe('[BS-7K3M9Q] seller asked for support, 1 article tried – connection help');
  });

  it('carries the problem, transcript, platforms, codes, articles, snapshot, language, channel and user reference', async () => {
    const { parsed } = await roundTrip(sampleCase());
    for (const body of [parsed.text!, parsed.html as string]) {
      expect(body).toContain('ร้าน Lazada เชื่อมต่อไม่ได้ 😭');
      expect(body).toContain('lazada says PASSWORD_NOT_MATCH 🙏');
      expect(body).toContain('ลองทำตามขั้นตอนนี้นะคะ');
      expect(body).toContain('2026-01-01T10:01:00.000Z');
      expect(body).toContain('Lazada: PASSWORD_NOT_MATCH');
      expect(body).toContain('did NOT fix it');
      expect(body).toContain('ร้านของฉัน 🛍️');
      expect(body).toContain('Thai (th)');
      expect(body).toContain(idHash('U4af4980629f8a1b2c3d4e5f6a7b8c9d0'));
      expect(body).toContain('A-77001');
    }
    expect(parsed.text).toMatch(/Seller: lazada says/);
    expect(parsed.text).toMatch(/"status": "error"/);
    expect(parsed.html).toContain('<table');
  });

  it("shows the channel and a hash of the seller's LINE user id (the one the logs carry), never the id", async () => {
    const lineUser = 'U206d25c2ea6bd87c17655609a1c37cb8';
    const c = sampleCase({ userKey: `line:${lineUser}`, channel: 'line', userRef: `line:${lineUser}` });
    const { raw, parsed } = await roundTrip(c);
    for (const body of [parsed.text!, parsed.html as string]) {
      expect(body).toMatch(/Channel(<\/th><td[^>]*>|: )line\b/);
      expect(body).toMatch(new RegExp(`User reference(</th><td[^>]*>|: )${idHash(lineUser)}\\b`));
    }
    for (const s of [lineUser, lineUser.slice(1)]) {
      expect(allText(parsed)).not.toContain(s);
      expect(raw).not.toContain(s);
    }
  });

  it('never lets a password, an OTP code or a token through (text, html, headers)', async () => {
    const c = sampleCase({
      problem: 'password: Hunter2! and otp 123456 and token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV',
      errorCodes: ['otp 123456'],
      transcript: [{ from: 'user', text: 'my password is Hunter2! otp 123456', at: '2026-01-01T10:00:00.000Z' }],
      statusSnapshot: { note: 'password: Hunter2!' },
    });
    const { raw, parsed } = await roundTrip(c);
    const all = allText(parsed);
    for (const s of [...SECRETS, 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV']) {
      expect(all).not.toContain(s);
      expect(raw).not.toContain(s);
    }
    expect(parsed.text).toContain('[password removed]');
    expect(parsed.text).toContain('[code removed]');
  });

  it("shows the status check's store ids, nicknames and states as the connector gave them, its error text redacted, after the outbox's redaction too", async () => {
    const snapshot = {
      at: '2026-01-01T10:00:00.000Z',
      stores: [
        { storeId: 'sbx-shopee-1', platform: 'shopee', nickname: 'Shop-2024x', status: 'expired', expiresAt: '2025-12-29T10:00:00Z', lastError: null },
        { storeId: '823456', platform: 'lazada', nickname: 'แม่มณี', status: 'error', expiresAt: null, lastError: { code: 'PASSWORD_NOT_MATCH', message: 'login failed for password: Hunter2!', at: '2026-01-01T09:00:00Z' } },
      ],
    };
    const { parsed } = await roundTrip(redactCase(sampleCase({ statusSnapshot: snapshot })));
    for (const kept of ['"storeId": "sbx-shopee-1"', '"storeId": "823456"', '"nickname": "Shop-2024x"', '"code": "PASSWORD_NOT_MATCH"', 'login failed for password: [password removed]']) {
      expect(parsed.text).toContain(kept);
    }
    expect(allText(parsed)).not.toContain('Hunter2!');
    expect(parsed.text).not.toContain('[password [password');
  });

  it('escapes everything user-derived in the HTML part', async () => {
    const c = sampleCase({
      problem: '<script>alert("x")</script> & "quotes"',
      transcript: [{ from: 'user', text: '<img src=x onerror=alert(x)>', at: '<b>now</b>' }],
      articlesTried: [{ topic: '<i>t</i>', title: '</li><a href="javascript:x">', outcome: 'not fixed' }],
      platforms: ['<svg onload=x>' as never],
      userRef: '<u>ref</u>',
    });
    const html = buildMail(c, 'BS-7K3M9Q', opts).html as string;
    expect(html).not.toMatch(/<script|<img|<svg|<u>|<i>|<a |<b>now/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('&lt;img src=x onerror=alert(x)&gt;');
  });

  describe('header injection', () => {
    const injected = 'x\r\nBcc: evil@attacker.example\r\nX-Evil: 1';
    it.each([
      ['description', { problem: `help${injected}` }],
      ['e-mail address', { contactEmail: `seller@example.com\r\nBcc: evil@attacker.example\r\nX-Evil: 1` }],
      ['e-mail address with bare LF', { contactEmail: 'seller@example.com\nBcc: evil@attacker.example' }],
      ['platform name', { platforms: [`lazada${injected}` as never] }],
      ['error code', { errorCodes: [`E1${injected}`] }],
      ['reason', { errorCodes: [], reason: `asked${injected}` }],
      ['unicode line separator', { errorCodes: ['E1\u2028Bcc: evil@attacker.example'] }],
    ])('in the %s adds no header and no recipient', async (_name, over) => {
      const m = buildMail(sampleCase(over), 'BS-7K3M9Q', opts);
      for (const v of [m.subject, m.to, m.from, JSON.stringify(m.replyTo ?? '')]) expect(String(v)).not.toMatch(/[\r\n\u2028]/);
      const { raw, parsed } = await roundTrip(sampleCase(over));
      expect(headerBlock(raw)).not.toMatch(/^(Bcc|X-Evil):/im);
      expect(parsed.bcc).toBeUndefined();
      expect(parsed.cc).toBeUndefined();
      expect(parsed.headers.has('x-evil')).toBe(false);
      expect(addresses(parsed.to)).toEqual(['support@bigseller.com']);
      expect(addresses(parsed.replyTo).every((a) => a === 'seller@example.com')).toBe(true);
    });
  });

  it('truncates a 100 KB description with a visible marker', async () => {
    const m = buildMail(sampleCase({ problem: 'ก'.repeat(50_000) + 'x'.repeat(50_000) }), 'BS-7K3M9Q', opts);
    expect(m.text as string).toMatch(/\[truncated: 95000 more characters\]/);
    expect((m.text as string).length).toBeLessThan(12_000);
    expect(m.html as string).toMatch(/\[truncated: 95000 more characters\]/);
  });

  it('keeps the subject short, without cutting the ticket or splitting an emoji', () => {
    const m = buildMail(sampleCase({ errorCodes: ['😀'.repeat(400)] }), 'BS-7K3M9Q', opts);
    const subject = m.subject as string;
    expect(Array.from(subject).length).toBeLessThanOrEqual(150);
    expect(subject.startsWith('[BS-7K3M9Q] Lazada 😀')).toBe(true);
    expect(subject.endsWith('– connection help')).toBe(true);
    expect(subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone surrogate
  });

  it('keeps Thai and emoji everywhere and an internationalised reply address', async () => {
    const c = sampleCase({
      contactEmail: 'ผู้ขาย@ตัวอย่าง.ไทย',
      problem: 'ร้านค้าหมดอายุ 🛒🔥',
      errorCodes: ['รหัสผิด🙈'],
      articlesTried: [{ topic: 'shop-expired', title: 'ร้านหมดอายุ 🕐', outcome: 'no answer' }],
    });
    const { parsed } = await roundTrip(c);
    expect(addresses(parsed.replyTo)).toEqual(['ผู้ขาย@ตัวอย่าง.ไทย']);
    expect(parsed.subject).toBe('[BS-7K3M9Q] Lazada รหัสผิด🙈, 1 article tried – connection help');
    for (const body of [parsed.text!, parsed.html as string]) {
      expect(body).toContain('ร้านค้าหมดอายุ 🛒🔥');
      expect(body).toContain('ร้านหมดอายุ 🕐');
      expect(body).toContain('ผู้ขาย@ตัวอย่าง.ไทย');
    }
  });

  it('leaves Reply-To out (and says so) when the stored address is not valid', () => {
    const m = buildMail(sampleCase({ contactEmail: 'not an address' }), 'BS-7K3M9Q', opts);
    expect(m.replyTo).toBeUndefined();
    expect(m.text).toContain('not a valid address');
  });

  it('says clearly that support must collect credentials through its own secure channel', async () => {
    const withNote = await roundTrip(sampleCase({ needsAccountCredentials: true }));
    expect(withNote.parsed.text).toContain(CREDENTIALS_NOTE);
    expect(withNote.parsed.text).toMatch(/never by e-mail or chat/);
    expect(withNote.parsed.html).toContain('never by e-mail or chat');
    const without = buildMail(sampleCase({ needsAccountCredentials: false }), 'BS-7K3M9Q', opts);
    expect(without.text).not.toContain(CREDENTIALS_NOTE);
  });

  it('attaches only screenshots that exist inside the screenshot directory', async () => {
    const c = sampleCase({
      screenshots: [
        { ref: 'web/shot1.png', contentType: 'image/png' },
        { ref: '../outside.txt' },
        { ref: 'web/../../outside.txt' },
        { ref: path.join(dir, 'outside.txt') },
        { ref: 'web/link.png' },
        { ref: 'web/missing.png' },
      ],
    });
    const m = buildMail(c, 'BS-7K3M9Q', opts);
    const att = m.attachments as { filename: string; content: Buffer; contentType?: string }[];
    expect(att.map((a) => a.filename)).toEqual(['shot1.png']);
    expect(att[0]!.contentType).toBe('image/png');
    expect(m.text).toContain('Screenshots attached: 1');
    expect(m.text).toContain('not attached: missing.png (not found)');
    expect(m.text).toContain('not attached: link.png (not found)');
    expect(m.text).not.toContain('not for support');
    const { parsed } = await roundTrip(c);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['shot1.png']);
  });
});
