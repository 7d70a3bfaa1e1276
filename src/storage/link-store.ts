import crypto from 'node:crypto';
import type Redis from 'ioredis';
import type { Db } from './sqlite';

/**
 * LINE account linking: which BigSeller account a LINE user has proven. The flow's one-time
 * values live here too: the link token LINE issued for a user, and the nonce the bot hands the
 * back office once it has signed the seller in. A nonce is single-use, expires, and only links
 * the LINE user its link token was issued for.
 */
export interface LinkStore {
  rememberLinkToken(linkToken: string, lineUserId: string, ttlSeconds: number): Promise<void>;
  /** The back office confirmed a sign-in for this link token: a fresh nonce, or undefined if unknown/expired. */
  issueNonce(linkToken: string, accountId: string, ttlSeconds: number): Promise<string | undefined>;
  /** Uses a nonce up: the account it stands for, if it exists, is fresh and belongs to this LINE user. */
  consumeNonce(nonce: string, lineUserId: string): Promise<string | undefined>;
  link(lineUserId: string, accountId: string): Promise<void>;
  accountOf(lineUserId: string): Promise<string | undefined>;
  unlink(lineUserId: string): Promise<boolean>;
  /** Every linked LINE user and its account, a page at a time (the proactive expiry warning reads them all). */
  linkedSellers(pageSize?: number): AsyncIterable<LinkedSeller>;
}

export interface LinkedSeller {
  lineUserId: string;
  accountId: string;
}

const PAGE = 500;

export const newNonce = () => crypto.randomBytes(24).toString('base64url');

export class SqliteLinkStore implements LinkStore {
  /** Asked on every LINE turn: prepared once. */
  private readonly accountStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS line_link_token (token TEXT PRIMARY KEY, line_user_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
    db.exec(`CREATE TABLE IF NOT EXISTS line_link_nonce (nonce TEXT PRIMARY KEY, line_user_id TEXT NOT NULL, account_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
    db.exec(`CREATE TABLE IF NOT EXISTS line_account (line_user_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, linked_at INTEGER NOT NULL)`);
    this.accountStmt = db.prepare<[string], { account_id: string }>('SELECT account_id FROM line_account WHERE line_user_id = ?');
  }

  async rememberLinkToken(linkToken: string, lineUserId: string, ttlSeconds: number): Promise<void> {
    this.db.prepare('DELETE FROM line_link_token WHERE expires_at < ?').run(this.now());
    this.db
      .prepare('INSERT OR REPLACE INTO line_link_token (token, line_user_id, expires_at) VALUES (?, ?, ?)')
      .run(linkToken, lineUserId, this.now() + ttlSeconds * 1000);
  }

  async issueNonce(linkToken: string, accountId: string, ttlSeconds: number): Promise<string | undefined> {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT line_user_id FROM line_link_token WHERE token = ? AND expires_at > ?').get(linkToken, this.now()) as
        | { line_user_id: string }
        | undefined;
      if (!row) return undefined;
      // The link token serves one confirmation only.
      this.db.prepare('DELETE FROM line_link_token WHERE token = ?').run(linkToken);
      const nonce = newNonce();
      this.db
        .prepare('INSERT INTO line_link_nonce (nonce, line_user_id, account_id, expires_at) VALUES (?, ?, ?, ?)')
        .run(nonce, row.line_user_id, accountId, this.now() + ttlSeconds * 1000);
      return nonce;
    })();
  }

  async consumeNonce(nonce: string, lineUserId: string): Promise<string | undefined> {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT line_user_id, account_id, expires_at FROM line_link_nonce WHERE nonce = ?').get(nonce) as
        | { line_user_id: string; account_id: string; expires_at: number }
        | undefined;
      if (!row) return undefined;
      this.db.prepare('DELETE FROM line_link_nonce WHERE nonce = ?').run(nonce);
      return row.line_user_id === lineUserId && row.expires_at > this.now() ? row.account_id : undefined;
    })();
  }

  async link(lineUserId: string, accountId: string): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO line_account (line_user_id, account_id, linked_at) VALUES (?, ?, ?)').run(lineUserId, accountId, this.now());
  }

  async accountOf(lineUserId: string): Promise<string | undefined> {
    return this.accountStmt.get(lineUserId)?.account_id;
  }

  async unlink(lineUserId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM line_account WHERE line_user_id = ?').run(lineUserId).changes > 0;
  }

  /** In pages by LINE user id: a link made or removed meanwhile is seen or not, nothing is seen twice. */
  async *linkedSellers(pageSize = PAGE): AsyncIterable<LinkedSeller> {
    const page = this.db.prepare<[string, number], { line_user_id: string; account_id: string }>(
      'SELECT line_user_id, account_id FROM line_account WHERE line_user_id > ? ORDER BY line_user_id LIMIT ?',
    );
    let after = '';
    for (;;) {
      const rows = page.all(after, pageSize);
      for (const r of rows) yield { lineUserId: r.line_user_id, accountId: r.account_id };
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.line_user_id;
    }
  }
}

/**
 * Links are `account:<LINE user id>` keys; the set `linked` indexes them so they can be listed
 * without scanning the keyspace. link and unlink keep both in one MULTI. Links made before the
 * index existed are added to it by the first listing (one SCAN, then the flag `linked:indexed`);
 * a listed user whose link is gone is dropped from the index as it is met.
 */
export class RedisLinkStore implements LinkStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:line:',
  ) {}

  private get index(): string {
    return `${this.prefix}linked`;
  }

  async rememberLinkToken(linkToken: string, lineUserId: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`${this.prefix}token:${linkToken}`, lineUserId, 'EX', ttlSeconds);
  }

  async issueNonce(linkToken: string, accountId: string, ttlSeconds: number): Promise<string | undefined> {
    const lineUserId = await this.redis.getdel(`${this.prefix}token:${linkToken}`);
    if (!lineUserId) return undefined;
    const nonce = newNonce();
    await this.redis.set(`${this.prefix}nonce:${nonce}`, JSON.stringify({ lineUserId, accountId }), 'EX', ttlSeconds);
    return nonce;
  }

  async consumeNonce(nonce: string, lineUserId: string): Promise<string | undefined> {
    // GETDEL: of two instances receiving the same event, one gets the nonce, the other nothing.
    const raw = await this.redis.getdel(`${this.prefix}nonce:${nonce}`);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as { lineUserId: string; accountId: string };
    return v.lineUserId === lineUserId ? v.accountId : undefined;
  }

  async link(lineUserId: string, accountId: string): Promise<void> {
    await this.redis.multi().set(`${this.prefix}account:${lineUserId}`, accountId).sadd(this.index, lineUserId).exec();
  }

  async accountOf(lineUserId: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}account:${lineUserId}`)) ?? undefined;
  }

  async unlink(lineUserId: string): Promise<boolean> {
    const done = await this.redis.multi().del(`${this.prefix}account:${lineUserId}`).srem(this.index, lineUserId).exec();
    return Number(done?.[0]?.[1] ?? 0) > 0;
  }

  async *linkedSellers(pageSize = PAGE): AsyncIterable<LinkedSeller> {
    await this.indexEarlierLinks();
    let cursor = '0';
    do {
      const [next, ids] = await this.redis.sscan(this.index, cursor, 'COUNT', pageSize);
      cursor = next;
      if (ids.length === 0) continue;
      const accounts = await this.redis.mget(ids.map((id) => `${this.prefix}account:${id}`));
      const gone = ids.filter((_, i) => accounts[i] === null);
      if (gone.length > 0) await this.redis.srem(this.index, ...gone);
      for (const [i, lineUserId] of ids.entries()) {
        const accountId = accounts[i];
        if (accountId) yield { lineUserId, accountId };
      }
    } while (cursor !== '0');
  }

  /** Data written before the index existed: its links join the index once. */
  private async indexEarlierLinks(): Promise<void> {
    const flag = `${this.index}:indexed`;
    if (await this.redis.exists(flag)) return;
    const keyPrefix = `${this.prefix}account:`;
    const match = `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.redis.sadd(this.index, ...keys.map((k) => k.slice(keyPrefix.length)));
    } while (cursor !== '0');
    await this.redis.set(flag, '1');
  }
}
