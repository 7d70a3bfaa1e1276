import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** An id a proxy or client may pass in: short and plain, so it cannot forge log lines. */
const SAFE_ID = /^[\w.:-]{1,100}$/;

/**
 * Gives every HTTP request an id (the caller's `X-Request-Id` when it is safe, else a new one),
 * echoed in the response, so a seller's complaint, a proxy log and the bot's log meet on it.
 */
export function requestIds(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('x-request-id');
  const id = given && SAFE_ID.test(given) ? given : crypto.randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(res: Response): string | undefined {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
}
