/**
 * The small vocabulary the core speaks. Every channel renders it in its own format
 * (LINE flex and quick replies, widget buttons, Bot Framework cards) and falls back to
 * numbered text choices where it has no buttons.
 */

export interface Choice {
  label: string;
  /** For buttons that hold few characters (LINE: 20), where `label` would be cut. */
  short?: string;
  /** Opaque action the core understands when the button is pressed (topic:<id>, feedback:yes, ...). */
  action: string;
}

export interface ImageSlot {
  caption: string;
  url?: string;
}

/**
 * What a message of the bot does, named as ../shared/eval/CONVERSATIONS.md names it: the
 * evaluation, Direct Line's channelData.act and the metrics read it instead of the text. A
 * message that only introduces another carries the act of the one it introduces.
 */
export type Act =
  | 'menu'
  | `answer:${string}`
  | 'clarify'
  | 'ask-platform'
  | 'no-article'
  | 'ask-more'
  | 'ask-feedback'
  | 'resolved'
  | 'out-of-scope'
  | 'small-talk'
  | 'language'
  | 'secret-warning'
  | 'handover-offer'
  | 'ask-email'
  | 'ask-description'
  | 'handover-summary'
  | 'ticket'
  | 'handover-cancelled'
  | 'ask-link'
  | 'link-done'
  | 'link-failed'
  | 'status'
  | 'image-received'
  | 'unsupported'
  | 'rating'
  | 'expiry-warning'
  | 'error';

export type OutMessage = {
  act: Act;
  /** The language it is written in: the conversation's, as the core decided it for this turn. */
  lang?: Language;
} & (
  | { type: 'text'; text: string }
  | {
      type: 'steps';
      title: string;
      menuPath?: string;
      steps: string[];
      notes: string[];
      images: ImageSlot[];
    }
  | { type: 'image'; caption: string; url: string }
  | { type: 'link'; label: string; url: string }
  | { type: 'card'; title: string; text?: string; choices: Choice[] }
  | { type: 'choices'; text: string; choices: Choice[] }
);

import type { Language, Platform } from '../knowledge/schema';
import type { Decision } from '../matching/decide';
import type { AccountStores } from '../status/connector';

export type ChannelId = 'web' | 'line' | 'botframework' | 'test';

/** The action of the "link my account" button, with the conversation's language: account:link:th. */
const LINK_ACTION = 'account:link';

export function linkAction(lang: Language): string {
  return `${LINK_ACTION}:${lang}`;
}

/** The language of a "link my account" action; undefined for any other action. */
export function linkActionLanguage(action: string): Language | undefined {
  if (!action.startsWith(`${LINK_ACTION}:`)) return undefined;
  return action.endsWith(':en') ? 'en' : 'th';
}

/** One thing the seller did: typed, pressed a button, opened the chat, sent a sticker or a picture. */
export interface Turn {
  channel: ChannelId;
  conversationId: string;
  userId: string;
  kind: 'message' | 'action' | 'start' | 'sticker' | 'image' | 'file' | 'other' | 'ticket' | 'status' | 'tickets' | 'reminders';
  text?: string;
  action?: string;
  /** Locale hint from the channel (th-TH, en-US), used until the seller's own writing tells. */
  locale?: string;
  /** ISO time of the turn, given by the caller so the core stays pure. */
  at: string;
  /** Where the channel kept a picture the seller sent (kept for a later hand-over to support). */
  screenshot?: { ref: string; contentType?: string };
  /** kind 'image': the text read in the picture (OCR), redacted; the service reads it before the turn. */
  pictureText?: string;
  /** kind 'image': a picture of an album before its last one; kept and read, answered with the last. */
  morePicturesComing?: boolean;
  /** kind 'ticket': what the outbox answered to the core's create-ticket effect. */
  ticket?: TicketResult | { error: string };
  /** The BigSeller account this conversation has proven (web identity token, LINE account link). */
  accountId?: string;
  /** The channel can link the seller's BigSeller account from the chat (LINE): the bot offers it when it needs the account. */
  accountLinking?: boolean;
  /** The seller's e-mail as the signed-in account knows it, offered for a hand-over. */
  contactEmail?: string;
  /** kind 'status': what the connector API answered to the core's check-status effect. */
  status?: AccountStores | { error: string };
  /** kind 'tickets': what the outbox answered to the core's list-tickets effect (newest first). */
  tickets?: TicketSummary[] | { error: string };
  /** kind 'reminders': the seller's choice about proactive reminders was saved (set-reminders effect), or not. */
  reminders?: { on: boolean } | { error: string };
  /**
   * Ties together the log lines of one turn: the channel's event id (LINE webhookEventId,
   * Bot Framework activity id) or the HTTP request's id; the service makes one when missing.
   */
  requestId?: string;
  /**
   * An id the sender gives each seller message once and repeats only for the same message (LINE
   * webhookEventId). A turn seen again with the id of the last one gets that turn's answer again
   * instead of moving the conversation on (an instance died before answering). Never a
   * caller-chosen id such as X-Request-Id.
   */
  replayId?: string;
}

/** Work the core asks its caller to do (I/O), after which the caller reports back with a turn. */
export type CoreEffect =
  | { type: 'create-ticket'; case: EscalationCase }
  | { type: 'check-status'; accountId: string }
  /** The seller turned proactive reminders (LINE's expiry warning) off, or on again. */
  | { type: 'set-reminders'; on: boolean }
  /** The seller's tickets filed after `since` (ISO), newest first, at most `limit`, by the key their cases are filed under (caseUserKey). */
  | { type: 'list-tickets'; userKey: string; since: string; limit: number };

/** Things that happened in a turn that other parts (metrics, escalation) care about. */
export type CoreEvent =
  | { type: 'answered'; topic: string }
  | { type: 'resolved'; topic: string }
  | { type: 'not-resolved'; topic: string }
  | { type: 'handover-offered'; reason: HandoverReason }
  | { type: 'handover-cancelled' }
  | { type: 'status-checked'; ok: boolean; problems: number }
  | { type: 'ticket'; ticket: string; existing: boolean; limited: boolean }
  | { type: 'secret-redacted'; kinds: string[] }
  /**
   * A typed message was matched and the match decided the reply ('vague': 'none', but about a
   * store connection): its text as the conversation keeps it (secrets masked), and the topics
   * the matcher weighed, best first (what support reviews of the messages the bot missed).
   */
  | { type: 'matched'; decision: Decision | 'vague'; text: string; candidates: string[] }
  /** The seller rated the help: 1 (not helpful), 2 (so-so) or 3 (helpful), of the conversation that started at `of`. */
  | { type: 'rated'; score: 1 | 2 | 3; of: string }
  /** The seller picked one of "did you mean"'s articles, or none of them (null). */
  | { type: 'clarified'; topic: string | null };

export type HandoverReason = 'asked' | 'two-misses' | 'not-fixed' | 'not-answered' | 'needs-support' | 'no-article-for-platform' | 'unknown-error';

/** One line of the conversation as kept for support. */
export interface TranscriptEntry {
  from: 'user' | 'bot';
  /** Already redacted: secrets never enter the state. */
  text: string;
  at: string;
  /** The seller pressed a button with this label, rather than typing it. */
  pressed?: true;
}

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
  /**
   * The seller was told a person of support will answer in the channel's own chat (LINE with
   * LINE_HANDOVER=chat), where support finds them by their display name; not only by e-mail.
   */
  answerInChat?: { channel: 'line'; displayName?: string };
}

/** The key a seller's cases are filed under: one per seller and channel (EscalationCase.userKey). */
export function caseUserKey(turn: Pick<Turn, 'channel' | 'userId'>): string {
  return `${turn.channel}:${turn.userId}`;
}

/** One of the seller's tickets as the outbox knows it, for "my tickets". */
export interface TicketSummary {
  ticket: string;
  /** pending: waiting to be mailed (again, after a failed try when attempts > 0); sending: being mailed; sent: support has it; failed: given up, support never got it. */
  status: 'pending' | 'sending' | 'sent' | 'failed';
  /** ISO times. */
  createdAt: string;
  sentAt?: string;
  /** Tries to mail it so far (the one under way included). */
  attempts: number;
  platforms: Platform[];
  errorCodes: string[];
  /** Where support answers: the seller's own address, shown masked. */
  contactEmail: string;
}

/** What the outbox answers when a case is handed over. */
export interface TicketResult {
  ticket: string;
  /** The seller already had an open ticket within the reuse window: that one is returned. */
  existing: boolean;
  /** Too many hand-overs from this seller recently: nothing new was queued. */
  limited: boolean;
}
