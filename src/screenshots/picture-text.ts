import { redact, type SecretKind } from '../escalation/redact';

/**
 * What OCR read in a seller's picture, made fit to keep: redacted before anything else sees it.
 * A screenshot shows what a seller would never type to a bot: the e-mail and phone number of the
 * account page, a password field shown in clear. Pure.
 */

export const PICTURE_MASK = { email: '[e-mail hidden]', phone: '[phone hidden]' } as const;

/** What is kept of a picture's text at most: an error dialog is short, a whole page is not needed. */
export const MAX_PICTURE_TEXT = 1200;

// Bounded parts: OCR lines can be long runs of letters without spaces, and an unbounded
// pattern there is quadratic.
const EMAIL = /[\p{L}\p{N}._%+-]{1,64}\s?@\s?[\p{L}\p{N}-]{1,63}(?:\s?\.\s?[\p{L}\p{N}-]{1,63}){1,4}/gu;
// Thai numbers (08x-xxx-xxxx, 02-xxx-xxxx, +66 8x xxx xxxx) and any 9 to 12 digits in groups.
const PHONE = /(?<![\p{N}])(?:\+?66[\s-]?|0)\d{1,2}(?:[\s-]?\d){7,8}(?![\p{N}])/gu;

export interface PictureText {
  /** The text as it may be stored, shown and mailed. */
  text: string;
  /** The secrets hidden in it (a password, an OTP code), as for typed messages. */
  kinds: SecretKind[];
  /** Whether anything was hidden (a secret, an e-mail address, a phone number). */
  hidden: boolean;
}

/** OCR's lines, tidied: blank lines and runs of spaces out, at most MAX_PICTURE_TEXT characters. */
export function tidyReadText(raw: string): string {
  return raw
    .normalize('NFC')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line) => /[\p{L}\p{N}]/u.test(line))
    .join('\n')
    .slice(0, MAX_PICTURE_TEXT);
}

/** The text read in a picture with its secrets, e-mail addresses and phone numbers hidden. */
export function redactPictureText(raw: string): PictureText {
  const tidy = tidyReadText(raw);
  const secrets = redact(tidy);
  const text = secrets.text.replace(EMAIL, PICTURE_MASK.email).replace(PHONE, PICTURE_MASK.phone);
  return { text, kinds: secrets.kinds, hidden: text !== tidy };
}
