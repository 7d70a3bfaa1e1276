import type { OutMessage } from '../../src/conversation/messages';
import type { RecordingChannel } from '../conversation/recording-channel';

/**
 * The seller's usual way through a hand-over on a RecordingChannel, for tests about what comes
 * after a step. Nothing is checked on the way: each test asserts what it is about itself.
 */

/** Asks for a person in the seller's words, then presses yes at the offer; returns the bot's answer to yes (the e-mail question). */
export async function toEmailQuestion(ch: RecordingChannel, ask: string): Promise<OutMessage[]> {
  await ch.send(ask);
  return ch.press('handover:start');
}

/** From the hand-over offer to its summary: yes, the reply address, no description; returns the summary. */
export async function toSummary(ch: RecordingChannel, email: string): Promise<OutMessage[]> {
  await ch.press('handover:start');
  await ch.send(email);
  return ch.press('handover:skip');
}
