import { MASK, redactMessage, type Redacted } from '../escalation/redact';
import type { OpenQuestion } from './state';

/**
 * After "นี่รหัสผ่านนะคะ" a message of this many words at most is the password, whatever it
 * looks like ("sunflowerbaby", "Mango Sticky 99"); a longer one is read as usual.
 */
export const SECRET_EXPECTED_MAX_WORDS = 3;

/** Short enough to be taken whole for an announced password. */
export const shortEnoughForASecret = (raw: string) => raw.trim().split(/\s+/u).length <= SECRET_EXPECTED_MAX_WORDS;

/**
 * What the conversation keeps of what the seller typed: the message with its secrets masked,
 * or all of it when the open question says a password comes next. Pure; the channels store
 * this (BotService.hear), never the raw message.
 */
export function hear(raw: string, question: OpenQuestion | undefined): Redacted {
  if (question?.kind === 'secret-expected' && shortEnoughForASecret(raw)) {
    return { text: MASK.password, kinds: ['password'] };
  }
  return redactMessage(raw);
}
