import crypto from 'node:crypto';
import type { Router } from 'express';
import { verifiedIdentity } from '../../status/identity';
import type { DirectLineStore } from '../../storage/directline-store';
import { requestIdOf } from '../request-id';
import { wrap } from './directline-http';
import type { ResumeKeys } from './directline-resume';
import { TOKEN_TTL_SECONDS, type ConversationTokens, type TokenClaims } from './directline-tokens';
import type { DirectLineTurns } from './directline-turns';
import { localeOf } from './directline-validation';

export interface TokenRouteDeps {
  store: DirectLineStore;
  tokens: ConversationTokens;
  resumeKeys: ResumeKeys;
  turns: DirectLineTurns;
  now: () => Date;
  /** Verifies the host website's identity token; unset, every chat is anonymous. */
  identitySecret?: () => string;
}

interface GenerateBody {
  user?: { id?: unknown };
  identity?: unknown;
  locale?: unknown;
  resume?: unknown;
}

/**
 * /tokens/generate opens a conversation (welcome included), or gives back the one a resume key
 * names; /tokens/refresh extends a conversation's token.
 */
export function addTokenRoutes(router: Router, deps: TokenRouteDeps): void {
  const { store, tokens, resumeKeys, turns, now } = deps;
  /** What every token answer carries: the token, and the key that outlives it. */
  const access = (claims: TokenClaims) => ({
    conversationId: claims.conv,
    token: tokens.issue(claims),
    expires_in: TOKEN_TTL_SECONDS,
    resumeKey: resumeKeys.issue(claims),
  });

  /**
   * The conversation a resume key names, if it is still kept, is still its user's and, when the
   * page vouches for a seller, that seller's. Undefined otherwise: a new conversation is opened.
   */
  async function resumable(body: GenerateBody) {
    const claims = body.resume === undefined ? undefined : resumeKeys.claimsOf(body.resume);
    const conversation = claims && (await store.getConversation(claims.conv));
    if (!conversation || conversation.userId !== claims.user) return undefined;
    if (body.identity !== undefined && verifiedIdentity(body.identity, deps.identitySecret?.(), now())?.accountId !== conversation.accountId) return undefined;
    return conversation;
  }

  router.post(
    '/tokens/generate',
    wrap(async (req, res) => {
      const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as GenerateBody;
      const resumed = await resumable(body);
      if (resumed) {
        // No welcome: the conversation goes on where it was.
        res.json({ ...access({ conv: resumed.conversationId, user: resumed.userId }), resumed: true, signedIn: !!resumed.accountId });
        return;
      }
      const conversationId = crypto.randomBytes(16).toString('base64url');
      const requested = typeof body.user?.id === 'string' ? body.user.id.trim() : '';
      const userId = /^[\w.:@-]{1,64}$/.test(requested) ? requested : `dl_${crypto.randomBytes(8).toString('hex')}`;
      // Forged, expired or missing identity: an anonymous chat (knowledge base only), not an error,
      // so a stale token on the host page never locks the seller out of help.
      const identity = verifiedIdentity(body.identity, deps.identitySecret?.(), now());
      const accountId = identity?.accountId;
      await store.createConversation({ conversationId, userId, accountId, createdAt: now().toISOString() });
      // Awaited: the welcome and the menu are waiting when the client first polls.
      const locale = localeOf(body.locale);
      const requestId = requestIdOf(res);
      await turns.run({ channel: 'web', conversationId, userId, kind: 'start', locale, accountId, contactEmail: identity?.email, at: now().toISOString(), requestId });
      res.json({ ...access({ conv: conversationId, user: userId }), resumed: false, signedIn: !!accountId });
    }),
  );

  router.post(
    '/tokens/refresh',
    wrap(async (req, res) => {
      res.json(access(tokens.claimsOf(req)));
    }),
  );
}
