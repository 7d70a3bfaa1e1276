import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import type { Bot } from '../../conversation/bot';
import { KeyedLock } from '../../conversation/keyed-lock';
import type { Turn } from '../../conversation/messages';
import { redact } from '../../escalation/redact';
import type { Logger } from '../../logger';
import { verifyIdentity } from '../../status/identity';
import type { DirectLineStore } from '../../storage/directline-store';
import { fromActivity, toActivities } from './render';

/**
 * The Direct Line 3.0 subset of ../shared/CONTRACTS.md, served by the bot itself, so Microsoft's
 * Web Chat, botframework-directlinejs and our own widget talk to it unchanged (polling).
 */

export const TOKEN_TTL_SECONDS = 1800;
export const MAX_TEXT_LENGTH = 2000;
const BOT = { id: 'bot', name: 'BigSeller Help', role: 'bot' };
const APOLOGY = 'ขออภัยค่ะ ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง / Sorry, something went wrong on our side. Please try again.';

interface TokenClaims {
  conv: string;
  user: string;
}

export interface DirectLineDeps {
  bot: Bot;
  store: DirectLineStore;
  tokenSecret: string;
  identitySecret?: string;
  log: Logger;
  now?: () => Date;
  maxTextLength?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createDirectLineRouter(deps: DirectLineDeps): express.Router {
  const { bot, store, tokenSecret, log } = deps;
  const now = deps.now ?? (() => new Date());
  const maxText = deps.maxTextLength ?? MAX_TEXT_LENGTH;
  const lock = new KeyedLock();
  const router = express.Router();
  // The widget is embedded on other sites: tokens travel as Bearer headers, never cookies, so
  // any origin may call.
  router.use((req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  });
  router.use(express.json({ limit: '64kb', type: () => true }));

  const issue = (claims: TokenClaims) => {
    const iat = Math.floor(now().getTime() / 1000);
    return jwt.sign({ ...claims, iat, exp: iat + TOKEN_TTL_SECONDS }, tokenSecret, { algorithm: 'HS256' });
  };

  /** 401 for a missing, forged or expired token; the claims otherwise. */
  const authenticate = (req: Request): TokenClaims => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!m) throw new HttpError(401, 'unauthorized', 'A Bearer token is required');
    try {
      const c = jwt.verify(m[1], tokenSecret, { algorithms: ['HS256'], clockTimestamp: Math.floor(now().getTime() / 1000) }) as jwt.JwtPayload;
      if (typeof c.conv !== 'string' || typeof c.user !== 'string') throw new Error('claims');
      return { conv: c.conv, user: c.user };
    } catch {
      throw new HttpError(401, 'unauthorized', 'The token is invalid or has expired');
    }
  };

  /** A token opens only its own conversation. */
  const authorise = (req: Request, conversationId: string): TokenClaims => {
    const claims = authenticate(req);
    if (claims.conv !== conversationId) throw new HttpError(403, 'forbidden', 'This token is not for this conversation');
    return claims;
  };

  const reply = (conversationId: string, draft: Record<string, unknown>) =>
    store.appendActivity(conversationId, { timestamp: now().toISOString(), channelId: 'directline', conversation: { id: conversationId }, ...draft });

  /** Runs a turn and appends the bot's answer; one turn at a time per conversation. */
  const runTurn = (turn: Turn, replyToId?: string) =>
    lock.run(turn.conversationId, async () => {
      try {
        const messages = await bot.handle(turn);
        for (const a of toActivities(messages, { conversationId: turn.conversationId, botId: BOT.id, locale: turn.locale })) {
          await reply(turn.conversationId, { ...a, ...(replyToId ? { replyToId } : {}) });
        }
      } catch (err) {
        log.error({ err, conversation: turn.conversationId }, 'web turn failed');
        await reply(turn.conversationId, { type: 'message', from: BOT, text: APOLOGY, textFormat: 'plain' });
      }
    });

  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  router.post(
    '/tokens/generate',
    wrap(async (req, res) => {
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { user?: { id?: unknown }; identity?: unknown; locale?: unknown };
      const conversationId = crypto.randomBytes(16).toString('base64url');
      const requested = typeof body.user?.id === 'string' ? body.user.id.trim() : '';
      const userId = /^[\w.:@-]{1,64}$/.test(requested) ? requested : `dl_${crypto.randomBytes(8).toString('hex')}`;
      const accountId = verifyIdentity(body.identity, deps.identitySecret, now());
      await store.createConversation({ conversationId, userId, accountId, createdAt: now().toISOString() });
      // The welcome and menu are waiting when the client first polls.
      const locale = typeof body.locale === 'string' ? body.locale.slice(0, 10) : undefined;
      await runTurn({ channel: 'web', conversationId, userId, kind: 'start', locale, accountId, at: now().toISOString() });
      res.json({ conversationId, token: issue({ conv: conversationId, user: userId }), expires_in: TOKEN_TTL_SECONDS, signedIn: !!accountId });
    }),
  );

  router.post(
    '/tokens/refresh',
    wrap(async (req, res) => {
      const claims = authenticate(req);
      res.json({ conversationId: claims.conv, token: issue(claims), expires_in: TOKEN_TTL_SECONDS });
    }),
  );

  router.post(
    '/conversations',
    wrap(async (req, res) => {
      const claims = authenticate(req);
      if (!(await store.getConversation(claims.conv))) throw new HttpError(404, 'not_found', 'Conversation not found');
      res.status(201).json({ conversationId: claims.conv, token: issue(claims), expires_in: TOKEN_TTL_SECONDS });
    }),
  );

  router.post(
    '/conversations/:id/activities',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      const claims = authorise(req, conversationId);
      const conversation = await store.getConversation(conversationId);
      if (!conversation) throw new HttpError(404, 'not_found', 'Conversation not found');
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.type !== 'string') {
        throw new HttpError(400, 'bad_request', 'The body must be a JSON activity object with a "type"');
      }
      if (body.type !== 'message') {
        // Typing and event activities from clients are accepted and not stored.
        res.json({ id: `${conversationId}|ignored` });
        return;
      }
      const { text, action } = fromActivity(body);
      if (text !== undefined && text.length > maxText) {
        throw new HttpError(413, 'too_large', `The message is too long (${text.length} characters; at most ${maxText})`);
      }
      if (!action && !text?.trim()) throw new HttpError(400, 'bad_request', 'A message needs "text" or a button "value"');
      const locale = typeof body.locale === 'string' ? body.locale.slice(0, 10) : undefined;
      // Stored redacted: the history the widget shows after a reload never holds a secret.
      const { id } = await store.appendActivity(conversationId, {
        type: 'message',
        timestamp: now().toISOString(),
        channelId: 'directline',
        conversation: { id: conversationId },
        from: { id: claims.user, role: 'user' },
        text: text === undefined ? undefined : redact(text).text,
        ...(action ? { value: { action } } : {}),
        ...(locale ? { locale } : {}),
      });
      await reply(conversationId, { type: 'typing', from: BOT });
      res.json({ id });
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
      };
      void runTurn(turn, id);
    }),
  );

  router.get(
    '/conversations/:id/activities',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      authorise(req, conversationId);
      const w = Number.parseInt(String(req.query.watermark ?? '0'), 10);
      const { activities, watermark } = await store.listActivities(conversationId, Number.isFinite(w) && w > 0 ? w : 0);
      res.json({ activities, watermark: String(watermark) });
    }),
  );

  router.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message } });
      return;
    }
    if (err.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'bad_request', message: 'The body is not valid JSON' } });
      return;
    }
    if (err.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'too_large', message: 'The request body is too large (at most 64 KB)' } });
      return;
    }
    log.error({ err }, 'Direct Line request failed');
    res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  });
  return router;
}
