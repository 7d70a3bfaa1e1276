/**
 * The conversation's fixed sizes and the few shapes it reads that are not words: a choice's
 * number, an error code, a secret's labels. Words and phrasings are data:
 * knowledge/replies.yaml, read by replies.ts and cues.ts.
 */
import { asciiDigits } from '../matching/normalise';

/** Without a description, the hand-over's problem is the seller's first few messages. */
export const FIRST_WORDS = 3;

/** Longest description the hand-over accepts (a mail stays readable; longer text is refused, not cut). */
export const MAX_DESCRIPTION = 3000;

/** The short menu of the most common problems. */
export const MENU_TOPICS = [
  'connection-expired',
  'shopee-otp-not-received',
  'lazada-password-not-match',
  'lazada-internal-data-error',
  'store-bound-other-account',
] as const;

/** Up to this length a message can answer "did this fix it?" in a sentence; a longer one is a new message. */
export const FEEDBACK_SENTENCE = 60;
/** Topics about one store's connection: for these a linked seller's stores are checked first. */
export const NOT_ABOUT_A_STORE = new Set(['platforms-supported', 'contact-support']);
/** How long a ticket counts as open for "a person, please" when the context does not say (the outbox's default). */
export const DEFAULT_TICKET_OPEN_SECONDS = 24 * 3600;
export const SNAPSHOT_FRESH_MS = 5 * 60 * 1000;
/** Below this length a typed yes/no answers the question asked; a longer message is matched as usual. */
export const SHORT_ANSWER = 30;
/**
 * A choice picked by its number: "2", "๒", "2.", and the ways sellers say it ("ข้อ 2", "ข้อที่ 2 ค่ะ",
 * "option 2", "no. 2", "#2").
 */
const CHOICE_NUMBER = /^(?:(?:ข้อ|อัน|ตัวเลือก|เลือก|หมายเลข|เบอร์)\s*(?:ที่)?\s*|(?:option|choice|number|no\.?|#)\s*)?([0-9]{1,2})\s*[.)]?\s*(?:ค่ะ|ครับ|คะ|จ้า|นะคะ|นะครับ)?\s*$/i;

export function choiceNumber(typed: string): number | undefined {
  const m = CHOICE_NUMBER.exec(asciiDigits(typed.trim().normalize('NFKC')));
  return m ? Number(m[1]) : undefined;
}

/** "error 500100", "error code: E-1002", "ข้อผิดพลาด 500100": a code after the word error (its first group). */
export const UNKNOWN_CODE = /(?:\berror|\berr|ข้อผิดพลาด)\s*(?:code|no\.?)?\s*[:：#]?\s*([A-Za-z]{0,4}[-_]?\d[\w-]{1,15})/iu;
/** The English words of a secret's label ("my password is"). */
export const SECRET_LABEL_WORDS = 'my|the|is|pass(?:word|wd|code)?|pwd|pw|otp|code|pin|user(?:name)?|login|id';
/** A secret's labels and the little words around them ("my password is", "รหัสผ่านคือ ... ค่ะ"). */
export const SECRET_LABELS = new RegExp(String.raw`\b(?:${SECRET_LABEL_WORDS})\b|รหัส\s*ผ่าน|รหัส|พาสเวิร์ด|พาส|โค้ด|คือ|เป็น|ของ(?:ฉัน|หนู|เรา|ผม)|ค่ะ|คะ|ครับ|นะ|จ้า|[:=：]`, 'giu');
