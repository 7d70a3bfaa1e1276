import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, writeCommitted, type Db } from '../../src/storage/sqlite';

/** The shared commit of SQLite writes: callers hear of a write only once it is durable. */
describe('writeCommitted', () => {
  let dir: string;
  let db: Db;
  let other: Database.Database;
  const rows = () => (other.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-'));
    db = openDatabase(dir);
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
    // A second connection sees only what is committed.
    other = new Database(path.join(dir, 'bot.sqlite'));
  });
  afterEach(() => {
    other.close();
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together, then resolves each of them', async () => {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const writes = [1, 2, 3].map((v) => writeCommitted(db, () => insert.run(v).changes));
    expect(rows()).toEqual([]); // not yet committed: nobody has been told
    expect(await Promise.all(writes)).toEqual([1, 1, 1]);
    expect(rows()).toEqual([1, 2, 3]);
  });

  it('commits a write made by a caller that heard of its commit before the next turn of the event loop', async () => {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    await new Promise((r) => setImmediate(r)); // a turn of the loop of its own, away from other tests' commits
    await writeCommitted(db, () => insert.run(1));
    // Here the commit's callers go on, inside the event loop's check phase.
    const order: string[] = [];
    setImmediate(() => order.push('next turn of the loop'));
    await Promise.resolve();
    await writeCommitted(db, () => insert.run(2));
    order.push('second write committed');
    expect(rows()).toEqual([1, 2]);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['second write committed', 'next turn of the loop']);
  });

  it('lets the event loop in between the commits of a caller that writes again and again', async () => {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let loopTurns = 0;
    let writing = true;
    const count = () => {
      loopTurns++;
      if (writing) setImmediate(count);
    };
    setImmediate(count);
    for (let v = 1; v <= 20; v++) await writeCommitted(db, () => insert.run(v));
    writing = false;
    expect(rows()).toHaveLength(20);
    // Every second commit at least waits for the next turn of the loop.
    expect(loopTurns).toBeGreaterThanOrEqual(9);
  });

  it('rejects a failing write alone; the others are committed', async () => {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([writeCommitted(db, () => insert.run(1)), writeCommitted(db, () => insert.run(1)), writeCommitted(db, () => insert.run(2))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual([1, 2]);
  });

  it('commits pending writes when the database is closed', async () => {
    const pending = writeCommitted(db, () => db.prepare('INSERT INTO t (v) VALUES (7)').run());
    db.close();
    await expect(pending).resolves.toBeDefined();
    expect(rows()).toEqual([7]);
  });

  it('joins a transaction the caller has open', async () => {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const tx = db.transaction(() => {
      void writeCommitted(db, () => insert.run(5));
      throw new Error('roll back');
    });
    expect(() => tx()).toThrow('roll back');
    await new Promise((r) => setImmediate(r));
    expect(rows()).toEqual([]);
  });
});
