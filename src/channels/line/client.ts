import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { Pool } from 'undici';
import type { PushGuard } from './push-guard';
import type { Logger } from '../../logger';
import type { LineMessage } from './render';

export const DEFAULT_LINE_API = 'https://api.line.me';
export const LINE_DATA_API = 'https://api-data.line.me';

/**
 * LINE serves message content from a separate host. A non-default base (tests, a proxy) serves
 * both APIs, so only the default is mapped to the data host.
 */
export function dataApiBaseUrl(apiBaseUrl: string): string {
  const base = apiBaseUrl.replace(/\/+$/, '');
  return base === DEFAULT_LINE_API ? LINE_DATA_API : base;
}

export interface RetryOptions {
  /** Tries in all, first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the request fails instead. */
  maxRetryAfterMs: number;
  /** Per request; the SDK's fetch has no timeout of its own. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
  timeoutMs: 15_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export class LineApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; undefined for a network failure or timeout. */
    readonly status: number | undefined,
    readonly body: string,
    /** 429, 5xx, network, timeout: worth another try. */
    readonly retryable: boolean,
    /** 5xx, network, timeout: LINE may have accepted the request even though we saw a failure. */
    readonly ambiguous: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'LineApiError';
  }

  get invalidReplyToken(): boolean {
    return this.status === 400 && /invalid reply token/i.test(this.body);
  }
}

/** Delivery stopped part-way: `sent` requests (reply or pushes) had gone out before `failure`. */
export class DeliveryError extends Error {
  constructor(
    readonly failure: unknown,
    readonly sent: number,
  ) {
    super(`LINE delivery failed after ${sent} request(s): ${failure instanceof Error ? failure.message : String(failure)}`);
    this.name = 'DeliveryError';
  }
}

function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** LINE answered with a status other than 2xx: 429 and 5xx may pass later, and 5xx may have been taken. */
function answeredError(op: string, status: number, body: string, retryAfter: string | null | undefined): LineApiError {
  return new LineApiError(
    `LINE ${op} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`,
    status,
    body,
    status === 429 || status >= 500,
    status >= 500,
    parseRetryAfter(retryAfter, Date.now()),
  );
}

function toLineApiError(err: unknown, op: string): LineApiError {
  if (err instanceof LineApiError) return err;
  if (err instanceof HTTPFetchError) return answeredError(op, err.status, err.body ?? '', err.headers?.get?.('retry-after'));
  // fetch() rejects with a TypeError when the connection fails or is reset mid-request.
  if (err instanceof TypeError) return new LineApiError(`LINE ${op} failed: ${err.message}`, undefined, '', true, true);
  return new LineApiError(`LINE ${op} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, '', false, false);
}

/** A UUID-shaped retry key derived from `seed`: the same seed, the same key. */
export function retryKeyFor(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type ReplyOutcome = 'sent' | 'token-invalid' | 'maybe-sent';

export interface Content {
  body: Readable;
  contentType?: string;
  contentLength?: number;
}

/**
 * The LINE Messaging API as the channel needs it: retries for what may succeed later (429 with
 * its Retry-After, 5xx, network) with exponential backoff and jitter, none for other 4xx; pushes
 * carry an X-Line-Retry-Key so a retried push is delivered once.
 *
 * The calls made for every message (reply, push, loading) go over an undici connection pool:
 * the SDK's client uses fetch(), which costs about five times the CPU per call here
 * (measured 250 against 40-50 µs), a fifth of all the CPU an answered event took under load.
 * The request bodies are the SDK's own types; message content still goes through the SDK.
 */
export class LineClient {
  private readonly pool: Pool;
  private readonly authorization: string;
  private readonly blob: messagingApi.MessagingApiBlobClient;
  private readonly retry: RetryOptions;

  /** Counts every push of this process (the proactive budget's, see PushGuard). */
  private readonly guard?: PushGuard;

  constructor(
    opts: { channelAccessToken: string; apiBaseUrl: string; retry?: Partial<RetryOptions>; guard?: PushGuard },
    private readonly log: Logger,
  ) {
    this.guard = opts.guard;
    const base = opts.apiBaseUrl.replace(/\/+$/, '');
    this.pool = new Pool(base, { connections: 64 });
    this.authorization = `Bearer ${opts.channelAccessToken}`;
    this.blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: opts.channelAccessToken, baseURL: dataApiBaseUrl(base) });
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  /** Closes the pooled connections (in-flight calls finish first). */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** One request, JSON body or none; its answer's text, or a LineApiError for a status other than 2xx. */
  private async send(op: string, req: { method: 'GET' | 'POST'; path: string; body?: object; headers?: Record<string, string> }): Promise<string> {
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await this.pool.request({
        method: req.method,
        path: req.path,
        headers: { ...req.headers, authorization: this.authorization, ...(req.body ? { 'content-type': 'application/json' } : {}) },
        body: req.body ? JSON.stringify(req.body) : undefined,
        // A LINE that stops answering must not keep a pooled connection past the call's timeout.
        headersTimeout: this.retry.timeoutMs,
        bodyTimeout: this.retry.timeoutMs,
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      // The connection failed or was reset mid-request: LINE may or may not have taken a POST.
      throw new LineApiError(`LINE ${op} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, '', true, req.method === 'POST');
    }
    if (status >= 200 && status < 300) return text;
    throw answeredError(op, status, text, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  }

  /** POST of a JSON body; a status other than 2xx is a LineApiError. */
  private async post(op: string, path: string, body: object, headers: Record<string, string> = {}): Promise<void> {
    await this.send(op, { method: 'POST', path, body, headers });
  }

  /** GET of a JSON answer; a status other than 2xx, or a body that is no JSON, is a LineApiError. */
  private async getJson(op: string, path: string): Promise<unknown> {
    const text = await this.send(op, { method: 'GET', path });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new LineApiError(`LINE ${op} answered no JSON`, 200, text.slice(0, 300), false, false);
    }
  }

  /**
   * This month's message quota (GET /v2/bot/message/quota: `{"type":"limited","value":N}` or
   * `{"type":"none"}`) and what was used of it (/quota/consumption: `{"totalUsage":M}`).
   * `limit` is undefined when LINE sets none.
   */
  async pushQuota(): Promise<{ limit?: number; used: number }> {
    const [quota, usage] = await Promise.all([
      this.withRetry('quota', () => this.getJson('quota', '/v2/bot/message/quota')),
      this.withRetry('quota', () => this.getJson('quota', '/v2/bot/message/quota/consumption')),
    ]);
    const q = quota as Partial<messagingApi.MessageQuotaResponse> | null;
    const used = (usage as Partial<messagingApi.QuotaConsumptionResponse> | null)?.totalUsage;
    const limit = q?.type === 'none' ? undefined : q?.type === 'limited' ? q.value : NaN;
    if (typeof used !== 'number' || !Number.isFinite(used) || (limit !== undefined && !Number.isFinite(limit))) {
      throw new LineApiError(`LINE quota answered in an unknown shape: ${JSON.stringify([quota, usage]).slice(0, 300)}`, 200, '', false, false);
    }
    return { ...(limit === undefined ? {} : { limit }), used };
  }

  private async once<T>(op: string, call: () => Promise<T>, timeoutMs = this.retry.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LineApiError(`LINE ${op} timed out after ${timeoutMs} ms`, undefined, '', true, true)), timeoutMs);
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (err) {
      throw toLineApiError(err, op);
    } finally {
      clearTimeout(timer);
    }
  }

  private async withRetry<T>(op: string, call: () => Promise<T>, onFailure?: (err: LineApiError) => void): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(op, call);
      } catch (e) {
        const err = e as LineApiError;
        onFailure?.(err);
        if (!err.retryable || attempt >= this.retry.maxAttempts) throw err;
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        const wait = err.retryAfterMs ?? Math.round(backoff * (0.5 + this.retry.random()));
        if (wait > this.retry.maxRetryAfterMs) throw err;
        this.log.warn({ op, status: err.status, attempt, waitMs: wait }, 'LINE API call failed, retrying');
        await this.retry.sleep(wait);
      }
    }
  }

  /**
   * 'token-invalid': the token had expired or was used, nothing was delivered. 'maybe-sent': an
   * earlier try failed ambiguously (5xx, timeout) and then LINE called the token used, which
   * means that earlier try was most likely delivered; the reply API has no retry key to tell.
   */
  async reply(replyToken: string, messages: LineMessage[]): Promise<ReplyOutcome> {
    let ambiguous = false;
    try {
      const body: messagingApi.ReplyMessageRequest = { replyToken, messages };
      await this.withRetry('reply', () => this.post('reply', '/v2/bot/message/reply', body), (err) => {
        if (err.ambiguous) ambiguous = true;
      });
      return 'sent';
    } catch (e) {
      const err = e as LineApiError;
      if (err.invalidReplyToken) return ambiguous ? 'maybe-sent' : 'token-invalid';
      throw err;
    }
  }

  /** One logical push: one retry key for all its tries, so LINE accepts it at most once. */
  async push(to: string, messages: LineMessage[], retryKey: string = randomUUID()): Promise<void> {
    try {
      const body: messagingApi.PushMessageRequest = { to, messages };
      await this.withRetry('push', () => this.post('push', '/v2/bot/message/push', body, { 'x-line-retry-key': retryKey }));
      this.guard?.pushed();
    } catch (e) {
      const err = e as LineApiError;
      // 409 with our retry key: an earlier try was accepted (its answer was lost), so it is done.
      if (err.status === 409) {
        this.log.info({ op: 'push' }, 'LINE had already accepted this push (409 for its retry key)');
        return;
      }
      throw err;
    }
  }

  /**
   * Sends the batches in order: the first with the reply token while it is usable, everything
   * else (and the first too when the token is expired or used) as pushes.
   *
   * `retryKeySeed` (the event id) makes the push retry keys the same each time the same answer
   * is delivered, so an answer sent again after a crash is accepted by LINE once (409 after).
   * `replyMayBeUsed`: an earlier attempt at this answer may have used the token, so a used token
   * means the reply went out, not that it must be pushed.
   */
  async deliver(
    target: { to: string; replyToken?: string; replyUsable: boolean; replyMayBeUsed?: boolean; retryKeySeed?: string },
    batches: LineMessage[][],
  ): Promise<{ replied: boolean; pushed: number }> {
    let sent = 0;
    let replied = false;
    let rest = batches;
    try {
      if (target.replyToken && target.replyUsable && batches.length > 0) {
        let outcome: ReplyOutcome | 'failing';
        try {
          outcome = await this.reply(target.replyToken, batches[0]);
        } catch (e) {
          // LINE kept failing the reply (5xx, 429): a push is the remaining way to reach the seller.
          if (!(e instanceof LineApiError) || !e.retryable) throw e;
          this.log.warn({ status: e.status }, 'LINE reply kept failing, sending it as a push');
          outcome = 'failing';
        }
        const usedByEarlierAttempt = outcome === 'token-invalid' && target.replyMayBeUsed === true;
        if (outcome === 'sent' || outcome === 'maybe-sent' || usedByEarlierAttempt) {
          if (outcome === 'maybe-sent') this.log.warn('reply failed ambiguously, then its token was used: assuming it was delivered');
          if (usedByEarlierAttempt) this.log.info('reply token already used: the earlier attempt at this answer had replied');
          replied = true;
          sent = 1;
          rest = batches.slice(1);
        } else if (outcome === 'token-invalid') {
          this.log.info('reply token expired or used, sending as a push');
        }
      }
      const offset = batches.length - rest.length;
      for (const [i, messages] of rest.entries()) {
        await this.push(target.to, messages, target.retryKeySeed ? retryKeyFor(`${target.retryKeySeed}:${offset + i}`) : undefined);
        sent++;
      }
      return { replied, pushed: sent - (replied ? 1 : 0) };
    } catch (err) {
      throw new DeliveryError(err, sent);
    }
  }

  /** The typing dots in a 1:1 chat while the core works; they end when our message arrives. */
  async showLoading(chatId: string, loadingSeconds = 20): Promise<void> {
    try {
      // The seller's answer waits for this call, so a slow LINE must not hold it up for long.
      const body: messagingApi.ShowLoadingAnimationRequest = { chatId, loadingSeconds };
      await this.once('loading', () => this.post('loading', '/v2/bot/chat/loading/start', body), Math.min(3000, this.retry.timeoutMs));
    } catch (err) {
      this.log.debug({ err }, 'LINE loading animation failed (ignored)');
    }
  }

  /** GET /v2/bot/message/{id}/content on the data API. */
  async getContent(messageId: string): Promise<Content> {
    const res = await this.withRetry('content', () => this.blob.getMessageContentWithHttpInfo(messageId));
    const length = Number(res.httpResponse.headers.get('content-length'));
    return {
      body: res.body,
      contentType: res.httpResponse.headers.get('content-type') ?? undefined,
      contentLength: Number.isFinite(length) && length > 0 ? length : undefined,
    };
  }
}
