import jwt from 'jsonwebtoken';

/**
 * The seller's proven BigSeller account on the web: the host website signs a short-lived HS256
 * JWT (WEB_IDENTITY_SECRET) whose `sub` is the account id. Anything else (forged, expired, no
 * expiry, other algorithm) means an anonymous chat that gets the knowledge base only.
 */
export function verifyIdentity(token: unknown, secret: string | undefined, now: Date = new Date()): string | undefined {
  if (!secret || typeof token !== 'string' || token.length > 4096) return undefined;
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], clockTimestamp: Math.floor(now.getTime() / 1000) });
    if (typeof claims !== 'object' || typeof claims.sub !== 'string' || !claims.sub || typeof claims.exp !== 'number') return undefined;
    return claims.sub;
  } catch {
    return undefined;
  }
}

/** What the host website (or the sandbox sign-in page) does to vouch for a seller. */
export function signIdentity(accountId: string, secret: string, ttlSeconds = 3600): string {
  return jwt.sign({ sub: accountId }, secret, { algorithm: 'HS256', expiresIn: ttlSeconds });
}
