import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { HttpError } from './directline-http';

export const TOKEN_TTL_SECONDS = 1800;

export interface TokenClaims {
  conv: string;
  user: string;
}

export const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

/** The conversation and user a verified JWT names; undefined when it names none. */
export function claimsIn(payload: jwt.JwtPayload | string): TokenClaims | undefined {
  if (typeof payload !== 'object' || typeof payload.conv !== 'string' || typeof payload.user !== 'string') return undefined;
  return { conv: payload.conv, user: payload.user };
}

/** The conversation tokens: HS256 JWTs, each opening one conversation for one user. */
export class ConversationTokens {
  constructor(
    /** Read per token, as the secret may be loaded after start-up. */
    private readonly secret: () => string,
    private readonly now: () => Date,
  ) {}

  issue(claims: TokenClaims): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    return jwt.sign({ conv: claims.conv, user: claims.user, iat, exp: iat + TOKEN_TTL_SECONDS }, this.secret(), { algorithm: 'HS256' });
  }

  /**
   * As Direct Line 3.0 answers: 401 for a missing or forged token, 403 for an expired one (its
   * signature holds) and for another conversation's (a token opens only its own); the claims
   * otherwise.
   */
  claimsFor(token: string | undefined, conversationId?: string): TokenClaims {
    if (!token) throw new HttpError(401, 'unauthorized', 'A Bearer token is required (Authorization: Bearer <token>)');
    const claims = this.verify(token);
    if (conversationId !== undefined && claims.conv !== conversationId) throw new HttpError(403, 'forbidden', 'This token is not for this conversation');
    return claims;
  }

  /** The claims of the request's Bearer token, as claimsFor checks them. */
  claimsOf(req: Request, conversationId?: string): TokenClaims {
    return this.claimsFor(bearerToken(req.get('authorization')), conversationId);
  }

  private verify(token: string): TokenClaims {
    let claims: TokenClaims | undefined;
    try {
      claims = claimsIn(jwt.verify(token, this.secret(), { algorithms: ['HS256'], clockTimestamp: Math.floor(this.now().getTime() / 1000) }));
    } catch (err) {
      // jsonwebtoken checks the signature before the expiry: an expired token is one of ours.
      if (err instanceof jwt.TokenExpiredError) throw new HttpError(403, 'token_expired', 'The token has expired');
    }
    if (!claims) throw new HttpError(401, 'unauthorized', 'The token is invalid');
    return claims;
  }
}
