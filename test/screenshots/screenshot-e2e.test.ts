import fs from 'node:fs';
import path from 'node:path';
import { lineEvent, textEvent } from '../channels/line/fake-line-api';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { openChat, fetcherFor } from '../helpers/directline-chat';
import { startLineApp, type LineApp } from '../helpers/line-app';
import { Mailbox } from '../helpers/mailbox';
import { freePort } from '../helpers/server-process';
import { createLogger } from '../../src/logger';
import { TesseractReader } from '../../src/screenshots/ocr-reader';

/**
 * The "done when": a screenshot of Lazada's PASSWORD_NOT_MATCH, with the password shown in
 * clear, sent on LINE (content served by the fake LINE API, signed webhook) and uploaded in the web
 * chat, is answered with the PASSWORD_NOT_MATCH article; handed over, the mail carries the read
 * text and the picture, and the password is nowhere: not in the mail, not in storage, not in
 * the kept picture (read again).
 */
const SHOT = fs.readFileSync(path.join(__dirname, '..', 'data', 'screenshots', 'lazada-login-shown-en--phone.png'));
const ORDERS = fs.readFileSync(path.join(__dirname, '..', 'data', 'screenshots', 'bigseller-orders-th--dark.jpg'));
const SECRETS = [/Sunflower/i, /#2020/, /ploy\.shop/i];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f))).filter((f) => fs.statSync(f).isFile());
}

/** Every stored byte (SQLite with its WAL, kept pictures, .eml files) as text, and the pictures read again. */
async function expectNoSecretStored(dataDir: string): Promise<void> {
  for (const file of filesUnder(dataDir)) {
    const bytes = fs.readFileSync(file);
    for (const secret of SECRETS) expect([file, secret.test(bytes.toString('latin1')) || secret.test(bytes.toString('utf8'))]).toEqual([file, false]);
  }
  const pictures = filesUnder(path.join(dataDir, 'screenshots'));
  expect(pictures.length).toBeGreaterThan(0);
  const reader = new TesseractReader({ concurrency: 1, queue: 10, timeoutMs: 60_000, maxWidth: 1000, log: createLogger('silent') });
  try {
    const texts: string[] = [];
    for (const picture of pictures) {
      const copy = `${picture}.check.png`;
      fs.copyFileSync(picture, copy);
      const read = await reader.read(copy);
      fs.rmSync(copy);
      expect(read?.hidden).toBe(false);
      texts.push(read?.text ?? '');
    }
    expect(texts.some((t) => t.includes('PASSWORD_NOT_MATCH'))).toBe(true);
  } finally {
    await reader.close();
  }
}

describe('a screenshot of PASSWORD_NOT_MATCH, end to end', () => {
  jest.setTimeout(90_000);
  let mailbox: Mailbox;
  beforeAll(async () => {
    mailbox = new Mailbox(await freePort());
    await mailbox.start();
  });
  afterAll(() => mailbox.stop());

  it('on LINE: the image event gets the article, and the hand-over mail has the read text, the picture, no password', async () => {
    const line: LineApp = await startLineApp({ SMTP_URL: `smtp://127.0.0.1:${mailbox.port}` });
    const dataDir = line.app.dataDir;
    try {
      line.fake.content.set('shot-1', { data: SHOT, contentType: 'image/png' });
      const answer = await line.deliver(lineEvent({ message: { id: 'shot-1', type: 'image', contentProvider: { type: 'line' } } }));
      expect(answer).toContain('ในรูปเห็นข้อความ PASSWORD_NOT_MATCH ค่ะ');
      expect(answer).toContain('PASSWORD_NOT_MATCH (รหัสผ่านไม่ตรงกัน)');
      expect(await line.deliver(textEvent('ยังไม่ได้ค่ะ'))).toMatch(/handover:start/);
      await line.deliver(lineEvent({ type: 'postback', postback: { data: 'handover:start' } }));
      await line.deliver(textEvent('shop.owner@example.co.th'));
      await line.deliver(lineEvent({ type: 'postback', postback: { data: 'handover:skip' } }));
      const ticket = /BS-[0-9A-Z]{6}/.exec(await line.deliver(lineEvent({ type: 'postback', postback: { data: 'handover:confirm' } })))![0];

      const mail = (await mailbox.waitFor(1)).find((m) => m.subject?.includes(ticket))!;
      expect(mail.text).toContain('[text read in the picture, redacted]');
      expect(mail.text).toContain('Error: PASSWORD_NOT_MATCH');
      expect(mail.text).toContain('[password removed]');
      expect(mail.attachments.map((a) => a.contentType)).toEqual(['image/png']);
      for (const secret of SECRETS) expect(`${mail.text}\n${mail.html}\n${mail.subject}`).not.toMatch(secret);
      const attached = path.join(dataDir, 'attached.png');
      fs.writeFileSync(attached, mail.attachments[0]!.content);
      await expectNoSecretStored(dataDir);
    } finally {
      await line.close();
    }
  });

  it('on LINE: an album whose first picture shows the error and whose last shows none is answered once, with the article', async () => {
    const line: LineApp = await startLineApp();
    try {
      line.fake.content.set('album-1', { data: SHOT, contentType: 'image/png' });
      line.fake.content.set('album-2', { data: ORDERS, contentType: 'image/jpeg' });
      const picture = (id: string, index: number) => lineEvent({ message: { id, type: 'image', contentProvider: { type: 'line' }, imageSet: { id: 'SET1', index, total: 2 } } });
      const sends = line.fake.sends().length;
      const answer = await line.deliver(picture('album-1', 1), picture('album-2', 2));
      expect(line.fake.sends().length - sends).toBe(1);
      expect(answer).toContain('ในรูปเห็นข้อความ PASSWORD_NOT_MATCH ค่ะ');
      // The last picture alone shows no problem.
      expect(await line.deliver(lineEvent({ message: { id: 'album-2', type: 'image', contentProvider: { type: 'line' } } }))).toContain('ได้รับภาพหน้าจอแล้วค่ะ');
    } finally {
      await line.close();
    }
  });

  it('in the web chat: the upload gets the article, and nothing stored shows the password', async () => {
    const app: RunningApp = await startApp();
    try {
      const chat = await openChat(fetcherFor(app.base));
      const acts = await chat.upload({ bytes: SHOT, name: 'lazada.png', type: 'image/png' });
      expect(acts).toEqual(['answer:lazada-password-not-match', 'answer:lazada-password-not-match', 'ask-feedback']);
      // Two pictures in one upload are read as one: the error in the first, the last shows none.
      const two = await openChat(fetcherFor(app.base));
      expect(await two.upload({ bytes: SHOT, name: 'a.png', type: 'image/png' }, { bytes: ORDERS, name: 'b.jpg', type: 'image/jpeg' })).toContain('answer:lazada-password-not-match');
      await expectNoSecretStored(app.dataDir);
    } finally {
      await app.close();
    }
  });
});
