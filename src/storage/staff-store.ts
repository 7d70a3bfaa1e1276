import type Redis from 'ioredis';
import { writeCommitted, type Db } from './sqlite';

/**
 * Support staff's console accounts and their sessions. Only hashes are kept: the password's
 * (argon2, src/admin/staff.ts) and the session token's (SHA-256), so what is stored lets nobody in.
 */
export interface StaffStore {
  /** Creates the account, or replaces its password; true when it was new. */
  putAccount(account: StaffAccount): Promise<boolean>;
  account(email: string): Promise<StaffAccount | undefined>;
  accounts(): Promise<Omit<StaffAccount, 'passwordHash'>[]>;
  /** Removes the account and ends its sessions; false when there was none. */
  removeAccount(email: string): Promise<boolean>;
  createSession(tokenHash: string, email: string, expiresAt: Date): Promise<void>;
  /** The session's account, while it has not expired. */
  session(tokenHash: string): Promise<string | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
}

export interface StaffAccount {
  email: string;
  passwordHash: string;
  createdAt: string;
}

export class SqliteStaffStore implements StaffStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS staff_accounts (email TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS staff_sessions (token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, expires_at INTEGER NOT NULL);`);
  }

  async putAccount(a: StaffAccount): Promise<boolean> {
    return writeCommitted(this.db, () => {
      const had = this.db.prepare('SELECT 1 FROM staff_accounts WHERE email = ?').get(a.email) !== undefined;
      if (had) this.db.prepare('UPDATE staff_accounts SET password_hash = ? WHERE email = ?').run(a.passwordHash, a.email);
      else this.db.prepare('INSERT INTO staff_accounts (email, password_hash, created_at) VALUES (?, ?, ?)').run(a.email, a.passwordHash, a.createdAt);
      // A new password ends the sessions opened with the old one.
      if (had) this.db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(a.email);
      return !had;
    });
  }

  async account(email: string): Promise<StaffAccount | undefined> {
    const r = this.db.prepare<[string], { email: string; password_hash: string; created_at: string }>('SELECT * FROM staff_accounts WHERE email = ?').get(email);
    return r ? { email: r.email, passwordHash: r.password_hash, createdAt: r.created_at } : undefined;
  }

  async accounts(): Promise<Omit<StaffAccount, 'passwordHash'>[]> {
    return this.db
      .prepare<[], { email: string; created_at: string }>('SELECT email, created_at FROM staff_accounts ORDER BY email')
      .all()
      .map((r) => ({ email: r.email, createdAt: r.created_at }));
  }

  async removeAccount(email: string): Promise<boolean> {
    return writeCommitted(this.db, () => {
      this.db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(email);
      return this.db.prepare('DELETE FROM staff_accounts WHERE email = ?').run(email).changes > 0;
    });
  }

  async createSession(tokenHash: string, email: string, expiresAt: Date): Promise<void> {
    await writeCommitted(this.db, () => {
      this.db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?').run(this.now());
      this.db.prepare('INSERT INTO staff_sessions (token_hash, email, expires_at) VALUES (?, ?, ?)').run(tokenHash, email, expiresAt.getTime());
    });
  }

  async session(tokenHash: string): Promise<string | undefined> {
    return this.db.prepare<[string, number], { email: string }>('SELECT email FROM staff_sessions WHERE token_hash = ? AND expires_at > ?').get(tokenHash, this.now())?.email;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await writeCommitted(this.db, () => this.db.prepare('DELETE FROM staff_sessions WHERE token_hash = ?').run(tokenHash));
  }
}

/** Shared by every instance: a session opened on one is valid on all. Sessions expire in Redis. */
export class RedisStaffStore implements StaffStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:staff:',
  ) {}

  async putAccount(a: StaffAccount): Promise<boolean> {
    const key = `${this.prefix}account:${a.email}`;
    const existing = await this.account(a.email);
    await this.redis.set(key, JSON.stringify(existing ? { ...existing, passwordHash: a.passwordHash } : a));
    if (existing) await this.endSessions(a.email);
    return !existing;
  }

  async account(email: string): Promise<StaffAccount | undefined> {
    const raw = await this.redis.get(`${this.prefix}account:${email}`);
    return raw ? (JSON.parse(raw) as StaffAccount) : undefined;
  }

  async accounts(): Promise<Omit<StaffAccount, 'passwordHash'>[]> {
    const found: Omit<StaffAccount, 'passwordHash'>[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}account:*`, 'COUNT', 200);
      cursor = next;
      const values = keys.length > 0 ? await this.redis.mget(...keys) : [];
      for (const raw of values) {
        if (!raw) continue;
        const { email, createdAt } = JSON.parse(raw) as StaffAccount;
        found.push({ email, createdAt });
      }
    } while (cursor !== '0');
    return found.sort((a, b) => a.email.localeCompare(b.email));
  }

  async removeAccount(email: string): Promise<boolean> {
    await this.endSessions(email);
    return (await this.redis.del(`${this.prefix}account:${email}`)) > 0;
  }

  async createSession(tokenHash: string, email: string, expiresAt: Date): Promise<void> {
    const ms = Math.max(1, expiresAt.getTime() - Date.now());
    await this.redis.multi().set(`${this.prefix}session:${tokenHash}`, email, 'PX', ms).sadd(`${this.prefix}sessions:${email}`, tokenHash).exec();
  }

  async session(tokenHash: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}session:${tokenHash}`)) ?? undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.redis.del(`${this.prefix}session:${tokenHash}`);
  }

  private async endSessions(email: string): Promise<void> {
    const hashes = await this.redis.smembers(`${this.prefix}sessions:${email}`);
    const tx = this.redis.multi().del(`${this.prefix}sessions:${email}`);
    for (const h of hashes) tx.del(`${this.prefix}session:${h}`);
    await tx.exec();
  }
}
