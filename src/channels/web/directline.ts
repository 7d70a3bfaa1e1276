import type http from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import type { Bot } from '../../conversation/bot';
import type { Logger } from '../../logger';
import type { DirectLineStore } from '../../storage/directline-store';
import { addConversationRoutes } from './directline-conversation-routes';
import { allowAnyOrigin, answerErrors, readJsonBodies } from './directline-http';
import { PictureUrls, withFreshPictureUrls } from './directline-pictures';
import { ResumeKeys } from './directline-resume';
import { DirectLineStreams } from './directline-stream';
import { addTokenRoutes } from './directline-token-routes';
import { ConversationTokens } from './directline-tokens';
import { DirectLineTurns } from './directline-turns';
import type { BurstGate } from '../burst-gate';
import { streamUpgrade } from './directline-upgrade';
import { addUploadRoutes, type PictureShare } from './directline-upload-routes';

/**
 * The Direct Line 3.0 subset of ../shared/CONTRACTS.md, served by the bot itself, so Microsoft's
 * Web Chat, botframework-directlinejs and our own widget talk to it unchanged: polling, and the
 * WebSocket stream those clients open by default (see directline-stream.ts).
 */

export { APOLOGY } from './directline-turns';
export const MAX_TEXT_LENGTH = 2000;
/** DIRECTLINE_UPLOAD_MAX_BYTES's default: per picture. */
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

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
  /**
   * Pictures sellers upload: kept in `dir` (DATA_DIR/screenshots, beside LINE's), at most
   * `maxBytes` each, shared through `share` (Redis) with the mail worker and the other
   * instances. Unset: the upload route is not served.
   */
  pictures?: { dir: string; maxBytes?: number; share?: PictureShare };
  /** Pieces of a message typed in a row are answered once (see BurstGate); unset, never. */
  bursts?: BurstGate;
}

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
  const { bot, store } = deps;
  const log = deps.log ?? consoleLog;
  const now = deps.now ?? (() => new Date());
  const tokens = new ConversationTokens(deps.tokenSecret, now);
  const turns = new DirectLineTurns({ bot, store, log, now, publicBaseUrl: deps.publicBaseUrl, bursts: deps.bursts });
  const urls = new PictureUrls(deps.tokenSecret, now);
  // What clients read (polling, streams) shows the seller's pictures at addresses signed anew.
  const shown = withFreshPictureUrls(store, urls);
  const streams = new DirectLineStreams({ store: shown, log, pollMs: deps.streamPollMs });
  const maxText = deps.maxTextLength ?? MAX_TEXT_LENGTH;
  const router = express.Router();

  router.use(allowAnyOrigin);
  // Before the JSON parser, which would read a multipart body as broken JSON: busboy reads it.
  if (deps.pictures) {
    const pictures = { ...deps.pictures, maxBytes: deps.pictures.maxBytes ?? UPLOAD_MAX_BYTES };
    addUploadRoutes(router, { store, tokens, turns, bot, urls, pictures, now, log, maxText });
  }
  router.use(readJsonBodies());
  const resumeKeys = new ResumeKeys(deps.tokenSecret, now);
  addTokenRoutes(router, { store, tokens, resumeKeys, turns, now, identitySecret: deps.identitySecret });
  addConversationRoutes(router, { store: shown, tokens, turns, now, maxText });
  router.use(answerErrors(log));

  const upgrade = streamUpgrade({ store, tokens, streams, mountPath: deps.mountPath ?? '/directline' });
  return Object.assign(router, { idle: () => turns.idle(), upgrade, closeStreams: () => streams.close(), openStreams: () => streams.open });
}
