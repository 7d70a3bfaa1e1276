import { redact, type SecretKind } from '../escalation/redact';
import { printedCodes } from '../matching/printed-codes';
import { CONTACT_MASK, hideContacts } from '../escalation/redaction/contacts';

/**
 * What OCR read in a seller's picture, made fit to keep: redacted before anything else sees it.
 * A screenshot shows what a seller would never type to a bot: the e-mail and phone number of the
 * account page, a password field shown in clear. Pure.
 */

export const PICTURE_MASK = CONTACT_MASK;

/** What is kept of a picture's text at most: an error dialog is short, a whole page is not needed. */
export const MAX_PICTURE_TEXT = 1200;

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

/**
 * An address OCR garbled beyond the contact hider's pattern: its dot lost ("urbanbag.th@outiook
 * com") or everything run together ("malveauy@gmaiicomv"). In a picture, a word with an @ inside
 * is an address or an account name; either is hidden.
 */
const GARBLED_ADDRESS = /[\p{L}\p{N}._%+-]{1,64} ?@ ?[\p{L}\p{N}._-]{1,63}(?: (?:com|co|net|org|th|io|me)\b)*/gu;

/** The text read in a picture with its secrets, e-mail addresses and phone numbers hidden. */
export function redactPictureText(raw: string): PictureText {
  const tidy = tidyReadText(raw);
  const secrets = redact(tidy);
  const text = hideContacts(secrets.text).replace(GARBLED_ADDRESS, PICTURE_MASK.email);
  return { text, kinds: secrets.kinds, hidden: text !== tidy };
}

/**
 * The `known` error codes OCR read (`raw`) that redaction hid as a secret (`redacted`): a login
 * form's error printed under its password field ("รหัสผ่าน" then "PASSWORD_NOT_MATCH"), or
 * "PASSWORD _NOT_MATCH" split after the word "password". They are public strings, given back as
 * the knowledge base spells them, never as read.
 */
export function codesTakenForSecrets(raw: string, redacted: string, known: readonly string[]): string[] {
  const kept = new Set(printedCodes(redacted, known));
  return printedCodes(tidyReadText(raw), known).filter((code) => !kept.has(code));
}
