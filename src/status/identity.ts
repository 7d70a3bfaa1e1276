import jwt from 'jsonwebtoken';
import { parseEmailAddress } from '../escalation/email-address';

/**
 * The seller's proven BigSeller account on the web: the host website signs a short-lived HS256
 * JWT (WEB_IDENTITY_SECRET) whose `sub` is the account id. Anything else (forged, expired, no
 * expiry, other algorithm) means an anonymous chat that gets the knowledge base only.
 * An optional `email` claim is returned too: the hand-over then offers it instead of asking.
 */
export function verifiedIdentity(token: unknown, secret: string | undefined, now: Date = new Date()): { accountId: string; email?: string } | undefined {
  if (!secret || typeof token !== 'string' || token.length > 4096) return undefined;
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], clockTimestamp: Math.floor(now.getTime() / 1000) });
    if (typeof claims !== 'object' || typeof claims.sub !== 'string' || !claims.sub || typeof claims.exp !== 'number') return undefined;
    const email = typeof claims.email === 'string' ? parseEmailAddress(claims.email) : undefined;
    return { accountId: claims.sub, ...(email ? { email } : {}) };
  } catch {
    return undefined;
  }
}

/** What the host website (or the sandbox sign-in page) does to vouch for a seller. */
export function signIdentity(accountId: string, secret: string, ttlSeconds = 3600, email?: string): string {
  return jwt.sign({ sub: accountId, ...(email ? { email } : {}) }, secret, { algorithm: 'HS256', expiresIn: ttlSeconds });
}
