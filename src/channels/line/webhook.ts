import express from 'express';
import { validateSignature } from '@line/bot-sdk';
import type { Logger } from '../../logger';
import { InFlight } from '../in-flight';
import type { PushGuard } from './push-guard';
import { LineClient, type RetryOptions } from './client';
import { LineEventReader, type EventReaderDeps } from './event-reader';
import { LineInboxRunner, type InboxRunnerDeps } from './inbox-runner';
import { createReplySender } from './reply';

/**
 * POST /webhooks/line. LINE wants an answer within 2 seconds and redelivers what it did not see
 * acknowledged, so the route checks the signature on the raw bytes, keeps the new events in the
 * inbox, answers 200 and only then works through them: one user's events in order, each event
 * at most once. LINE does not redeliver an acknowledged event, so one this instance could not
 * answer (it was killed) is answered from the inbox by another instance, or this one restarted.
 */

export interface LineRouterDeps extends EventReaderDeps, Pick<InboxRunnerDeps, 'inbox' | 'adoption' | 'onAdopted'> {
  line: { channelSecret: string; channelAccessToken: string; apiBaseUrl: string };
  /** Clock for the reply-token window (tests). */
  now?: () => number;
  /** Backoff and timeouts of LINE API calls (tests make the waits instant). */
  retry?: Partial<RetryOptions>;
  /** Counts this process's pushes (late answers), which the expiry warning's budget then leaves room for. */
  pushGuard?: PushGuard;
  /** Events being worked on past which the webhook's 200 waits for its answers: backpressure. */
  maxInFlight?: number;
}

export type LineRouter = express.Router & {
  /** Resolves when every event received so far has been handled (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Graceful shutdown: stops adopting, finishes what it holds, lets others adopt at once. */
  close(): Promise<void>;
};

const BODY_LIMIT = '1mb';
const DEFAULT_MAX_IN_FLIGHT = 32;

export function createLineRouter(deps: LineRouterDeps): LineRouter {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const client = new LineClient({ channelAccessToken: deps.line.channelAccessToken, apiBaseUrl: deps.line.apiBaseUrl, retry: deps.retry, guard: deps.pushGuard }, log);
  const inflight = new InFlight();
  const reader = new LineEventReader({ ...deps, now, client, send: createReplySender({ client, t: deps.t, log, now }) });
  const runner = new LineInboxRunner({
    inbox: deps.inbox,
    adoption: deps.adoption,
    bot: deps.bot,
    log,
    inflight,
    handleEvent: (event, rx) => reader.handle(event, rx),
    onAdopted: deps.onAdopted,
    onQueued: (item) => reader.noteArrival(item),
  });
  const maxInFlight = deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;

  function dispatch(events: unknown[], res: express.Response): void {
    // Normally LINE gets its 200 at once and the answers follow. Past `maxInFlight` events being
    // worked on, the 200 waits for this request's answers: LINE then sends no faster than the
    // bot answers, instead of a backlog growing until reply tokens expire.
    const busy = runner.unanswered >= maxInFlight;
    // LINE reads only the status; an empty body spares the JSON and ETag work on every event.
    const ok = () => void res.status(200).end();
    if (events.length === 0) return ok();
    const receivedAt = now();
    void inflight.track(
      (async () => {
        // The 200 goes only once the events are kept: LINE does not send an acknowledged event again.
        const answered = runner.answer(await runner.accept(events, receivedAt));
        if (!busy) ok();
        await answered;
        if (busy) ok();
      })().catch((err) => {
        log.error({ err }, 'LINE webhook dispatch failed');
        // Nothing was promised yet: LINE redelivers what we could not keep.
        if (!res.headersSent) res.status(500).json({ error: 'internal' });
      }),
    );
  }

  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: BODY_LIMIT }), (req, res) => {
    const events = signedEvents(req, res, deps.line.channelSecret, log);
    if (events) dispatch(events, res);
  });
  router.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    log.warn({ status: err.status, type: err.type }, 'LINE webhook body refused');
    res.status(err.status && err.status >= 400 && err.status < 600 ? err.status : 500).json({ error: err.type ?? 'error' });
  });

  return Object.assign(router, {
    idle: () => inflight.idle(),
    close: async () => {
      await runner.close();
      await client.close();
    },
  });
}

/** The request's events once its signature holds; otherwise undefined, and the refusal is sent. */
function signedEvents(req: express.Request, res: express.Response, channelSecret: string, log: Logger): unknown[] | undefined {
  let body: unknown = req.body;
  if (!Buffer.isBuffer(body)) {
    // body-parser marks a body it consumed; then a JSON parser ran before us and the exact
    // bytes LINE signed are gone, which no request can fix.
    if ((req as { _body?: boolean })._body) {
      log.error('LINE webhook body was parsed before the signature check: mount the LINE router before any body parser');
      res.status(500).json({ error: 'misconfigured' });
      return undefined;
    }
    body = Buffer.alloc(0);
  }
  const rawBody = body as Buffer;
  const signature = req.get('x-line-signature');
  if (!signature || !validateSignature(rawBody, channelSecret, signature)) {
    log.warn({ hasSignature: Boolean(signature) }, 'LINE webhook with a missing or wrong signature refused');
    res.status(401).json({ error: 'invalid signature' });
    return undefined;
  }
  let payload: { events?: unknown };
  try {
    payload = JSON.parse(rawBody.toString('utf8')) as { events?: unknown };
  } catch {
    res.status(400).json({ error: 'invalid JSON' });
    return undefined;
  }
  if (!payload || typeof payload !== 'object' || !Array.isArray(payload.events)) {
    res.status(400).json({ error: 'events array required' });
    return undefined;
  }
  return payload.events as unknown[];
}
