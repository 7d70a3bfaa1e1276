import type { OutMessage, Turn } from './messages';

/**
 * What a channel adapter talks to: one turn in, what to say out. The implementation loads the
 * conversation's state, runs the pure core, saves the new state (turns of one conversation run
 * one at a time) and returns the messages in order. Channels only translate.
 */
export interface Bot {
  handle(turn: Turn, lookups?: TurnLookups): Promise<OutMessage[]>;
  /**
   * The message's text as the conversation keeps it (secrets masked, the whole message after an
   * announced password): what a channel stores instead of the raw text. Optional for fakes.
   */
  hear?(turn: Turn): Promise<string | undefined>;
  /**
   * "นี่รหัสผ่านนะคะ": the message says a password comes next. It must be answered alone and at
   * once (never wait in a burst), so that the next message is read as the password.
   */
  announcesSecret?(text: string): boolean;
  /** "talk to the bot", "กลับมาคุยกับบอท" (reply act `bot`): ends a chat hand-over on LINE. */
  asksForTheBot?(text: string): boolean;
  /**
   * Keeps a turn the bot does not answer (a person of support has the chat) in the conversation:
   * its transcript line, its picture. Optional for fakes.
   */
  note?(turn: Turn): Promise<void>;
  /** Forget a user's conversation (LINE unfollow, "start over"). */
  forget(conversationKey: { channel: Turn['channel']; conversationId: string }): Promise<void>;
}

/** What the channel knows how to look up for a turn, read while the conversation is being taken. */
export interface TurnLookups {
  /**
   * The BigSeller account the seller proved (LINE account link), for turn.accountId. Asked for
   * together with the conversation's state: on Redis both go out in one write, a round trip less.
   */
  accountId?: () => Promise<string | undefined>;
}
