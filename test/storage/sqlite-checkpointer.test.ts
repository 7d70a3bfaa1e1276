import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpointerOf, closeDatabase, openDatabase, writeCommitted, type Db } from '../../src/storage/sqlite';
import { DEFAULT_CHECKPOINTER, startCheckpointer } from '../../src/storage/sqlite-checkpointer';

const walSize = (dir: string) => {
  try {
    return fs.statSync(path.join(dir, 'bot.sqlite-wal')).size;
  } catch {
    return 0;
  }
};

describe('SQLite WAL checkpoints in a worker thread', () => {
  const open: Db[] = [];
  afterEach(async () => {
    // A failed test must not leave a checkpointer thread behind.
    for (const db of open.splice(0)) if (db.open) await closeDatabase(db);
  });

  it('checkpoints while the event loop writes, and the data stays whole across a close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
    const errors: string[] = [];
    const db = openDatabase(dir, undefined, { onError: (m) => errors.push(m), options: { intervalMs: 10, restartPages: 100 } });
    open.push(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const value = 'x'.repeat(2000);
    const checkpointer = checkpointerOf(db)!;
    // Small commits without a pause, as under load: a PASSIVE checkpoint never reaches the
    // WAL's end then, so only a RESTART lets the WAL start over. The writers make way for it:
    // none of the RESTARTs finds the lock taken (left to the lock alone, they kept missing it
    // while the loop below held it from one commit to the next).
    let rows = 0;
    for (const deadline = Date.now() + 20_000; checkpointer.restarts < 3 && Date.now() < deadline; rows += 20) {
      await Promise.all(Array.from({ length: 20 }, () => writeCommitted(db, () => insert.run(value))));
    }
    expect({ restarts: checkpointer.restarts, busy: checkpointer.busyRestarts }).toEqual({ restarts: 3, busy: 0 });
    expect(checkpointer.count).toBeGreaterThan(checkpointer.restarts);
    await writeCommitted(db, () => insert.run(value));
    rows++;
    // After the RESTART the commits wrote at the WAL's start again: it holds only the few made
    // since (this thread hears of the RESTART a turn of the event loop or two after it).
    const [wal] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(wal.log).toBeLessThan(100);
    expect(errors).toEqual([]);

    await closeDatabase(db);
    // The last connection to close folds the WAL into the file.
    expect(walSize(dir)).toBe(0);
    const again = openDatabase(dir);
    expect(again.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: rows });
    again.close();
  });

  it('says so when its thread dies (here: it cannot open the file), and not when it is stopped', async () => {
    const missing = path.join(os.tmpdir(), `no-such-dir-${process.pid}-${Date.now()}`, 'bot.sqlite');
    const dead = await new Promise<string>((resolve) => {
      startCheckpointer(missing, () => undefined, DEFAULT_CHECKPOINTER, resolve);
    });
    expect(dead).toMatch(/checkpoint thread stopped \(exit code 1: Cannot open database because the directory does not exist\)/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
    const deaths: string[] = [];
    const fine = startCheckpointer(path.join(dir, 'ok.sqlite'), () => undefined, { intervalMs: 10, restartPages: 100 }, (m) => deaths.push(m));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fine.stop();
    expect(deaths).toEqual([]);
  });

  it('is not started unless asked for (tools and tests that open the file briefly)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
    const db = openDatabase(dir);
    expect(checkpointerOf(db)).toBeUndefined();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
