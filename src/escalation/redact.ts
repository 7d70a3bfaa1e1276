/**
 * Finds secrets a seller may type into the chat (passwords, OTP codes, API keys and tokens)
 * and replaces them before anything is stored, logged or e-mailed. Pure functions.
 *
 * It errs on the side of hiding: a 6-digit order fragment hidden by mistake costs support one
 * question, a leaked password costs the seller their shop.
 */

export type SecretKind = 'password' | 'otp' | 'token';

export interface Redacted {
  text: string;
  kinds: SecretKind[];
}

export const MASK: Record<SecretKind, string> = {
  password: '[password removed]',
  otp: '[code removed]',
  token: '[token removed]',
};

// "password: hunter2", "รหัสผ่าน hunter2", "pw=...", "pass คือ ...": the value after the label.
const PASSWORD_LABEL =
  /(\b(?:pass(?:word|wd|code)?|pwd|pw)\b|รหัสผ่าน|รหัส\s*ผ่าน|พาสเวิร์ด|พาสเวิด|พาส)(\s*(?:is|was|=|:|：|คือ|เป็น)?\s*)([\x21-\x7E]{3,128})/giu;
// Words that follow "password" in a complaint, not a secret ("password is wrong").
const NOT_A_SECRET = new Set(
  'not wrong right correct incorrect invalid ok okay fine changed reset expired error mismatch match matches same different too the my and but does do did is was please again also still already field box'.split(' '),
);
// "otp 123456", "code: 123456", "รหัส 1234": a short number after such a label, or alone.
const OTP_LABEL = /(\b(?:otp|code|pin|verification code)\b|รหัส(?:ยืนยัน|otp)?|โค้ด|โค๊ด)(\s*(?:is|=|:|：|คือ)?\s*)([0-9\u0E50-\u0E59]{4,8})(?![0-9\u0E50-\u0E59])/giu;
// Alone, only six digits: the length of Shopee, Lazada and TikTok codes (4 digits are years, prices).
const LONE_CODE = /(?<![\w.\-/\u0E50-\u0E59])([0-9\u0E50-\u0E59]{6})(?![\w.\-/\u0E50-\u0E59])/gu;
// WooCommerce keys, Bearer tokens, JWTs: these can match without a digit.
const TOKENS_WITHOUT_DIGITS = [
  /\b(?:ck|cs)_[a-f0-9]{20,}\b/giu,
  /\bbearer\s+[A-Za-z0-9._~+/=-]{16,}/giu,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/gu,
];
// ...and long random strings, which need one.
const TOKENS = [
  ...TOKENS_WITHOUT_DIGITS,
  /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{24,}(?![A-Za-z0-9_-])/gu,
];
/** Every pattern after the password label needs one of these (\d is ASCII only, Thai digits listed). */
const DIGIT = /[0-9\u0E50-\u0E59]/u;
// A lone word that looks like a password: letters and digits mixed with upper case or symbols.
// Paths and URLs (/tmp/d1, ./data, http://...) look like this too but are not secrets.
// A digit is required: without it, words with punctuation ("Lazada:", "key":) looked like one.
const PASSWORD_LIKE = /(?<![^\s])(?![/.~])(?!\S*:\/\/)(?=\S*[a-z])(?=\S*\d)(?=\S*[^A-Za-z\d\s\u0E00-\u0E7F])(?!\S*@)(?!https?:)[\x21-\x7E]{6,64}(?![^\s])/gu;
const MIXED_CASE_DIGITS = /(?<![^\s])(?=[A-Za-z\d]*[a-z])(?=[A-Za-z\d]*[A-Z])(?=[A-Za-z\d]*\d)[A-Za-z\d]{6,64}(?![^\s])/gu;

/** The masks in a text (captured, for split()). */
const MASKS = new RegExp(`(${Object.values(MASK).map((m) => m.replace(/[[\]]/g, '\\$&')).join('|')})`, 'gu');

/** The text without its masks (each a space): what the seller said besides the secrets. */
export function withoutMasks(text: string): string {
  return text.replace(MASKS, ' ');
}

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

function redactUnmasked(input: string): Redacted {
  const kinds = new Set<SecretKind>();
  let text = input;
  const mark = (kind: SecretKind) => {
    kinds.add(kind);
    return MASK[kind];
  };
  // Most of the patterns need a digit; most texts (articles, greetings) have none, and their
  // lookarounds at every position make them the costly part.
  const digits = DIGIT.test(input);
  for (const re of digits ? TOKENS : TOKENS_WITHOUT_DIGITS) text = text.replace(re, () => mark('token'));
  text = text.replace(PASSWORD_LABEL, (m, label: string, sep: string, value: string) => {
    const plainWord = /^[a-z]+$/i.test(value) && (NOT_A_SECRET.has(value.toLowerCase()) || value.length < 4);
    // Glued to an English label it is a word of its own ("lazada-password-not-match",
    // "password.txt"); Thai is written without spaces, so "รหัสผ่านAbc123" is still a label and a value.
    if (sep === '' && /^[a-z]/i.test(label)) return m;
    const explicit = sep.trim() !== '';
    const looksSecret = /[\d\W_]/.test(value) || /[A-Z]/.test(value.slice(1));
    if (value.startsWith('[') || plainWord || (!explicit && !looksSecret)) return m;
    return `${label}${sep}${mark('password')}`;
  });
  if (!digits) return { text, kinds: [...kinds] };
  text = text.replace(OTP_LABEL, (_m, label: string, sep: string) => `${label}${sep}${mark('otp')}`);
  text = text.replace(PASSWORD_LIKE, () => mark('password'));
  text = text.replace(MIXED_CASE_DIGITS, () => mark('password'));
  text = text.replace(LONE_CODE, () => mark('otp'));
  return { text, kinds: [...kinds] };
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

/** Redacts every string inside a JSON-like value (for logs and transcripts). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value).text as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}
