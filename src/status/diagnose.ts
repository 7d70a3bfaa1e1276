import type { KnowledgeBase } from '../knowledge/load';
import type { Platform, Topic } from '../knowledge/schema';
import type { AccountStores, StoreStatus } from './connector';

/**
 * Turns what the connector API says about a seller's stores into findings the bot can act on,
 * without guessing from words. Pure: the clock comes in as an argument.
 */

export const EXPIRY_WARNING_DAYS = 7;
const DAY = 24 * 3600 * 1000;

export type Finding =
  | { kind: 'expired'; store: StoreStatus; topic: string; expiredAt?: string }
  | { kind: 'known-error'; store: StoreStatus; topic: string; code: string }
  | { kind: 'unknown-error'; store: StoreStatus; code: string }
  | { kind: 'expiring-soon'; store: StoreStatus; expiresAt: string; days: number };

export interface Diagnosis {
  /** Things to fix now (expired stores, errors), in the order the API listed the stores. */
  problems: Finding[];
  /** Things to know (a store expiring within a week). */
  warnings: Finding[];
  /** Every store is active and none expires soon. */
  allActive: boolean;
  storeCount: number;
}

export function diagnose(account: AccountStores, kb: KnowledgeBase, now: Date): Diagnosis {
  const problems: Finding[] = [];
  const warnings: Finding[] = [];
  for (const store of account.stores) {
    const expiresAt = store.expiresAt ? Date.parse(store.expiresAt) : NaN;
    const pastExpiry = Number.isFinite(expiresAt) && expiresAt <= now.getTime();
    if (store.status === 'expired' || (store.status === 'active' && pastExpiry)) {
      problems.push({ kind: 'expired', store, topic: 'connection-expired', expiredAt: store.expiresAt ?? undefined });
      continue;
    }
    const code = store.lastError?.code?.trim();
    if (store.status === 'error' || (code && store.status !== 'active')) {
      const topic = code ? topicForCode(kb, code, store.platform) : undefined;
      if (topic && code) problems.push({ kind: 'known-error', store, topic: topic.id, code: code.toUpperCase() });
      else problems.push({ kind: 'unknown-error', store, code: code || 'UNKNOWN' });
      continue;
    }
    if (Number.isFinite(expiresAt) && expiresAt - now.getTime() <= EXPIRY_WARNING_DAYS * DAY) {
      warnings.push({ kind: 'expiring-soon', store, expiresAt: store.expiresAt!, days: Math.max(0, Math.ceil((expiresAt - now.getTime()) / DAY)) });
    }
  }
  return { problems, warnings, allActive: problems.length === 0 && warnings.length === 0, storeCount: account.stores.length };
}

/** The articles that list this error code, whatever its case. */
export function topicsListingCode(kb: KnowledgeBase, code: string): Topic[] {
  const upper = code.toUpperCase();
  return kb.topics.filter((t) => t.errorCodes.some((c) => c.toUpperCase() === upper));
}

/**
 * The article that lists this error code for the store's platform. A Lazada article is no
 * answer for the same code on another platform: that counts as unknown and goes to support.
 */
export function topicForCode(kb: KnowledgeBase, code: string, platform: string): Topic | undefined {
  const listing = topicsListingCode(kb, code);
  return listing.find((t) => t.platforms.includes(platform as Platform)) ?? listing.find((t) => t.platforms.includes('all'));
}
