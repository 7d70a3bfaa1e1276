import { withoutMasks } from '../escalation/redact';
import type { Language } from '../knowledge/schema';
import { hasThai } from '../matching/normalise';
import { SECRET_LABEL_WORDS } from './phrases';

/**
 * Which language the conversation speaks: the seller's script, or a language they ask for.
 * Pure.
 */

/** Error codes are written as the platform shows them, whatever language the seller writes in. */
const ERROR_CODE_LIKE = /\b[A-Z0-9]+(?:_[A-Z0-9]+)+\b/g;
/**
 * An e-mail address or a link is no word of any language ("lek.thai@gmail.com" asks for no Thai).
 * Bounded, as addresses are: an open-ended run before the @ is quadratic on a long message.
 */
const ADDRESS_LIKE = /[^\s@]{1,64}@[^\s@]{1,255}|https?:\/\/\S+/gi;
/**
 * Whether a message without Thai moves the conversation to English. The seller's first message
 * decides on any English word; after that it takes two besides the chat words below, so a Thai
 * seller's "ok", "thank you" or a pasted PASSWORD_NOT_MATCH does not turn the conversation into English.
 */
export function writesEnglish(text: string, firstMessage: boolean): boolean {
  if (firstMessage) return /[a-z]{2,}/i.test(text);
  const words = text.replace(ERROR_CODE_LIKE, ' ').replace(ADDRESS_LIKE, ' ').match(/[a-z]{2,}/gi) ?? [];
  return words.filter((w) => !CHAT_WORDS.has(w.toLowerCase())).length >= 2;
}
/** The English labels of a secret ("my password was"): no sign of the language a seller writes in. */
const ENGLISH_SECRET_LABELS = new RegExp(String.raw`\b(?:${SECRET_LABEL_WORDS}|was)\b`, 'giu');
/** English words Thai sellers use in Thai chats ("ok", "thank you"): they say nothing of the language. */
const CHAT_WORDS = new Set(['ok', 'okay', 'yes', 'no', 'thanks', 'thank', 'thx', 'you', 'pls', 'please', 'hi', 'hello', 'bye', 'sorry', 'admin']);
const TO_ENGLISH = /\b(english|in english|speak english)\b|ภาษาอังกฤษ|พูดอังกฤษ/i;
const TO_THAI = /\b(thai|in thai|speak thai)\b|ภาษาไทย|พูดไทย/i;
const ASKED_IN = /\b(?:reply|answer|respond|write|talk|speak|chat)(?: to me| with me)? in (english|thai)\b|\b(english|thai),? (?:please|pls|plz)\b|\b(?:please|pls|plz),? (english|thai)\b|(?:ขอ|ตอบ|คุย)เป็นภาษา(อังกฤษ|ไทย)/i;

/**
 * The language a message is written in, if it tells: Thai script, or enough English words.
 * What the seller said besides the secrets and their labels counts: the mask's own English
 * words would switch a Thai chat, and so would an English label ("รหัส lazada ของหนู ..." is Thai).
 */
export function languageOfMessage(text: string, masked: boolean, firstMessage: boolean): Language | undefined {
  const said = masked ? withoutMasks(text).replace(ENGLISH_SECRET_LABELS, ' ') : text;
  if (hasThai(said)) return 'th';
  return writesEnglish(said, firstMessage) ? 'en' : undefined;
}

/** A short request for a language ("English please", "ภาษาไทยค่ะ"). */
export function languageRequested(typed: string): Language | undefined {
  const text = typed.replace(ADDRESS_LIKE, ' ');
  // "sorry can you reply in English? my staff doesn't read Thai", "… english please", "ขอเป็นภาษาอังกฤษ":
  // asked in so many words, at any length.
  const asked = ASKED_IN.exec(text)?.slice(1).find(Boolean)?.toLowerCase();
  if (asked) return asked === 'english' || asked === 'อังกฤษ' ? 'en' : 'th';
  if (text.length >= 40) return undefined;
  return TO_ENGLISH.test(text) ? 'en' : TO_THAI.test(text) ? 'th' : undefined;
}
