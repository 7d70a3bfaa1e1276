import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  retry,
  wrap,
  type IPolicy,
} from 'cockatiel';
import YAML from 'yaml';
import type { Logger } from '../logger';

/** What the connector API says about one store (contract in ../shared/CONTRACTS.md). */
export interface StoreStatus {
  storeId: string;
  /** One of the known platforms, or a newer one the bot does not know yet. */
  platform: string;
  nickname: string;
  /** active | expired | error, or a newer value. */
  status: string;
  expiresAt: string | null;
  lastError: { code: string; message?: string; at?: string } | null;
}

export interface AccountStores {
  accountId: string;
  stores: StoreStatus[];
  fetchedAt: string;
}

export interface ConnectorClient {
  getStores(accountId: string): Promise<AccountStores>;
}

export type ConnectorErrorKind = 'not-found' | 'timeout' | 'unavailable' | 'invalid-response' | 'circuit-open';

export class ConnectorError extends Error {
  /** HTTP status of the answer that caused the error, when there was one. */
  readonly status?: number;

  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    if (options.status !== undefined) this.status = options.status;
  }
}

/** The OpenAPI document is the run-time contract: every 200 body is checked against it. */
export const CONNECTOR_API_SPEC = path.resolve(__dirname, '../../src/status/connector-api.yaml');
const STORES_PATH = '/v1/accounts/{accountId}/stores';

/** The 200 body as the schema guarantees it; extra fields may be present and are dropped. */
interface WireStore {
  storeId: string;
  platform: string;
  nickname: string;
  status: string;
  expiresAt: string | null;
  lastError: { code: string; message?: string | null; at?: string | null } | null;
}
interface WireAccountStores {
  accountId: string;
  stores: WireStore[];
}

let validator: ValidateFunction<WireAccountStores> | undefined;

/**
 * Compiled once per process: ajv compiles to code, which is far too slow to repeat per request,
 * and a broken document should fail at start-up rather than in the middle of a conversation.
 */
export function accountStoresValidator(): ValidateFunction<WireAccountStores> {
  if (validator) return validator;
  const doc = YAML.parse(fs.readFileSync(CONNECTOR_API_SPEC, 'utf8')) as {
    components?: unknown;
    paths?: Record<string, { get?: { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> } }>;
  };
  // Follow the operation's own 200 response so the code checks what the document says, even if
  // the schema is renamed.
  const ref = doc.paths?.[STORES_PATH]?.get?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
  if (!ref?.startsWith('#/components/')) {
    throw new Error(`${CONNECTOR_API_SPEC}: GET ${STORES_PATH} 200 must reference a schema under #/components/`);
  }
  // Strict mode stays on so a typo in a schema keyword fails loudly; "components" is the only
  // non-schema keyword the wrapper needs, and refs reach into it by JSON pointer.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv, ['date-time']);
  ajv.addKeyword({ keyword: 'components' });
  ajv.addSchema({ $id: 'connector-api', components: doc.components });
  validator = ajv.compile<WireAccountStores>({ $ref: `connector-api${ref}` });
  return validator;
}

export interface HttpConnectorOptions {
  baseUrl: string;
  apiKey?: string;
  /** Per attempt, covering the body as well as the headers. */
  timeoutMs?: number;
  /** Extra attempts after the first, for transient failures only. */
  retries?: number;
  /** Scale of the jittered exponential backoff between attempts. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  cacheTtlMs?: number;
  /** How long "unknown account" is remembered; shorter, since a new seller may appear any moment. */
  notFoundTtlMs?: number;
  /** Accounts remembered at most; the oldest entry goes first. */
  cacheMaxEntries?: number;
  /** Larger bodies are refused instead of being buffered. */
  maxBodyBytes?: number;
  breaker?: { consecutiveFailures?: number; halfOpenAfterMs?: number };
  fetch?: typeof fetch;
  now?: () => number;
  log?: Pick<Logger, 'debug' | 'info' | 'warn'>;
}

type Outcome = { ok: true; value: WireAccountStores } | { ok: false; error: ConnectorError };
type CacheEntry = { until: number; value: AccountStores } | { until: number; notFound: ConnectorError };

// Errors worth another attempt (network, timeout, 5xx, 429). Everything else is a definite answer.
const transient = new WeakSet<Error>();
function transientError(kind: 'timeout' | 'unavailable', message: string, options: { status?: number; cause?: unknown } = {}): ConnectorError {
  const err = new ConnectorError(kind, message, options);
  transient.add(err);
  return err;
}
const isTransient = (err: Error): boolean => transient.has(err);

/**
 * Reads a seller's stores from the connector API over HTTP.
 *
 * Policies, outermost first: retry (bounded, jittered) -> circuit breaker -> one attempt with its
 * own timeout. The breaker sits inside the retry so every failed attempt counts and a dead
 * connector is cut off after a few attempts, not after a few whole conversations. Definite
 * answers (404, a malformed body, 401...) are returned to the policies as values, not thrown:
 * they prove the connector is alive, so they reset the breaker and are never retried.
 */
export class HttpConnectorClient implements ConnectorClient {
  private readonly baseUrl: string;
  private readonly apiKey?: string;
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private readonly notFoundTtlMs: number;
  private readonly cacheMaxEntries: number;
  private readonly maxBodyBytes: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly log?: HttpConnectorOptions['log'];
  private readonly validate: ValidateFunction<WireAccountStores>;
  private readonly policy: IPolicy;
  private readonly cache = new Map<string, CacheEntry>();
  /** Conversations of one seller asking at the same moment share one request. */
  private readonly inflight = new Map<string, Promise<AccountStores>>();

  constructor(options: HttpConnectorOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('connector baseUrl must be http(s)');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.cacheTtlMs = options.cacheTtlMs ?? 30_000;
    this.notFoundTtlMs = options.notFoundTtlMs ?? Math.min(this.cacheTtlMs, 10_000);
    this.cacheMaxEntries = options.cacheMaxEntries ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.validate = accountStoresValidator();

    const retries = Math.max(0, Math.floor(options.retries ?? 2));
    const consecutiveFailures = options.breaker?.consecutiveFailures ?? 5;
    const halfOpenAfterMs = options.breaker?.halfOpenAfterMs ?? 30_000;
    const retryPolicy = retry(handleWhen(isTransient), {
      maxAttempts: retries,
      backoff: new ExponentialBackoff({ initialDelay: options.retryDelayMs ?? 100, maxDelay: options.maxRetryDelayMs ?? 1000 }),
    });
    const breakerPolicy = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(consecutiveFailures),
    });
    retryPolicy.onRetry((e) => {
      const reason = 'error' in e ? e.error.message : 'unexpected result';
      this.log?.debug({ attempt: e.attempt, delayMs: Math.round(e.delay), reason }, 'connector API: retrying');
    });
    breakerPolicy.onBreak(() =>
      this.log?.warn({ halfOpenAfterMs, consecutiveFailures }, 'connector API circuit opened: status checks fail fast until it recovers'),
    );
    breakerPolicy.onReset(() => this.log?.info('connector API circuit closed: the connector answers again'));
    this.policy = wrap(retryPolicy, breakerPolicy);
  }

  async getStores(accountId: string): Promise<AccountStores> {
    // "." and ".." survive encodeURIComponent and would be resolved as path segments by the URL
    // parser (so would %2e), reaching another endpoint: no account can be called that anyway.
    if (accountId === '' || accountId === '.' || accountId === '..' || accountId.length > 256) {
      throw new ConnectorError('not-found', 'not a valid account id');
    }
    const cached = this.cache.get(accountId);
    if (cached && cached.until > this.now()) {
      if ('notFound' in cached) throw cached.notFound;
      return structuredClone(cached.value);
    }
    if (cached) this.cache.delete(accountId);

    let pending = this.inflight.get(accountId);
    if (!pending) {
      pending = this.fetchStores(accountId).finally(() => this.inflight.delete(accountId));
      this.inflight.set(accountId, pending);
    }
    // Each caller gets its own copy so one conversation cannot alter what another one sees.
    return structuredClone(await pending);
  }

  private async fetchStores(accountId: string): Promise<AccountStores> {
    const url = `${this.baseUrl}/v1/accounts/${encodeURIComponent(accountId)}/stores`;
    let outcome: Outcome;
    let lastFailure: ConnectorError | undefined;
    try {
      outcome = await this.policy.execute(async () => {
        try {
          return await this.attempt(url);
        } catch (err) {
          if (err instanceof ConnectorError) lastFailure = err;
          throw err;
        }
      });
    } catch (caught) {
      let err = caught;
      if (isBrokenCircuitError(caught)) {
        // A call whose own attempts opened the circuit did reach the connector: report what it
        // saw. "circuit-open" means the connector was not called at all.
        if (lastFailure) err = lastFailure;
        else throw new ConnectorError('circuit-open', 'connector API unavailable (circuit open), not called', { cause: caught });
      }
      if (err instanceof ConnectorError) {
        this.log?.warn({ kind: err.kind, status: err.status, reason: err.message }, 'connector API status check failed');
        throw err;
      }
      throw new ConnectorError('unavailable', `connector API call failed: ${describe(err)}`, { cause: err });
    }

    if (!outcome.ok) {
      if (outcome.error.kind === 'not-found') {
        this.remember(accountId, { until: this.now() + this.notFoundTtlMs, notFound: outcome.error });
      } else {
        this.log?.warn({ kind: outcome.error.kind, status: outcome.error.status, reason: outcome.error.message }, 'connector API status check failed');
      }
      throw outcome.error;
    }
    const body = outcome.value;
    // Showing one seller another seller's stores would be far worse than showing nothing.
    if (body.accountId !== accountId) {
      throw new ConnectorError('invalid-response', 'connector API answered for a different account');
    }
    const value: AccountStores = { accountId, stores: body.stores.map(toStoreStatus), fetchedAt: new Date(this.now()).toISOString() };
    this.remember(accountId, { until: this.now() + this.cacheTtlMs, value });
    return value;
  }

  private remember(accountId: string, entry: CacheEntry): void {
    if (entry.until <= this.now()) return;
    this.cache.delete(accountId);
    while (this.cache.size >= this.cacheMaxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      this.cache.delete(oldest.value);
    }
    this.cache.set(accountId, entry);
  }

  /** One HTTP attempt. Throws only transient errors; definite answers come back as values. */
  private async attempt(url: string): Promise<Outcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const timedOut = () => transientError('timeout', `connector API gave no answer within ${this.timeoutMs} ms`);
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
      let res: Response;
      try {
        // No redirects: the bearer token is only meant for the configured host.
        res = await this.fetchImpl(url, { method: 'GET', headers, signal: controller.signal, redirect: 'manual' });
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
        text = await readText(res, this.maxBodyBytes);
      } catch (err) {
        if (controller.signal.aborted) throw timedOut();
        if (err instanceof BodyTooLarge) return { ok: false, error: invalid(err.message) };
        throw transientError('unavailable', `connector API answer cut off: ${describe(err)}`, { cause: err });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { ok: false, error: invalid('connector API answer is not JSON') };
      }
      if (!this.validate(body)) {
        const problems = (this.validate.errors ?? [])
          .slice(0, 5)
          .map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`)
          .join('; ');
        return { ok: false, error: invalid(`connector API answer does not match the contract: ${problems}`) };
      }
      return { ok: true, value: body };
    } finally {
      clearTimeout(timer);
    }
  }
}

function toStoreStatus(s: WireStore): StoreStatus {
  const lastError = s.lastError
    ? {
        code: s.lastError.code,
        ...(typeof s.lastError.message === 'string' ? { message: s.lastError.message } : {}),
        ...(typeof s.lastError.at === 'string' ? { at: s.lastError.at } : {}),
      }
    : null;
  return {
    storeId: s.storeId,
    // The rules compare with lower-case constants; "Shopee" from a newer connector is the same shop.
    platform: s.platform.trim().toLowerCase(),
    nickname: s.nickname,
    status: s.status.trim().toLowerCase(),
    expiresAt: s.expiresAt,
    lastError,
  };
}

function invalid(message: string): ConnectorError {
  return new ConnectorError('invalid-response', message, { status: 200 });
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

function describe(err: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (a test VM), where instanceof fails.
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null | undefined;
  // undici hides the real reason (ECONNREFUSED, ENOTFOUND...) in cause.
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  if (typeof e?.cause?.message === 'string' && e.cause.message) return e.cause.message;
  if (typeof e?.message === 'string') return e.message;
  return String(err);
}
