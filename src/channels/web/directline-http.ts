import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../../logger';
import type { DirectLineConversation, DirectLineStore } from '../../storage/directline-store';

/** What every Direct Line route shares: CORS, JSON bodies, and errors answered as JSON. */

export const BODY_LIMIT = '64kb';

const GONE = 'Conversation not found (it may have been idle too long)';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// The widget is embedded on other sites: tokens travel as Bearer headers, never cookies, so
// allowing any origin gives a foreign page nothing it could not get by calling us itself.
export function allowAnyOrigin(req: Request, res: Response, next: NextFunction): void {
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
}

// Any content type is read as JSON: clients send activities as text/plain too (no preflight),
// and a body that is not JSON gets a clear 400 rather than being silently ignored.
export const readJsonBodies = (): RequestHandler => express.json({ limit: BODY_LIMIT, type: () => true });

export const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  fn(req, res).catch(next);
};

/** 404 for a conversation that is gone (idle too long) or never was. */
export async function conversationOf(store: DirectLineStore, conversationId: string): Promise<DirectLineConversation> {
  const conversation = await store.getConversation(conversationId);
  if (!conversation) throw new HttpError(404, 'not_found', GONE);
  return conversation;
}

// Mounted inside the router so every /directline answer, errors included, is JSON {error: {code, message}}.
export const answerErrors =
  (log: Logger) =>
  (err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction): void => {
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
  };
