import { createHash } from 'node:crypto';
import type { KnowledgeBase } from '../knowledge/load';
import type { AccountStores, StoreStatus } from '../status/connector-port';
import { diagnose, EXPIRY_WARNING_DAYS } from '../status/diagnose';

/**
 * Who gets the proactive expiry warning, about which store, and when: pure (the clock is an
 * argument). The I/O around it is expiry-pass.ts.
 *
 * - A store qualifies when the status check would warn that it expires within
 *   EXPIRY_WARNING_DAYS (7), or finds it expired within the last JUST_EXPIRED_DAYS.
 * - Never twice for one store and expiry date (the key), at most one warning per seller and
 *   Bangkok day (the soonest expiry first; the others wait for the next days), none to a seller
 *   who said stop, none between 21:00 and 08:00 in Bangkok.
 */

export { EXPIRY_WARNING_DAYS };
/** An expiry older than this is the status check's business, not a message out of the blue; two days cover a missed pass. */
export const JUST_EXPIRED_DAYS = 2;
/** Asia/Bangkok is UTC+7 all year (Thailand has no daylight saving time). */
const BANGKOK_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
export const QUIET_FROM_HOUR = 21;
export const QUIET_UNTIL_HOUR = 8;

/** The calendar day in Bangkok, YYYY-MM-DD. */
export function bangkokDay(at: Date): string {
  return new Date(at.getTime() + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);
}

/** "2026-12-08 10:00": the minute in Bangkok, as operators read times. */
export function bangkokMinute(at: Date): string {
  return new Date(at.getTime() + BANGKOK_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** Minutes since midnight in Bangkok. */
function bangkokMinutes(at: Date): number {
  const local = new Date(at.getTime() + BANGKOK_OFFSET_MS);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

/** 21:00 to 08:00 in Bangkok: nobody is woken by a warning. */
export function isQuietTime(at: Date): boolean {
  const m = bangkokMinutes(at);
  return m >= QUIET_FROM_HOUR * 60 || m < QUIET_UNTIL_HOUR * 60;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** `time` in Bangkok on the Bangkok day of `at`. */
export function bangkokTimeOn(at: Date, time: TimeOfDay): Date {
  const midnight = Date.parse(`${bangkokDay(at)}T00:00:00Z`) - BANGKOK_OFFSET_MS;
  return new Date(midnight + (time.hour * 60 + time.minute) * 60_000);
}

/** The first `time` in Bangkok strictly after `after`. */
export function nextRunAt(after: Date, time: TimeOfDay): Date {
  const today = bangkokTimeOn(after, time);
  return today.getTime() > after.getTime() ? today : new Date(today.getTime() + DAY_MS);
}

/** A store the warning is about. */
export interface DueStore {
  store: StoreStatus;
  /** The expiry as the connector gave it. */
  expiresAt: string;
  /** Bangkok calendar days from today to the expiry day (0: today; negative: past). */
  days: number;
  expired: boolean;
  /** One per LINE user, store and Bangkok expiry day: what "never twice" is remembered by. */
  key: string;
}

/**
 * The stores to warn a LINE user about, most urgent first: the expired ones and those
 * expiring within a week, as diagnose() finds them for the status check.
 */
export function dueStores(lineUserId: string, account: AccountStores, kb: KnowledgeBase, now: Date): DueStore[] {
  const { problems, warnings } = diagnose(account, kb, now);
  const due: DueStore[] = [];
  for (const f of [...problems, ...warnings]) {
    const expiresAt = f.kind === 'expiring-soon' ? f.expiresAt : f.kind === 'expired' ? f.expiredAt : undefined;
    const at = expiresAt ? Date.parse(expiresAt) : NaN;
    if (!expiresAt || !Number.isFinite(at)) continue;
    const left = at - now.getTime();
    if (left < -JUST_EXPIRED_DAYS * DAY_MS) continue;
    const days = Math.round((Date.parse(bangkokDay(new Date(at))) - Date.parse(bangkokDay(now))) / DAY_MS);
    due.push({ store: f.store, expiresAt, days, expired: f.kind === 'expired', key: warningKey(lineUserId, f.store.storeId, expiresAt) });
  }
  return due.sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
}

/** Stands for (LINE user, store, Bangkok expiry day): hashed, since store ids are the connector's arbitrary strings. */
export function warningKey(lineUserId: string, storeId: string, expiresAt: string): string {
  const day = bangkokDay(new Date(expiresAt));
  return createHash('sha256').update(JSON.stringify([lineUserId, storeId, day])).digest('hex').slice(0, 32);
}

/** How long a sent warning's key must be kept: until it can no longer qualify, and a week more. */
export function keepSeconds(due: DueStore, now: Date): number {
  const until = Date.parse(due.expiresAt) + (JUST_EXPIRED_DAYS + 7) * DAY_MS;
  return Math.max(DAY_MS, until - now.getTime()) / 1000;
}

export type SkipReason = 'stopped' | 'paused' | 'daily-limit' | 'nothing-due' | 'already-warned' | 'connector-error' | 'push-failed';

/** Before the stores are read: a seller who said stop, or was warned today, is left alone. */
export function sellerSkip(seller: { stopped: boolean; lastWarnedDay?: string }, now: Date): SkipReason | undefined {
  if (seller.stopped) return 'stopped';
  if (seller.lastWarnedDay === bangkokDay(now)) return 'daily-limit';
  return undefined;
}

/** The one store to warn about now, or why none. */
export function pickStore(due: DueStore[], sent: ReadonlySet<string>): DueStore | SkipReason {
  if (due.length === 0) return 'nothing-due';
  return due.find((d) => !sent.has(d.key)) ?? 'already-warned';
}

/** LINE's answer about the month: `limit` undefined when no target limit is set (type "none"). */
export interface PushQuota {
  limit?: number;
  used: number;
}

/**
 * Pushes this pass may still make: up to `percent` of the month's quota, counting what LINE
 * says was used. Unlimited when LINE sets no limit.
 */
export function pushBudget(quota: PushQuota, percent: number): number {
  if (quota.limit === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.floor((quota.limit * percent) / 100) - quota.used);
}

/**
 * A time as an operator types it (`notify:expiring --at`): ISO; without a zone it is Bangkok
 * time (the quiet hours are), and a date alone is that day at 10:00 in Bangkok, when the daily
 * pass runs.
 */
export function bangkokTimeOf(given: string): Date | undefined {
  const s = given.trim();
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : /^\d{4}-\d\d-\d\d$/.test(s) ? `${s}T10:00:00+07:00` : `${s}+07:00`;
  const t = Date.parse(zoned);
  return Number.isFinite(t) ? new Date(t) : undefined;
}
