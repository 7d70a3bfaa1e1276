import type { Request, Router } from 'express';
import type { Turn } from '../../conversation/messages';
import type { DirectLineStore } from '../../storage/directline-store';
import { requestIdOf } from '../request-id';
import { conversationOf, wrap } from './directline-http';
import { TOKEN_TTL_SECONDS, type ConversationTokens } from './directline-tokens';
import type { DirectLineTurns } from './directline-turns';
import { acceptSellerActivity, requestedConversation } from './directline-seller';
import { parseWatermark, userMessageOf } from './directline-validation';

export interface ConversationRouteDeps {
  store: DirectLineStore;
  tokens: ConversationTokens;
  turns: DirectLineTurns;
  now: () => Date;
  maxText: number;
}

/** The stream's address as the client reached us (behind a TLS proxy: wss). */
function streamUrl(req: Request, conversationId: string, token: string, watermark?: number): string {
  const scheme = req.protocol === 'https' ? 'wss' : 'ws';
  const query = new URLSearchParams({ t: token, ...(watermark ? { watermark: String(watermark) } : {}) });
  return `${scheme}://${req.get('host')}${req.baseUrl}/conversations/${encodeURIComponent(conversationId)}/stream?${query}`;
}

/** /conversations: start or resume the stream, post the seller's messages, poll the activities. */
export function addConversationRoutes(router: Router, deps: ConversationRouteDeps): void {
  const { store, tokens, turns, now } = deps;

  router.post(
    '/conversations',
    wrap(async (req, res) => {
      const claims = tokens.claimsOf(req);
      await conversationOf(store, claims.conv);
      const token = tokens.issue(claims);
      res.status(201).json({ conversationId: claims.conv, token, expires_in: TOKEN_TTL_SECONDS, streamUrl: streamUrl(req, claims.conv, token) });
    }),
  );

  // Reconnect (Direct Line 3.0): a fresh token and stream address, the stream resuming after the watermark.
  router.get(
    '/conversations/:id',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      const claims = tokens.claimsOf(req, conversationId);
      await conversationOf(store, conversationId);
      const token = tokens.issue(claims);
      res.json({ conversationId, token, expires_in: TOKEN_TTL_SECONDS, streamUrl: streamUrl(req, conversationId, token, parseWatermark(req.query.watermark)) });
    }),
  );

  router.post(
    '/conversations/:id/activities',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      const { claims, conversation } = await requestedConversation(req, tokens, store);
      const message = userMessageOf(req.body, deps.maxText);
      if (message === 'ignored') {
        res.json({ id: `${conversationId}|ignored` });
        return;
      }
      const { text, action, locale, clientActivityID } = message;
      const turn: Turn = {
        channel: 'web',
        conversationId,
        userId: claims.user,
        kind: action ? 'action' : 'message',
        text,
        action,
        locale,
        accountId: conversation.accountId,
        at: now().toISOString(),
        requestId: requestIdOf(res),
      };
      // Stored as the conversation keeps it: the history (and the widget's copy after a reload)
      // never holds a secret, nor the message after "นี่รหัสผ่านนะคะ". Heard after the turns before
      // it (the lock), which may have announced one. The core gets the original text: it must
      // see the secret to warn the seller about it.
      const heard = text === undefined ? undefined : await turns.hear(turn, text);
      const shows = action ? { value: { action } } : {};
      const { id, repeated } = await acceptSellerActivity(turns, conversationId, claims.user, { heard, locale, clientActivityID, shows });
      res.json({ id });
      // A client retrying a message the bot already has: the same id, and no second answer.
      if (!repeated) turns.runLater(turn, id, heard);
    }),
  );

  router.get(
    '/conversations/:id/activities',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      tokens.claimsOf(req, conversationId);
      const { activities, watermark } = await store.listActivities(conversationId, parseWatermark(req.query.watermark));
      res.json({ activities, watermark: String(watermark) });
    }),
  );
}
