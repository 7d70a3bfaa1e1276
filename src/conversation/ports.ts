/**
 * What the conversation needs from the world, declared here so the adapters depend on the
 * conversation and never the reverse: where its state is kept (storage implements it), the
 * hand-over case it files and what the outbox answers (escalation implements them).
 */
import type { ConversationState, TranscriptEntry } from './state';

/**
 * Conversation state by key (channel:conversationId), forgotten after a period of silence, and
 * the conversation's transcript beside it: appended to, its last TRANSCRIPT_LIMIT lines kept,
 * read only for a hand-over.
 */
export interface ConversationStore {
  /** The state is the caller's to change: a store may hand over the object it saved last (not a copy). */
  get(key: string): Promise<ConversationState | undefined>;
  /**
   * Saves the state (its `transcript` is not stored with it) and appends `lines` to the
   * transcript. The store may keep the object: the caller does not change it afterwards.
   */
  set(key: string, state: ConversationState, ttlSeconds: number, lines?: TranscriptEntry[]): Promise<void>;
  /** The transcript's last lines, oldest first (lines of an earlier conversation under the same key included: filter by time). */
  transcript(key: string): Promise<TranscriptEntry[]>;
  delete(key: string): Promise<void>;
  /** Removes expired conversations; returns how many. */
  sweep(): Promise<number>;
  /**
   * Shared stores only (Redis): reads the state under a lock every instance respects, so one
   * conversation's turns run one at a time across instances. Taking the lock and reading the
   * state is one round trip, and so are saving and letting go.
   */
  hold?(key: string): Promise<HeldConversation>;
}

/** One turn's hold on a conversation (see ConversationStore.hold). */
export interface HeldConversation {
  readonly state: ConversationState | undefined;
  /** Saves as set() does, and lets the next turn in. */
  save(state: ConversationState, ttlSeconds: number, lines?: TranscriptEntry[]): Promise<void>;
  /** Lets the next turn in without saving; nothing after save(). */
  release(): Promise<void>;
}

export type { EscalationCase, TicketResult, TicketSummary } from './messages';
