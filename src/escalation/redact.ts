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

// Thai "รหัส" is "code" as much as "password": these compounds are other codes, not secrets
// (error code, SKU, postcode, order and shop ids), or a complaint ("รหัสไม่ถูก").
const NOT_A_SECRET_CODE = String.raw`(?!\s*(?:ข้อผิดพลาด|error|สินค้า|ไปรษณีย์|คำสั่งซื้อ|ออเดอร์|order|ร้าน|ไม่|ผิด))`;
// "password", "pw", "รหัสผ่าน", "รหัส", "พาส": what a seller writes before the password itself.
const PASSWORD_WORD = new RegExp(
  String.raw`\b(?:pass(?:word|wd|code)?|pwd|pw)\b|รหัส\s*ผ่าน|พาสเวิร์ด|พาสเวิด|พาส|รหัส(?!\s*(?:otp|ยืนยัน|โอทีพี))${NOT_A_SECRET_CODE}`,
  'giu',
);
// What may stand between the label and the separator: a few words of the same sentence
// ("รหัสผ่านของร้านคือ ...", "password for lazada is ...").
const CLAUSE_GAP = 40;
// The separator, and the value after it. After ":", "=", "คือ", "เป็น" the value runs to the end
// of the line or the Thai text after it (a password may hold spaces: "pw: Mango Sticky 99");
// after "is" / "was" it is one word ("my password is wrong" is a complaint).
const SEPARATOR = new RegExp(String.raw`^([^\n.!?]{0,${CLAUSE_GAP}}?)(\s*(?:\bis\b|\bwas\b|=|:|：|คือ|เป็น)\s*)`, 'iu');
const VALUE_TO_LINE_END = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?/u;
// ...up to a word that starts the rest of the sentence or another secret ("pw: Abc 12 but it
// fails", "password: Hunter2 otp 123456"): a password rarely holds them.
const VALUE_ENDS = /\s+(?:but|and|was|is|then|so|when|because|however|otp|code|pin|pwd|pw|pass(?:word)?|user(?:name)?|e-?mail)\b/iu;
const VALUE_WORD = /^[\x21-\x7E]{3,128}/u;
// No separator: a word of the same sentence that mixes letters and digits
// ("รหัส lazada ของหนู ploy1999 ค่ะ"); "pass" alone is too common a word for this.
const LOOSE_LABEL = /^(?:pass(?:word|wd)|pwd|pw|รหัส.*|พาส.*)$/iu;
const SECRET_WORD = /(?<![\x21-\x7E])(?![/.~?&])(?!\S*:\/\/)(?!\S*@[a-z0-9-]+\.)(?=[\x21-\x7E]*[A-Za-z])(?=[\x21-\x7E]*\d)[\x21-\x7E]{5,128}(?![\x21-\x7E])/gu;
// Words that follow "password" in a complaint, not a secret ("password is wrong").
const NOT_A_SECRET = new Set(
  'not wrong right correct incorrect invalid ok okay fine changed reset expired error mismatch match matches same different too the my and but does do did is was please again also still already field box for of on in to it'.split(' '),
);
// How a complaint of several words starts ("password: not accepted"); "correct" is not one of
// them ("password: correct horse battery staple").
const COMPLAINT_START = new Set('not wrong incorrect invalid expired changed reset mismatch error still also already the my it is was does did do please same different too'.split(' '));
// "otp 123456", "code: 123456", "รหัส 1234", "OTP ที่ได้คือ 4821", "otp 4 8 3 9 2 0": a short
// number after such a label (Thai words between), its digits maybe spaced.
const OTP_LABEL = new RegExp(
  String.raw`((?<!error\s{0,2})\b(?:otp|code|pin|verification code)\b|รหัส(?:ยืนยัน|\s*otp)?${NOT_A_SECRET_CODE}|โค้ด|โค๊ด)([\u0E00-\u0E7F\s]{0,20}?)(\s*(?:is|=|:|：|คือ)?\s*)([0-9\u0E50-\u0E59](?:[ -]?[0-9\u0E50-\u0E59]){3,7})(?![0-9\u0E50-\u0E59])`,
  'giu',
);
// A number after "error" / "ข้อผิดพลาด" is the platform's error code, which support needs.
const AFTER_ERROR_LABEL = /(?:error|err|ข้อผิดพลาด)\s*(?:code)?\s*[:：#]?\s*$/iu;
// A shop's name ("ร้านชื่อ Ploy2024Shop") looks like a password but is what support asks for first.
const AFTER_NAME_LABEL = /(?:ชื่อร้าน|ร้านชื่อ|ชื่อ|ร้าน|shop|store|named|called|name)\s*(?:is|:|：|คือ)?\s*$/iu;
// Alone, only six digits: the length of Shopee, Lazada and TikTok codes (4 digits are years, prices).
// Not in a URL's query ("docId=108260"), and not "555555" (Thai laughter: 5 is "ha").
const LONE_CODE = /(?<![\w.\-/=&?#%\u0E50-\u0E59])(?!5{6})([0-9\u0E50-\u0E59]{6})(?![\w.\-/\u0E50-\u0E59])/gu;
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
const PASSWORD_LIKE = /(?<![^\s])(?![/.~?&])(?!\S*:\/\/)(?=\S*[a-z])(?=\S*\d)(?=\S*[^A-Za-z\d\s\u0E00-\u0E7F])(?!\S*@)(?!https?:)[\x21-\x7E]{6,64}(?![^\s])/gu;
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
  text = hidePasswords(text, mark);
  if (!digits) return { text, kinds: [...kinds] };
  text = text.replace(OTP_LABEL, (_m, label: string, gap: string, sep: string) => `${label}${gap}${sep}${mark('otp')}`);
  const unlessAfter = (label: RegExp, kind: SecretKind) => (m: string, ...rest: unknown[]) => {
    const at = rest.find((x) => typeof x === 'number') as number;
    return label.test(text.slice(Math.max(0, at - 30), at)) ? m : mark(kind);
  };
  text = text.replace(PASSWORD_LIKE, unlessAfter(AFTER_NAME_LABEL, 'password'));
  text = text.replace(MIXED_CASE_DIGITS, unlessAfter(AFTER_NAME_LABEL, 'password'));
  text = text.replace(LONE_CODE, unlessAfter(AFTER_ERROR_LABEL, 'otp'));
  return { text, kinds: [...kinds] };
}

/**
 * Each password label, and the value that follows it in the same sentence: after a separator
 * (see SEPARATOR), or else any word of the sentence that looks like one (SECRET_WORD).
 */
function hidePasswords(input: string, mark: (kind: SecretKind) => string): string {
  let out = '';
  let from = 0;
  PASSWORD_WORD.lastIndex = 0;
  for (let m = PASSWORD_WORD.exec(input); m; m = PASSWORD_WORD.exec(input)) {
    const labelEnd = m.index + m[0].length;
    if (labelEnd <= from) continue;
    // Glued to an English label it is a word of its own ("lazada-password-not-match",
    // "password.txt"); Thai is written without spaces, so "รหัสผ่านAbc123" is still a label and a value.
    const english = /^[a-z]/i.test(m[0]);
    const rest = input.slice(labelEnd);
    if (english && /^[\x21-\x7E]/.test(rest) && !/^[:=：]/.test(rest)) continue;
    const hidden = valueAfter(rest, m[0]);
    if (!hidden) continue;
    const start = labelEnd + hidden.start;
    const end = labelEnd + hidden.end;
    out += input.slice(from, start) + mark(hidden.kind);
    from = end;
    PASSWORD_WORD.lastIndex = end;
  }
  return out + input.slice(from);
}

/** Where the secret is in `rest` (the text after a password label), if there is one. */
function valueAfter(rest: string, label: string): { start: number; end: number; kind: SecretKind } | undefined {
  const found = (start: number, value: string) => ({ start, end: start + value.length, kind: kindOf(value, label) });
  const sep = SEPARATOR.exec(rest);
  if (sep) {
    const at = sep[0].length;
    const oneWord = /^(?:is|was)$/i.test(sep[2]!.trim());
    const raw = (oneWord ? VALUE_WORD : VALUE_TO_LINE_END).exec(rest.slice(at))?.[0];
    const value = raw?.split(VALUE_ENDS)[0];
    // After words in between, an English "is" may have another subject ("the password of the
    // account where my shop is connected"): then only a value that looks like a password.
    const secret = value && !value.startsWith('[') && (oneWord && sep[1] ? looksSecret(value) : !plainComplaint(value));
    if (secret && !tooShortNumber(value)) return found(at, value);
  }
  // Right after the label: "รหัสผ่าน Abc12345", "pw Xyz!", "รหัส 4821".
  const next = /^(\s*)([\x21-\x7E]{3,128})/u.exec(rest);
  if (next && !next[2]!.startsWith('[') && looksSecret(next[2]!) && !tooShortNumber(next[2]!)) return found(next[1]!.length, next[2]!);
  if (!LOOSE_LABEL.test(label.replace(/\s+/g, ''))) return undefined;
  const clause = rest.slice(0, CLAUSE_GAP).split(/[\n.!?]/)[0]!;
  SECRET_WORD.lastIndex = 0;
  const w = SECRET_WORD.exec(clause);
  return w ? found(w.index, w[0]) : undefined;
}

/** A value without the punctuation that ends its sentence ("is correct." is "correct"). */
const bare = (value: string) => value.replace(/[.,!?;:'")\]}]+$/u, '');

/** Digits, upper case inside, symbols: a password; "NOT", "doesn't", "change," are words. */
function looksSecret(value: string): boolean {
  const v = bare(value);
  if (/^[A-Z]+$/.test(v) || /^[a-z]+'[a-z]+$/i.test(v)) return false;
  return /[\d\W_]/.test(v) || /[A-Z]/.test(v.slice(1));
}

/** "402" after "รหัส" is an HTTP status or an error code; codes and passwords are longer. */
const tooShortNumber = (value: string) => /^[0-9\u0E50-\u0E59]{1,3}$/.test(bare(value));

/** After a bare "รหัส" ("code"), a number of OTP length is the OTP code. */
function kindOf(value: string, label: string): SecretKind {
  return /^รหัส$/.test(label.trim()) && /^[0-9\u0E50-\u0E59]{4,8}$/.test(value) ? 'otp' : 'password';
}

/**
 * "wrong", "is not working": a complaint about the password, not one. A value of several words
 * ("pw: Mango Sticky 99") is a complaint only if it starts like one.
 */
function plainComplaint(value: string): boolean {
  const words = bare(value).split(/\s+/);
  const first = words[0]!.toLowerCase();
  if (words.length > 1) return COMPLAINT_START.has(first);
  return /^[a-z]+$/.test(first) && (NOT_A_SECRET.has(first) || first.length < 4);
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
