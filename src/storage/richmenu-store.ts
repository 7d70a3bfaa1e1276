import type Redis from 'ioredis';
import type { Db } from './sqlite';

/**
 * Which LINE rich menus the bot published, by menu key (`unlinked-th`, `linked-en`, ...): the
 * current menu's id and version, and the menus it replaced that may still be linked to sellers
 * (`retired`), so that a replacement stopped half-way is finished by the next run. Beside it,
 * which menu each seller was last given, so a turn asks LINE only when that has to change.
 */
export interface PublishedMenu {
  id: string;
  version: string;
}

export interface MenuRecord {
  current?: PublishedMenu;
  /** Ids of earlier menus not deleted yet: their sellers still have to be moved to `current`. */
  retired: string[];
}

export interface RichMenuStore {
  get(key: string): Promise<MenuRecord>;
  put(key: string, record: MenuRecord): Promise<void>;
  /** Every key with a record: what a run compares against. */
  keys(): Promise<string[]>;
  /** The menu key a seller was last linked to, if the bot did it. */
  sellerMenu(lineUserId: string): Promise<string | undefined>;
  setSellerMenu(lineUserId: string, key: string): Promise<void>;
}

const EMPTY: MenuRecord = { retired: [] };

function parse(raw: string | null | undefined): MenuRecord {
  if (!raw) return { ...EMPTY, retired: [] };
  const v = JSON.parse(raw) as Partial<MenuRecord>;
  return { ...(v.current ? { current: v.current } : {}), retired: Array.isArray(v.retired) ? v.retired : [] };
}

export class SqliteRichMenuStore implements RichMenuStore {
  constructor(private readonly db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS line_richmenu (key TEXT PRIMARY KEY, record TEXT NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS line_seller_menu (line_user_id TEXT PRIMARY KEY, menu_key TEXT NOT NULL)');
  }

  async get(key: string): Promise<MenuRecord> {
    const row = this.db.prepare('SELECT record FROM line_richmenu WHERE key = ?').get(key) as { record: string } | undefined;
    return parse(row?.record);
  }

  async put(key: string, record: MenuRecord): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO line_richmenu (key, record) VALUES (?, ?)').run(key, JSON.stringify(record));
  }

  async keys(): Promise<string[]> {
    return (this.db.prepare('SELECT key FROM line_richmenu ORDER BY key').all() as { key: string }[]).map((r) => r.key);
  }

  async sellerMenu(lineUserId: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT menu_key FROM line_seller_menu WHERE line_user_id = ?').get(lineUserId) as { menu_key: string } | undefined;
    return row?.menu_key;
  }

  async setSellerMenu(lineUserId: string, key: string): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO line_seller_menu (line_user_id, menu_key) VALUES (?, ?)').run(lineUserId, key);
  }
}

export class RedisRichMenuStore implements RichMenuStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:line:',
  ) {}

  async get(key: string): Promise<MenuRecord> {
    return parse(await this.redis.hget(`${this.prefix}richmenu`, key));
  }

  async put(key: string, record: MenuRecord): Promise<void> {
    await this.redis.hset(`${this.prefix}richmenu`, key, JSON.stringify(record));
  }

  async keys(): Promise<string[]> {
    return (await this.redis.hkeys(`${this.prefix}richmenu`)).sort();
  }

  async sellerMenu(lineUserId: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}menu:${lineUserId}`)) ?? undefined;
  }

  async setSellerMenu(lineUserId: string, key: string): Promise<void> {
    await this.redis.set(`${this.prefix}menu:${lineUserId}`, key);
  }
}
