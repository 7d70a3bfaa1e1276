import crypto from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import type { Bot } from '../../conversation/bot';
import { KeyedLock } from '../../conversation/keyed-lock';
import type { Turn } from '../../conversation/messages';
import { redactMessage } from '../../escalation/redact';
import type { Logger } from '../../logger';
import { verifiedIdentity } from '../../status/identity';
import type { DirectLineStore } from '../../storage/directline-store';
import { BOT_NAME, fromActivity, toActivities } from './render';
import { DirectLineStreams, refuseUpgrade, StreamRefused } from './directline-stream';
import { InFlight } from '../in-flight';
import { requestIdOf } from '../request-id';

/**
 * The Direct Line 3.0 subset of ../shared/CONTRACTS.md, served by the bot itself, so Microsoft's
 * Web Chat, botframework-directlinejs and our own widget talk to it unchanged: polling, and the
 * WebSocket stream those clients open by default (see directline-stream.ts).
 */

export const TOKEN_TTL_SECONDS = 1800;
export const MAX_TEXT_LENGTH = 2000;
export const BODY_LIMIT = '64kb';
const BOT = { id: 'bot', name: BOT_NAME, role: 'bot' };
export const APOLOGY =
  'ขออภัยค่ะ ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง / Sorry, something went wrong on our side. Please try again.';
/** Activity types clients send besides messages (Web Chat's typing indicator, backchannel events). */
const IGNORED_TYPES = new Set(['typing', 'event']);

interface TokenClaims {
  conv: string;
  user: string;
}

export interface DirectLineDeps {
  bot: Bot;
  store: DirectLineStore;
  /** HS256 secret of the conversation tokens (drawn once and kept in storage by default); read per request, as it may be loaded after start-up. */
  tokenSecret: () => string;
  /** WEB_IDENTITY_SECRET: verifies the host website's identity token; unset, every chat is anonymous. */
  identitySecret?: () => string;
  /** PUBLIC_BASE_URL: relative image and link URLs in answers are made absolute with it. */
  publicBaseUrl?: string;
  log?: Logger;
  now?: () => Date;
  maxTextLength?: number;
  /** Where the router is mounted: WebSocket upgrades reach the HTTP server, not the router. */
  mountPath?: string;
  /** How often an open stream looks in the store besides being told of new activities (ms). */
  streamPollMs?: number;
}

const GONE = 'Conversation not found (it may have been idle too long)';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A client's watermark: a positive whole number, else from the start. */
function parseWatermark(value: unknown): number {
  // Only text: the query string may make it a list or an object, and String() of
  // ?watermark[toString]=1 throws.
  const w = typeof value === 'string' || typeof value === 'number' ? Number.parseInt(String(value), 10) : 0;
  return Number.isFinite(w) && w > 0 ? w : 0;
}

const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

/** Used when the caller gives no logger (tests, tools): errors still surface somewhere. */
const consoleLog = {
  error: (obj: unknown, msg?: string) => console.error(msg ?? '', obj),
} as unknown as Logger;

/**
 * The Direct Line routes; `idle()` waits for the turns still being answered (shutdown);
 * `upgrade()` takes the HTTP server's upgrade requests for the streams (false: not one of
 * ours); `closeStreams()` closes them at shutdown.
 */
export type DirectLineRouter = express.Router & {
  idle(): Promise<void>;
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  closeStreams(): void;
  openStreams(): number;
};

export function createDirectLineRouter(deps: DirectLineDeps): DirectLineRouter {
  const { bot, store, tokenSecret } = deps;
  const log = deps.log ?? consoleLog;
  const now = deps.now ?? (() => new Date());
  const maxText = deps.maxTextLength ?? MAX_TEXT_LENGTH;
  // Turns of one conversation run in arrival order, so replies never interleave.
  const lock = new KeyedLock();
  const inflight = new InFlight();
  const router = express.Router();
  const streams = new DirectLineStreams({ store, log, pollMs: deps.streamPollMs });
  const mountPath = deps.mountPath ?? '/directline';

  // The widget is embedded on other sites: tokens travel as Bearer headers, never cookies, so
  // allowing any origin gives a foreign page nothing it could not get by calling us itself.
  router.use((req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    // X-Requested-With and x-ms-bot-agent: botframework-directlinejs (inside Web Chat) sends both,
    // and a preflight refusing either left Web Chat "connecting" for ever.
    res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Requested-With, x-ms-bot-agent, X-Request-Id');
    res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.set('Access-Control-Max-Age', '600');
    res.set('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  });
  // Any content type is read as JSON: clients send activities as text/plain too (no preflight),
  // and a body that is not JSON gets a clear 400 rather than being silently ignored.
  router.use(express.json({ limit: BODY_LIMIT, type: () => true }));

  const issue = (claims: TokenClaims) => {
    const iat = Math.floor(now().getTime() / 1000);
    return jwt.sign({ conv: claims.conv, user: claims.user, iat, exp: iat + TOKEN_TTL_SECONDS }, tokenSecret(), { algorithm: 'HS256' });
  };

  /**
   * 401 for a missing, forged or expired token, 403 for another conversation's (a token opens only
   * its own); the claims otherwise.
   */
  const claimsFor = (token: string | undefined, conversationId?: string): TokenClaims => {
    if (!token) throw new HttpError(401, 'unauthorized', 'A Bearer token is required (Authorization: Bearer <token>)');
    const claims = verifyToken(token);
    if (conversationId !== undefined && claims.conv !== conversationId) throw new HttpError(403, 'forbidden', 'This token is not for this conversation');
    return claims;
  };
  const authenticate = (req: Request): TokenClaims => claimsFor(bearerToken(req.get('authorization')));
  const authorise = (req: Request, conversationId: string): TokenClaims => claimsFor(bearerToken(req.get('authorization')), conversationId);

  /** 404 for a conversation that is gone (idle too long) or never was. */
  const conversationOf = async (conversationId: string) => {
    const conversation = await store.getConversation(conversationId);
    if (!conversation) throw new HttpError(404, 'not_found', GONE);
    return conversation;
  };

  const verifyToken = (token: string): TokenClaims => {
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(token, tokenSecret(), { algorithms: ['HS256'], clockTimestamp: Math.floor(now().getTime() / 1000) });
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError;
      throw new HttpError(401, 'unauthorized', expired ? 'The token has expired' : 'The token is invalid');
    }
    if (typeof claims !== 'object' || typeof claims.conv !== 'string' || typeof claims.user !== 'string') {
      throw new HttpError(401, 'unauthorized', 'The token is invalid');
    }
    return { conv: claims.conv, user: claims.user };
  };

  // The store tells the conversation's open streams, here and on other instances.
  const append = (conversationId: string, draft: Record<string, unknown>) =>
    store.appendActivity(conversationId, { timestamp: now().toISOString(), channelId: 'directline', conversation: { id: conversationId }, ...draft });

  /** The stream's address as the client reached us (behind a TLS proxy: wss). */
  const streamUrl = (req: Request, conversationId: string, token: string, watermark?: number) => {
    const scheme = req.protocol === 'https' ? 'wss' : 'ws';
    const query = new URLSearchParams({ t: token, ...(watermark ? { watermark: String(watermark) } : {}) });
    return `${scheme}://${req.get('host')}${req.baseUrl}/conversations/${encodeURIComponent(conversationId)}/stream?${query}`;
  };

  /**
   * Runs a turn and appends the bot's answer. A failing bot costs the seller one apology, never
   * the server; a failing store is logged (the caller does not wait for this promise).
   */
  const runTurn = (turn: Turn, replyToId?: string) =>
    lock
      .run(turn.conversationId, async () => {
        const extra = replyToId ? { replyToId } : {};
        try {
          const messages = await bot.handle(turn);
          const ctx = { conversationId: turn.conversationId, botId: BOT.id, locale: turn.locale, baseUrl: deps.publicBaseUrl };
          for (const a of toActivities(messages, ctx)) await append(turn.conversationId, { ...a, ...extra });
        } catch (err) {
          log.error({ err, requestId: turn.requestId, conversation: turn.conversationId, kind: turn.kind }, 'web turn failed');
          await append(turn.conversationId, { type: 'message', from: BOT, text: APOLOGY, textFormat: 'plain', channelData: { act: 'error' }, ...extra });
        }
      })
      .catch((err: unknown) => log.error({ err, conversation: turn.conversationId }, 'storing the reply failed'));

  /** The conversation's own reading of a message; the shape rules alone if it cannot be had. */
  const heardText = async (turn: Turn, text: string): Promise<string> => {
    try {
      return (await bot.hear?.(turn)) ?? redactMessage(text).text;
    } catch (err) {
      log.warn({ err, conversation: turn.conversationId }, 'reading the conversation for its redaction failed');
      return redactMessage(text).text;
    }
  };

  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  const localeOf = (v: unknown) => (typeof v === 'string' && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,2}$/.test(v) ? v : undefined);

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
      await runTurn({ channel: 'web', conversationId, userId, kind: 'start', locale, accountId, contactEmail: identity?.email, at: now().toISOString(), requestId });
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
      await conversationOf(claims.conv);
      const token = issue(claims);
      res.status(201).json({ conversationId: claims.conv, token, expires_in: TOKEN_TTL_SECONDS, streamUrl: streamUrl(req, claims.conv, token) });
    }),
  );

  // Reconnect (Direct Line 3.0): a fresh token and stream address, the stream resuming after the watermark.
  router.get(
    '/conversations/:id',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      const claims = authorise(req, conversationId);
      await conversationOf(conversationId);
      const token = issue(claims);
      res.json({ conversationId, token, expires_in: TOKEN_TTL_SECONDS, streamUrl: streamUrl(req, conversationId, token, parseWatermark(req.query.watermark)) });
    }),
  );

  router.post(
    '/conversations/:id/activities',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      const claims = authorise(req, conversationId);
      const conversation = await conversationOf(conversationId);
      const body: unknown = req.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new HttpError(400, 'bad_request', 'The body must be a JSON activity object, e.g. {"type":"message","text":"..."}');
      }
      const activity = body as Record<string, unknown>;
      if (typeof activity.type === 'string' && IGNORED_TYPES.has(activity.type)) {
        // Accepted and dropped: Web Chat sends these when configured to, and failing them would
        // show errors to the seller for nothing the bot uses.
        res.json({ id: `${conversationId}|ignored` });
        return;
      }
      if (activity.type !== 'message') throw new HttpError(400, 'bad_request', 'Only activities of type "message" are accepted');
      const { text, action } = fromActivity(activity);
      if (text !== undefined && text.length > maxText) {
        throw new HttpError(413, 'too_large', `The message is too long (${text.length} characters; at most ${maxText})`);
      }
      if (!action && !text?.trim()) throw new HttpError(400, 'bad_request', 'A message needs "text" or a button "value" {"action": ...}');
      const locale = localeOf(activity.locale);
      // Web Chat matches the echo of a message to the one it shows as "sending" by this id.
      const channelData = activity.channelData as { clientActivityID?: unknown } | undefined;
      const clientActivityID =
        typeof channelData?.clientActivityID === 'string' && channelData.clientActivityID.length <= 100 ? channelData.clientActivityID : undefined;
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
      const heard = text === undefined ? undefined : await lock.run(conversationId, () => heardText(turn, text));
      const { id } = await append(conversationId, {
        type: 'message',
        from: { id: claims.user, role: 'user' },
        ...(heard !== undefined ? { text: heard } : {}),
        ...(action ? { value: { action } } : {}),
        ...(locale ? { locale } : {}),
        ...(clientActivityID ? { channelData: { clientActivityID } } : {}),
      });
      // The client shows its typing indicator until the answer is there.
      await append(conversationId, { type: 'typing', from: BOT });
      res.json({ id });
      void inflight.track(runTurn(turn, id));
    }),
  );

  router.get(
    '/conversations/:id/activities',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      authorise(req, conversationId);
      const { activities, watermark } = await store.listActivities(conversationId, parseWatermark(req.query.watermark));
      res.json({ activities, watermark: String(watermark) });
    }),
  );

  // Inside the router so every /directline answer, errors included, is JSON {error: {code, message}}.
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
      res.status(413).json({ error: { code: 'too_large', message: `The request body is too large (at most ${BODY_LIMIT})` } });
      return;
    }
    if (err.status && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: { code: 'bad_request', message: err.message } });
      return;
    }
    log.error({ err }, 'Direct Line request failed');
    res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  });

  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    // Called from the server's 'upgrade' event, outside express: whatever it throws ends the process.
    const url = URL.canParse(req.url ?? '/', 'http://stream.invalid') ? new URL(req.url ?? '/', 'http://stream.invalid') : undefined;
    const prefix = `${mountPath}/conversations/`;
    if (!url || !url.pathname.startsWith(prefix) || !url.pathname.endsWith('/stream')) return false;
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(url.pathname.slice(prefix.length, -'/stream'.length));
    } catch {
      // A malformed percent code (%E0%A4%A): 400, as express answers it on the other routes.
      refuseUpgrade(socket, 400);
      return true;
    }
    streams.accept(req, socket, head, async () => {
      // The same checks as the routes' (401, 403, 404), answered before any WebSocket exists. The
      // token comes in the address (browsers cannot set headers on a WebSocket), or as a Bearer header.
      try {
        claimsFor(url.searchParams.get('t') ?? bearerToken(req.headers.authorization), conversationId);
        await conversationOf(conversationId);
      } catch (err) {
        throw err instanceof HttpError ? new StreamRefused(err.status as 401 | 403 | 404, err.message) : err;
      }
      return { conversationId, watermark: parseWatermark(url.searchParams.get('watermark')) };
    });
    return true;
  };
  return Object.assign(router, { idle: () => inflight.idle(), upgrade, closeStreams: () => streams.close(), openStreams: () => streams.open });
}
