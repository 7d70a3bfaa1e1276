import type { OutMessage, Turn } from './messages';

/**
 * What a channel adapter talks to: one turn in, what to say out. The implementation loads the
 * conversation's state, runs the pure core, saves the new state (turns of one conversation run
 * one at a time) and returns the messages in order. Channels only translate.
 */
export interface Bot {
  handle(turn: Turn): Promise<OutMessage[]>;
  /** Forget a user's conversation (LINE unfollow, "start over"). */
  forget(conversationKey: { channel: Turn['channel']; conversationId: string }): Promise<void>;
}
