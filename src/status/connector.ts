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
  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}
