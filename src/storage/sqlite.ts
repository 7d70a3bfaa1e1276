import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * The embedded default storage: one SQLite file in DATA_DIR, created on first start.
 * Each store creates its own tables (CREATE TABLE IF NOT EXISTS) so they stay independent.
 */
export function openDatabase(dataDir: string, file = 'bot.sqlite'): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  return db;
}

/** A random secret generated once and kept in the database (token signing without configuration). */
export function persistentSecret(db: Db, name: string): string {
  const key = `secret:${name}`;
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  if (row) return row.value;
  const value = crypto.randomBytes(32).toString('base64url');
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
}
