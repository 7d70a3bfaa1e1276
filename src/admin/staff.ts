import crypto from 'node:crypto';
import argon2 from 'argon2';
import { parseEmailAddress } from '../escalation/email-address';
import type { StaffStore } from '../storage/staff-store';

/** A console session lasts a working day; then the login page again. */
export const SESSION_HOURS = 12;
export const MIN_PASSWORD_LENGTH = 10;

export class StaffError extends Error {}

/**
 * Support staff's accounts and sessions for the console. Passwords are hashed with argon2id
 * (the library's defaults: 64 MiB, 3 passes); a session is a random token whose SHA-256 alone
 * is stored. A login with an unknown address costs the same as a wrong password, so timing
 * does not tell which addresses have accounts.
 */
export class StaffAuth {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly store: StaffStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates the account or sets a new password (ending its sessions); true when it was new. */
  async setPassword(email: string, password: string): Promise<boolean> {
    const address = normalEmail(email);
    if (!address) throw new StaffError(`"${email}" is not an e-mail address`);
    if (password.length < MIN_PASSWORD_LENGTH) throw new StaffError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
    return this.store.putAccount({ email: address, passwordHash, createdAt: this.now().toISOString() });
  }

  remove(email: string): Promise<boolean> {
    return this.store.removeAccount(normalEmail(email) ?? email);
  }

  accounts(): ReturnType<StaffStore['accounts']> {
    return this.store.accounts();
  }

  /** A new session's token for the right password, undefined otherwise. */
  async login(email: string, password: string): Promise<{ token: string; email: string; expiresAt: Date } | undefined> {
    const address = normalEmail(email);
    const account = address ? await this.store.account(address) : undefined;
    const hash = account?.passwordHash ?? (await (this.dummyHash ??= argon2.hash(crypto.randomBytes(16).toString('hex'))));
    const ok = await argon2.verify(hash, password).catch(() => false);
    if (!ok || !account) return undefined;
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + SESSION_HOURS * 3600_000);
    await this.store.createSession(tokenHash(token), account.email, expiresAt);
    return { token, email: account.email, expiresAt };
  }

  /** The signed-in address of a session token, while the session lasts. */
  sessionOf(token: string): Promise<string | undefined> {
    return this.store.session(tokenHash(token));
  }

  logout(token: string): Promise<void> {
    return this.store.deleteSession(tokenHash(token));
  }
}

function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** The whole input is one address (not a sentence holding one), in lower case. */
function normalEmail(email: string): string | undefined {
  const typed = email.trim();
  return parseEmailAddress(typed) === typed ? typed.toLowerCase() : undefined;
}
