import type { Language, Platform } from '../knowledge/schema';
import type { TranscriptEntry } from '../conversation/state';

/**
 * Everything support needs about one hand-over, built by the conversation core from what it
 * already holds (redacted). It becomes one e-mail; it never contains a password or a code.
 */
export interface EscalationCase {
  /** Who asked: one key per seller and channel, for "you already have a ticket" and rate limits. */
  userKey: string;
  channel: string;
  /** A reference support can quote back to the bot team (channel user id, hashed where private). */
  userRef: string;
  /** The seller's BigSeller account when the conversation has proven it (status-check issue). */
  accountId?: string;
  lang: Language;
  contactEmail: string;
  /** The seller's own words: the description they gave, else their first messages. */
  problem: string;
  reason: string;
  platforms: Platform[];
  errorCodes: string[];
  articlesTried: { topic: string; title: string; outcome: 'not fixed' | 'no answer' | 'fixed' }[];
  /** The article says support must collect account credentials (never in chat or e-mail). */
  needsAccountCredentials: boolean;
  /** Snapshot of the seller's store connections, when a status check ran (status-check issue). */
  statusSnapshot?: unknown;
  transcript: TranscriptEntry[];
  screenshots: { ref: string; contentType?: string }[];
  createdAt: string;
  /**
   * The id of the seller's message that asked for it (Turn.replayId). That message handled again
   * (its instance died before answering) finds its own ticket: answered as new, not "already open".
   */
  requestKey?: string;
}

/** What the outbox answers when a case is handed over. */
export interface TicketResult {
  ticket: string;
  /** The seller already had an open ticket within the reuse window: that one is returned. */
  existing: boolean;
  /** Too many hand-overs from this seller recently: nothing new was queued. */
  limited: boolean;
}
