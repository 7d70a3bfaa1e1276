import type { Language, Platform } from '../knowledge/schema';
import type { Choice, OutMessage, TranscriptEntry } from './messages';

export type { TranscriptEntry } from './messages';

/** How far a hand-over got: the question it asks next, or asked last. */
export type HandoverStep = 'offer' | 'email' | 'description' | 'confirm';

/**
 * The one question the bot has asked and waits for an answer to. A reply is read against it
 * before anything else; with none open, a message is a new problem.
 */
export type OpenQuestion =
  /** "Did this fix it?" after the article `topic`. */
  | { kind: 'feedback'; topic: string }
  /** "Did you mean ...?": the candidates are the offered choices. */
  | { kind: 'clarify' }
  /** "Which platform is the store on?" before the article `topic`, found for the seller's `text` (secrets removed). */
  | { kind: 'platform'; topic: string; text?: string }
  /** The hand-over's question: the one its draft's step names. */
  | { kind: 'handover' }
  /**
   * "Tell me a little more (which platform? what does it say?)" after `text` (secrets removed),
   * too little to pick an article: the next words are read with it.
   */
  | { kind: 'more'; text: string }
  /** "How did I do?" (optional: any other message passes it by). */
  | { kind: 'rating' }
  /**
   * The seller announced a password ("นี่รหัสผ่านนะคะ"): their next short message is taken for
   * one whatever it looks like; `then` is the question that was open before, asked again after.
   */
  | { kind: 'secret-expected'; then?: Exclude<OpenQuestion, { kind: 'secret-expected' }> };

/**
 * A hand-over being prepared: the answers so far and how far it got. It is kept apart from the
 * open question because it can outlive another one (a summary still waits to be sent while the
 * seller asks about another problem: "ส่งเลย" then sends it).
 */
export interface HandoverDraft {
  step: HandoverStep;
  reason: string;
  email?: string;
  description?: string;
  /** At the e-mail question: the address typed and the one it was probably meant to be ("did you mean"). */
  emailCheck?: { typed: string; suggested: string };
}

/** What the bot remembers of one conversation between turns (stored as JSON). */
export interface ConversationState {
  version: 2;
  lang?: Language;
  /** The seller chose the language ("English please"): stop following their script. */
  langPinned: boolean;
  question?: OpenQuestion;
  /** The choices last offered, so a typed "2" works on channels without buttons. */
  offered: Choice[];
  /** Last article shown. */
  topic?: string;
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
  draft?: HandoverDraft;
  /** A known contact address (typed earlier, or of the linked account). */
  contactEmail?: string;
  /** Problems of other stores named with this one ("shopee expired, and lazada says INTERNAL_DATA_ERROR"), by platform. */
  pending?: { platform: Platform; topic: string }[];
  /** Articles the seller said did not fix it. */
  notFixed: string[];
  /** Why the bot asked for a status check, and what to do once it has the answer (`platform`: tell that platform's stores). */
  statusCheck?: { purpose: 'problem' | 'asked' | 'handover'; topic?: string; decision?: string; confidence?: number; candidates?: string[]; platform?: Platform };
  /** The last status check (for the hand-over e-mail), already reduced to what support needs. */
  statusSnapshot?: { at: string; stores: unknown[] } ;
  /** The last rating asked for: when, of which conversation (its start), and whether it was given. */
  rating?: { askedAt: string; of: string; rated?: boolean };
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
  /** When the seller last sent a picture, kept or not ("ตามรูปเลยค่ะ" is about it). */
  pictureAt?: string;
  /** The text read in the pictures of an album before its last (redacted): the album is answered as one. */
  albumTexts?: string[];
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
    version: 2,
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

/** Version 1, as states were stored before the open question was made explicit. */
export type ConversationStateV1 = Omit<ConversationState, 'version' | 'question' | 'draft' | 'notFixed'> & {
  version: 1;
  awaiting?: 'feedback' | 'clarify' | 'platform' | 'handover';
  pendingTopic?: string;
  pendingText?: string;
  handover?: HandoverDraft;
  /** Missing in the states of the oldest version-1 builds. */
  notFixed?: string[];
};

/** Any state a store may hold: one written by this build, or by an earlier one. */
export type StoredState = ConversationState | ConversationStateV1;

/**
 * A stored state in this build's shape. Version 1 kept the open question in `awaiting` (with the
 * platform question's article in `pendingTopic` / `pendingText`) and the hand-over in `handover`;
 * a question whose details are missing is dropped rather than guessed.
 */
export function migrate(stored: StoredState): ConversationState {
  if (stored.version === 2) return stored;
  const { awaiting, pendingTopic, pendingText, handover, version: _v1, ...rest } = stored;
  const question: OpenQuestion | undefined =
    awaiting === 'feedback' && rest.topic
      ? { kind: 'feedback', topic: rest.topic }
      : awaiting === 'platform' && pendingTopic
        ? { kind: 'platform', topic: pendingTopic, ...(pendingText !== undefined ? { text: pendingText } : {}) }
        : awaiting === 'clarify'
          ? { kind: 'clarify' }
          : awaiting === 'handover' && handover
            ? { kind: 'handover' }
            : undefined;
  return {
    ...rest,
    version: 2,
    notFixed: rest.notFixed ?? [],
    ...(question ? { question } : {}),
    ...(handover ? { draft: handover } : {}),
  };
}
