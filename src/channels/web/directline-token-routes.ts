import crypto from 'node:crypto';
import type { Router } from 'express';
import { verifiedIdentity } from '../../status/identity';
import type { DirectLineStore } from '../../storage/directline-store';
import { requestIdOf } from '../request-id';
import { wrap } from './directline-http';
import { TOKEN_TTL_SECONDS, type ConversationTokens } from './directline-tokens';
import type { DirectLineTurns } from './directline-turns';
import { localeOf } from './directline-validation';

export interface TokenRouteDeps {
  store: DirectLineStore;
  tokens: ConversationTokens;
  turns: DirectLineTurns;
  now: () => Date;
  /** Verifies the host website's identity token; unset, every chat is anonymous. */
  identitySecret?: () => string;
}

/** /tokens/generate opens a conversation (welcome included) and /tokens/refresh extends its token. */
export function addTokenRoutes(router: Router, deps: TokenRouteDeps): void {
  const { store, tokens, turns, now } = deps;

  router.post(
    '/tokens/generate',
    wrap(async (req, res) => {
      const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as {
        user?: { id?: unknown };
        identity?: unknown;
        locale?: unknown;
      };
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
      res.json({ conversationId, token: tokens.issue({ conv: conversationId, user: userId }), expires_in: TOKEN_TTL_SECONDS, signedIn: !!accountId });
    }),
  );

  router.post(
    '/tokens/refresh',
    wrap(async (req, res) => {
      const claims = tokens.claimsOf(req);
      res.json({ conversationId: claims.conv, token: tokens.issue(claims), expires_in: TOKEN_TTL_SECONDS });
    }),
  );
}
