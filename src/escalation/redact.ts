/**
 * Finds secrets a seller may type into the chat (passwords, OTP codes, API keys and tokens)
 * and replaces them before anything is stored, logged or e-mailed. Pure functions.
 *
 * It errs on the side of hiding: a 6-digit order fragment hidden by mistake costs support one
 * question, a leaked password costs the seller their shop.
 *
 * This file is what the rest of the bot calls. Each kind of secret has its detector in
 * redaction/ (tokens, labelled and unlabelled passwords, OTP codes), with the words that tell
 * a secret from readable text beside it.
 */

import { hidePasswords } from './redaction/labelled-passwords';
import { hideLabelledOtps, hideLoneOtps } from './redaction/otp-codes';
import { looksLikePassword } from './redaction/password-shape';
import { MASK, type MarkSecret, type Redacted, type SecretKind } from './redaction/secret-kind';
import { hideTokens } from './redaction/tokens';
import { hidePasswordsAfterLogin, hideSymbolPasswords, hideTypedPasswords, hideUrlPasswords } from './redaction/unlabelled-passwords';

export { MASK, type Redacted, type SecretKind } from './redaction/secret-kind';

/** Every pattern after the password label needs one of these (\d is ASCII only, Thai digits listed). */
const DIGIT = /[0-9\u0E50-\u0E59]/u;
const PASSWORD_SYMBOL_OR_DIGIT = /[!@#$^&0-9\u0E50-\u0E59]/u;

/** The masks in a text (captured, for split()). */
const MASKS = new RegExp(`(${Object.values(MASK).map((m) => m.replace(/[[\]]/g, '\\$&')).join('|')})`, 'gu');

/** The text without its masks (each a space): what the seller said besides the secrets. */
export function withoutMasks(text: string): string {
  return text.replace(MASKS, ' ');
}

/**
 * Any text: a log line, a bot line, a stored field, an e-mail. What decides is the words
 * around a secret (a label, "ใส่", a login before it) or its shape (tokens, a password symbol
 * between letters and digits, six digits alone). A word of letters and digits is no password
 * here by itself: a log's ids and a case's fields are such words alone ("Ploy2024Shop",
 * "sbx-shopee-1"). For what a seller typed as a message, use redactMessage().
 */
export function redact(input: string): Redacted {
  // The masks themselves are kept as they are: redacting twice changes nothing ("[password
  // removed]" would read as a label and a value).
  if (!input.includes(' removed]')) return redactUnmasked(input);
  const kinds = new Set<SecretKind>();
  const parts = input.split(MASKS).map((part, i) => {
    // split() with a group puts the masks at odd indexes.
    if (i % 2 === 1) return part;
    const r = redactUnmasked(part);
    r.kinds.forEach((k) => kinds.add(k));
    return r.text;
  });
  return { text: parts.join(''), kinds: [...kinds] };
}

// A message of one word, maybe with a polite particle after it ("sunflower2020 ค่ะ", "ploy1999ค่ะ").
const PARTICLE = String.raw`(?:\s*(?:นะ\s*)?(?:ค่ะ|คะ|ค่า|ค้า|ครับ|คับ|คร้าบ|จ้า|จ้ะ|ฮะ|นะ)[ะาๆ]*)`;
const ONE_WORD = new RegExp(String.raw`^(\s*)([\x21-\x7E]+)(${PARTICLE}?[\s.!?~]*)$`, 'u');
// ...or a login and a password, apart on two lines or by "/", "|", ":" ("ploybeauty / sunflower2020"),
const LOGIN_AND_WORD = new RegExp(String.raw`^(\s*([\x21-\x7E]+)(?:[ \t]*[/|:,][ \t]*|[ \t]*\n\s*))([\x21-\x7E]+)(${PARTICLE}?[\s.!?~]*)$`, 'u');
// ...unless the first word says what the second is ("ID: ploy1999", "error: e1002x", "sku: abc123").
const NAMES_THE_WORD = /^(?:user(?:name)?|login|id|e-?mail|mail|line|ig|fb|tel|phone|error|err|code|error_?code|order|sku|tracking|shop|store|name|model|size|item|no|ref)$/iu;

/**
 * What a seller typed as one message (a chat turn): redact(), and a message that is one word
 * looking like a password ("sunflower2020", "P@ssw0rd", "rak1234 ค่ะ") is taken for one, as a
 * seller sends a password alone after a question or the login; so is the second of two words
 * apart on two lines or by "/" ("ploybeauty / sunflower2020"). Order and tracking numbers,
 * error codes, e-mail addresses, URLs, phone numbers and models ("iPhone15") are not.
 */
export function redactMessage(input: string): Redacted {
  const r = redact(input);
  if (r.kinds.length > 0) return r;
  const one = ONE_WORD.exec(input);
  if (one) return looksLikePassword(one[2]!) ? { text: `${one[1]}${MASK.password}${one[3]}`, kinds: ['password'] } : r;
  const two = LOGIN_AND_WORD.exec(input);
  if (!two || NAMES_THE_WORD.test(two[2]!.replace(/[:：]$/u, '')) || !looksLikePassword(two[3]!)) return r;
  return { text: `${two[1]}${MASK.password}${two[4]}`, kinds: ['password'] };
}

// While the patterns run, a secret found is a placeholder of private-use characters: no pattern
// reads it as a word ("smtp://ploy:[password removed]@smtp.gmail.com" held a word with an "@").
const PLACEHOLDER: Record<SecretKind, string> = { password: '\uE000p\uE001', otp: '\uE000o\uE001', token: '\uE000t\uE001' };
const PLACEHOLDERS = /\uE000([pot])\uE001/gu;
const KIND_OF_PLACEHOLDER: Record<string, SecretKind> = { p: 'password', o: 'otp', t: 'token' };

/** Each detector reads what the ones before it left: a secret they found is a placeholder by then. */
function redactUnmasked(input: string): Redacted {
  const kinds = new Set<SecretKind>();
  const done = (text: string): Redacted => ({ text: kinds.size > 0 ? text.replace(PLACEHOLDERS, (_m, k: string) => MASK[KIND_OF_PLACEHOLDER[k]!]) : text, kinds: [...kinds] });
  const mark: MarkSecret = (kind) => {
    kinds.add(kind);
    return PLACEHOLDER[kind];
  };
  // Most of the patterns need a digit or a password symbol; most texts (articles, greetings)
  // have neither, and their lookarounds at every position make them the costly part.
  const digits = DIGIT.test(input);
  let text = hideTokens(input, digits, mark);
  text = hideUrlPasswords(text, mark);
  text = hidePasswords(text, mark);
  if (!PASSWORD_SYMBOL_OR_DIGIT.test(text)) return done(text);
  if (digits) text = hideLabelledOtps(text, mark);
  text = hideSymbolPasswords(text, mark);
  text = hideTypedPasswords(text, mark);
  text = hidePasswordsAfterLogin(text, mark);
  if (digits) text = hideLoneOtps(text, mark);
  return done(text);
}

/**
 * The status check's snapshot as support sees it. It is the connector's data, not what a seller
 * typed: store ids, platforms, nicknames, states and dates stay as they are (the chat rules took
 * "sbx-shopee-1" for a password, and would take a 6-digit shop id for an OTP code). The platform's
 * error message is free text that may quote what was typed, and is redacted, as is anything
 * of another shape.
 */
export function redactStatusSnapshot(snapshot: unknown): unknown {
  if (!isRecord(snapshot) || !Array.isArray(snapshot.stores)) return redactDeep(snapshot);
  const { stores, ...rest } = snapshot;
  return { ...redactDeep(rest), stores: stores.map(redactStore) };
}

const STORE_FACTS = new Set(['storeId', 'platform', 'nickname', 'status', 'expiresAt']);

function redactStore(store: unknown): unknown {
  if (!isRecord(store)) return redactDeep(store);
  return Object.fromEntries(
    Object.entries(store).map(([k, v]) => {
      if (STORE_FACTS.has(k) && (typeof v === 'string' || v === null)) return [k, v];
      if (k === 'lastError' && isRecord(v)) {
        const { code, at, ...free } = v;
        return [k, { ...(typeof code === 'string' ? { code } : {}), ...(typeof at === 'string' ? { at } : {}), ...redactDeep(free) }];
      }
      return [k, redactDeep(v)];
    }),
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A platform's error code, as the matcher read it from the seller's (redacted) words or a
 * connector reported it: "PASSWORD_NOT_MATCH", "500100", "E-1002". One word of letters, digits,
 * "_", "-" and "." is kept as it is (six digits alone would be taken for an OTP code, and the
 * code is what support needs); anything else is redacted as a text.
 */
export function redactErrorCode(code: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/u.test(code) ? code : redact(code).text;
}

/** Keys whose strings are error codes (the case's `errorCodes`). */
const ERROR_CODE_KEY = /^error_?codes?$/iu;

/** Redacts every string inside a JSON-like value (for logs and transcripts). */
export function redactDeep<T>(value: T): T {
  return deep(value, undefined) as T;
}

function deep(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') return key !== undefined && ERROR_CODE_KEY.test(key) ? redactErrorCode(value) : redact(value).text;
  if (Array.isArray(value)) return value.map((v) => deep(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, k)]));
  }
  return value;
}
