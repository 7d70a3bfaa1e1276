import type { Language, Platform } from '../knowledge/schema';
import type { Choice, OutMessage, TranscriptEntry } from './messages';

export type { TranscriptEntry } from './messages';

/** What the bot remembers of one conversation between turns (stored as JSON). */
export interface ConversationState {
  version: 1;
  lang?: Language;
  /** The seller chose the language ("English please"): stop following their script. */
  langPinned: boolean;
  awaiting?: 'feedback' | 'clarify' | 'platform' | 'handover';
  /** The choices last offered, so a typed "2" works on channels without buttons. */
  offered: Choice[];
  /** Last article shown. */
  topic?: string;
  /** Article waiting for the seller to confirm the platform. */
  pendingTopic?: string;
  /** The words that article was found for (secrets already removed): matched again with the platform the seller names. */
  pendingText?: string;
  /** Articles shown for this problem, in order. */
  tried: string[];
  /** Next-best articles from the last match, for "No, that didn't fix it". */
  alternatives: string[];
  /** Messages in a row the bot could not answer. */
  misses: number;
  platforms: Platform[];
  errorCodes: string[];
  resolved?: { topic: string; at: string };
  handoverOffered?: { reason: string; at: string };
  /** The hand-over being prepared: which question the bot asked last and the answers so far. */
  handover?: { step: 'offer' | 'email' | 'description' | 'confirm'; reason: string; email?: string; description?: string };
  /** A known contact address (typed earlier, or of the linked account). */
  contactEmail?: string;
  /** Articles the seller said did not fix it. */
  notFixed: string[];
  /** Why the bot asked for a status check, and what to do once it has the answer. */
  statusCheck?: { purpose: 'problem' | 'asked' | 'handover'; topic?: string; decision?: string; candidates?: string[] };
  /** The last status check (for the hand-over e-mail), already reduced to what support needs. */
  statusSnapshot?: { at: string; stores: unknown[] } ;
  /** The last ticket given to the seller. */
  ticket?: { id: string; at: string };
  /**
   * The lines said in this turn. The conversation's transcript (its last TRANSCRIPT_LIMIT lines)
   * is kept by the conversation store, which appends these after each turn: rewriting it whole
   * with every turn was most of the cost of a turn.
   */
  transcript: TranscriptEntry[];
  /** The first few things the seller said about the problem (the hand-over's problem when they give no description). */
  firstWords?: string[];
  /** The seller has typed before: their first message sets the language on any English word, later ones take more. */
  typed?: boolean;
  /** Pictures the seller sent, by reference (channel storage), for the hand-over e-mail. */
  screenshots: { ref: string; contentType?: string; at: string }[];
  startedAt: string;
  lastActiveAt: string;
  /**
   * The answer to the last turn, by its replay id (Turn.replayId): a turn handled again (an instance died
   * between saving the state and sending the answer) gets the same answer instead of a second step.
   */
  lastTurn?: { replayId: string; messages: OutMessage[] };
  /**
   * The replay ids of the last turns. An older message handled again after newer ones (an
   * instance died after answering it, before it could say so) must not run again: its answer
   * went out then, and running it now would move the conversation back.
   */
  recentReplayIds?: string[];
}

export const TRANSCRIPT_LIMIT = 100;

export function newState(at: string): ConversationState {
  return {
    version: 1,
    langPinned: false,
    offered: [],
    tried: [],
    alternatives: [],
    notFixed: [],
    misses: 0,
    platforms: [],
    errorCodes: [],
    transcript: [],
    firstWords: [],
    screenshots: [],
    startedAt: at,
    lastActiveAt: at,
  };
}
