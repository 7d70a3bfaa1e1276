import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import { RETENTION_DAYS } from '../../storage/directline-store';
import { claimsIn, type TokenClaims } from './directline-tokens';

/** A resume key lasts as long as Direct Line keeps an idle conversation. */
export const RESUME_TTL_SECONDS = RETENTION_DAYS * 24 * 3600;

/**
 * Resume keys give a conversation back to its user once its 30-minute tokens are gone: HS256
 * JWTs naming the conversation and the user, signed with a key derived from the tokens' secret
 * for this use alone, so that a resume key opens nothing as a Bearer token and a token resumes
 * nothing.
 */
export class ResumeKeys {
  constructor(
    /** The conversation tokens' secret, read per key (it may be loaded after start-up). */
    private readonly tokenSecret: () => string,
    private readonly now: () => Date,
  ) {}

  issue(claims: TokenClaims): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    return jwt.sign({ conv: claims.conv, user: claims.user, iat, exp: iat + RESUME_TTL_SECONDS }, this.secret(), { algorithm: 'HS256' });
  }

  /** The claims of a resume key; undefined for anything else (forged, expired, a token, not a string). */
  claimsOf(key: unknown): TokenClaims | undefined {
    if (typeof key !== 'string' || key.length > 2048) return undefined;
    try {
      return claimsIn(jwt.verify(key, this.secret(), { algorithms: ['HS256'], clockTimestamp: Math.floor(this.now().getTime() / 1000) }));
    } catch {
      return undefined;
    }
  }

  private secret(): string {
    return crypto.createHmac('sha256', this.tokenSecret()).update('directline resume key').digest('base64url');
  }
}
