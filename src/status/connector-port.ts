/**
 * What the bot needs from the connector API, whatever serves it: a seller's stores and their
 * status, and the ways asking can fail.
 */

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
