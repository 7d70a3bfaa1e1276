import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteOutbox } from '../../src/escalation/outbox';
import { openDatabase } from '../../src/storage/sqlite';
import { sampleCase } from '../escalation/case-fixture';
import { Mailbox } from '../helpers/mailbox';
import { freePort, startWorker } from '../helpers/server-process';

/**
 * Without Redis the mail worker is optional: it polls the SQLite outbox beside the web process.
 * It must keep running (its poll timer alone does not hold a process open) and mail what the web
 * process queues after it started.
 */
describe('the mail worker on SQLite', () => {
  it('keeps running, mails a case queued after it started, and stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-worker-'));
    const mailbox = new Mailbox(await freePort());
    await mailbox.start();
    const worker = await startWorker({ DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${mailbox.port}` });
    const db = openDatabase(dataDir);
    try {
      // Queued as the web process queues a hand-over, a moment after the worker's first poll.
      await new Promise((r) => setTimeout(r, 500));
      const { ticket } = await new SqliteOutbox(db).create(sampleCase(), { reuseWindowSeconds: 60, maxPerWindow: 3, windowSeconds: 60 });
      const [mail] = await mailbox.waitFor(1, 20_000);
      expect(mail!.subject).toContain(ticket);
      expect(worker.child.exitCode).toBeNull();
      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(worker.output()).toMatch(/"signal":"SIGTERM".*mail worker stopping/);
    } finally {
      db.close();
      await worker.stop('SIGKILL');
      await mailbox.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
