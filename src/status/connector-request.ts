import type { ValidateFunction } from 'ajv';
import { invalid, parseAccountStores, type Outcome, type WireAccountStores } from './connector-contract';
import { ConnectorError } from './connector-port';

/** One HTTP request to the connector API: its timeout, its status codes and its body limit. */

/** HttpConnectorOptions' settings for one attempt, defaults filled in. */
export interface RequestOptions {
  fetch: typeof fetch;
  apiKey?: string;
  timeoutMs: number;
  maxBodyBytes: number;
  validate: ValidateFunction<WireAccountStores>;
}

// Errors worth another attempt (network, timeout, 5xx, 429). Everything else is a definite answer.
const transient = new WeakSet<Error>();
function transientError(kind: 'timeout' | 'unavailable', message: string, options: { status?: number; cause?: unknown } = {}): ConnectorError {
  const err = new ConnectorError(kind, message, options);
  transient.add(err);
  return err;
}
export const isTransient = (err: Error): boolean => transient.has(err);

/** One HTTP attempt. Throws only transient errors; definite answers come back as values. */
export async function requestAccountStores(url: string, options: RequestOptions): Promise<Outcome> {
  const { timeoutMs } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const timedOut = () => transientError('timeout', `connector API gave no answer within ${timeoutMs} ms`);
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    let res: Response;
    try {
      // No redirects: the bearer token is only meant for the configured host.
      res = await options.fetch(url, { method: 'GET', headers, signal: controller.signal, redirect: 'manual' });
    } catch (err) {
      if (controller.signal.aborted) throw timedOut();
      throw transientError('unavailable', `connector API unreachable: ${describe(err)}`, { cause: err });
    }

    if (res.status === 404) {
      discard(res);
      return { ok: false, error: new ConnectorError('not-found', 'connector API does not know this account', { status: 404 }) };
    }
    if (res.status === 429 || res.status === 408 || res.status >= 500) {
      discard(res);
      throw transientError('unavailable', `connector API answered HTTP ${res.status}`, { status: res.status });
    }
    if (res.status !== 200) {
      // 401/403/3xx: configuration problems that another attempt will not fix.
      discard(res);
      return { ok: false, error: new ConnectorError('unavailable', `connector API answered HTTP ${res.status}`, { status: res.status }) };
    }

    let text: string;
    try {
      text = await readText(res, options.maxBodyBytes);
    } catch (err) {
      if (controller.signal.aborted) throw timedOut();
      if (err instanceof BodyTooLarge) return { ok: false, error: invalid(err.message) };
      throw transientError('unavailable', `connector API answer cut off: ${describe(err)}`, { cause: err });
    }
    return parseAccountStores(text, options.validate);
  } finally {
    clearTimeout(timer);
  }
}

class BodyTooLarge extends Error {}

async function readText(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(res);
    throw new BodyTooLarge(`connector API answer is larger than ${maxBytes} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(`connector API answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Unread bodies keep the socket busy; nobody needs them. */
function discard(res: Response): void {
  res.body?.cancel().catch(() => undefined);
}

export function describe(err: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (a test VM), where instanceof fails.
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null | undefined;
  // undici hides the real reason (ECONNREFUSED, ENOTFOUND...) in cause.
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  if (typeof e?.cause?.message === 'string' && e.cause.message) return e.cause.message;
  if (typeof e?.message === 'string') return e.message;
  return String(err);
}
