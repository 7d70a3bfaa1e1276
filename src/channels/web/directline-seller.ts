import type { Request } from 'express';
import type { DirectLineConversation, DirectLineStore } from '../../storage/directline-store';
import { conversationOf } from './directline-http';
import type { ConversationTokens, TokenClaims } from './directline-tokens';
import { BOT, type DirectLineTurns } from './directline-turns';

/** What the routes that take the seller's messages share: posted activities and uploads. */

/** The conversation of `/conversations/:id/...`, once the request's token opens it (401, 403, 404 otherwise). */
export async function requestedConversation(
  req: Request,
  tokens: ConversationTokens,
  store: DirectLineStore,
): Promise<{ claims: TokenClaims; conversation: DirectLineConversation }> {
  const claims = tokens.claimsOf(req, req.params.id);
  return { claims, conversation: await conversationOf(store, req.params.id) };
}

export interface SellerActivity {
  /** The text as the conversation keeps it (secrets masked). */
  heard?: string;
  locale?: string;
  clientActivityID?: string;
  /** What else the activity shows: a button's value, the pictures. */
  shows?: Record<string, unknown>;
}

/**
 * Stores the seller's activity and, unless its clientActivityID was already accepted (a client
 * retrying: `repeated`, nothing else is done), the typing indicator the client shows until the
 * answer is there.
 */
export async function acceptSellerActivity(turns: DirectLineTurns, conversationId: string, user: string, a: SellerActivity): Promise<{ id: string; repeated?: true }> {
  const { id, repeated } = await turns.append(conversationId, {
    type: 'message',
    from: { id: user, role: 'user' },
    ...(a.heard !== undefined ? { text: a.heard } : {}),
    ...a.shows,
    ...(a.locale ? { locale: a.locale } : {}),
    ...(a.clientActivityID ? { channelData: { clientActivityID: a.clientActivityID } } : {}),
  });
  if (repeated) return { id, repeated };
  await turns.append(conversationId, { type: 'typing', from: BOT });
  return { id };
}
