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
import type { Logger } from '../logger';
import { accountStoresValidator, toStoreStatus, type Outcome } from './connector-contract';
import { ConnectorError, type AccountStores, type ConnectorClient } from './connector-port';
import { describe, isTransient, requestAccountStores, type RequestOptions } from './connector-request';

export { ConnectorError, type AccountStores, type ConnectorClient, type ConnectorErrorKind, type StoreStatus } from './connector-port';

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

type CacheEntry = { until: number; value: AccountStores } | { until: number; notFound: ConnectorError };

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
  private readonly cacheTtlMs: number;
  private readonly notFoundTtlMs: number;
  private readonly cacheMaxEntries: number;
  private readonly now: () => number;
  private readonly log?: HttpConnectorOptions['log'];
  private readonly request: RequestOptions;
  private readonly policy: IPolicy;
  private readonly cache = new Map<string, CacheEntry>();
  /** Conversations of one seller asking at the same moment share one request. */
  private readonly inflight = new Map<string, Promise<AccountStores>>();

  constructor(options: HttpConnectorOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('connector baseUrl must be http(s)');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.cacheTtlMs = options.cacheTtlMs ?? 30_000;
    this.notFoundTtlMs = options.notFoundTtlMs ?? Math.min(this.cacheTtlMs, 10_000);
    this.cacheMaxEntries = options.cacheMaxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.request = {
      fetch: options.fetch ?? globalThis.fetch,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? 3000,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      validate: accountStoresValidator(),
    };

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
          return await requestAccountStores(url, this.request);
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
}
