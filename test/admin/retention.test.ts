import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { startApp } from '../helpers/app-harness';
import { startWorker } from '../helpers/server-process';

/**
 * ANALYTICS_RETENTION_DAYS covers every store of a seller's words: the records' pass also
 * deletes saved mail and kept pictures older than the limit (and, tested with the outbox, the
 * cases done with), and leaves what is younger.
 */
describe('the retention limit', () => {
  it('deletes saved mail and pictures older than the limit with the outcome records, and keeps the rest', async () => {
    const app = await startApp({ ANALYTICS_RETENTION_DAYS: '30' });
    try {
      const file = (rel: string, daysOld: number) => {
        const full = path.join(app.dataDir, rel);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, 'x');
        const t = new Date(Date.now() - daysOld * 86_400_000);
        fs.utimesSync(full, t, t);
        return full;
      };
      const oldMail = file('mail/BS-OLD111.eml', 31);
      const newMail = file('mail/BS-NEW111.eml', 29);
      const oldPicture = file('screenshots/aaaa/old.jpg', 40);
      const newPicture = file('screenshots/bbbb/new.jpg', 1);
      expect(await app.bot.outcomes.purge()).toBe(2);
      expect([oldMail, newMail, oldPicture, newPicture].map((f) => fs.existsSync(f))).toEqual([false, true, false, true]);
      // The emptied picture folder goes too.
      expect(fs.existsSync(path.dirname(oldPicture))).toBe(false);
      // The widget's privacy line tells sellers the limit.
      const widget = await (await fetch(`${app.base}/widget.js`)).text();
      expect(widget).toContain('var KEPT_DAYS = 30;');
      expect(widget).toContain("'แชทนี้จะถูกบันทึกไว้ไม่เกิน ' + KEPT_DAYS + ' วัน");
    } finally {
      await app.close();
    }
  });

  it('the mail worker applies it to its own disk (saved mail, copies of pictures)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-retention-'));
    const old = path.join(dataDir, 'mail', 'BS-OLD222.eml');
    const young = path.join(dataDir, 'screenshots', 'cccc', 'young.jpg');
    for (const [file, days] of [[old, 95], [young, 10]] as const) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'x');
      const t = new Date(Date.now() - days * 86_400_000);
      fs.utimesSync(file, t, t);
    }
    const worker = await startWorker({ DATA_DIR: dataDir, REDIS_URL: '' });
    try {
      for (let end = Date.now() + 10_000; fs.existsSync(old) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
      expect([fs.existsSync(old), fs.existsSync(young)]).toEqual([false, true]);
    } finally {
      await worker.stop();
    }
  }, 40_000);

  it('refuses a limit shorter than the web chat history is kept', () => {
    return expect(startApp({ ANALYTICS_RETENTION_DAYS: '3' })).rejects.toThrow(/ANALYTICS_RETENTION_DAYS: must be at least 7/);
  });
});
