/**
 * A password label ("password", "pw", "รหัสผ่าน", "รหัส", a log's "DB_PASSWORD=" or "token:")
 * and the secret after it in the same sentence, told apart from a complaint about the password
 * ("my password is wrong") and from the words that say what it is of ("รหัสผ่าน lazada ...").
 */

import { CLAUSE_GAP, NOT_A_SECRET_CODE, SHOWN } from './label-context';
import { looksLikePassword } from './password-shape';
import type { MarkSecret, SecretKind } from './secret-kind';

// A key whose value is a token or an API key: "token=", "access_token:", `"apiKey":`, "partner_key=".
const TOKEN_KEY = String.raw`(?:\b(?:(?:access|refresh|auth|api|app|id|session|line|channel)[_-]?)?token|\b(?:api|app|partner|private|client|access)[_-]?key|\bclient[_-]?secret)(?=["']?\s*[:=])`;
// "password", "pw", "รหัสผ่าน", "รหัส", "พาส": what a seller writes before the password itself;
// in a log, a key that ends with one ("DB_PASSWORD=", "appPassword:", "client_secret=").
const PASSWORD_WORD = new RegExp(
  String.raw`\b(?:pass(?:\s?word|wd|code)?|pwd|pw)\b|(?=pass|pwd|secret)(?:(?<=[a-z0-9]_|[a-z])(?:password|passwd|secret)|(?<=[a-z0-9]_)(?:pass|pwd))(?=["']?\s*[:=])|${TOKEN_KEY}|รหัส\s*ผ่าน|พาสเวิร์ด|พาสเวิด|พาส|(?=รหัส)${SHOWN}รหัส(?!\s*(?:otp|ยืนยัน|โอทีพี))${NOT_A_SECRET_CODE}`,
  'gi',
);
// The separator, and the value after it. After ":", "=", "คือ", "เป็น" the value runs to the end
// of the line or the Thai text after it (a password may hold spaces: "pw: Mango Sticky 99");
// after "is" / "was" it is one word ("my password is wrong" is a complaint).
// "is now" / "is currently": the value follows as after "is" ("my pass is now kk9981!").
const SEPARATOR = new RegExp(String.raw`^([^\n.!?]{0,${CLAUSE_GAP}}?)(\s*(?:\bis(?:\s+(?:now|currently))?\b|\bwas\b|=|:|：|คือ|เป็น)\s*)`, 'iu');
const VALUE_TO_LINE_END = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?/u;
// A quoted value (JSON, a log's `password: 'x'`): the quotes are not part of it.
const QUOTED = /^(["'])((?:\\.|(?!\1)[^\\\n])*)\1/u;
// ...up to a word that starts the rest of the sentence or another secret ("pw: Abc 12 but it
// fails", "password: Hunter2 otp 123456"), or the next field of a form body ("&user=").
const VALUE_ENDS = /\s+(?:but|and|was|is|then|so|when|because|however|otp|code|pin|pwd|pw|pass(?:word)?|user(?:name)?|e-?mail)\b|(?=&[\w.[\]-]+=)/iu;
const VALUE_WORD = /^[\x21-\x7E]{3,128}/u;
// No separator: the words right after the label, one at a time.
const NEXT_WORD = /^(\s*)([\x21-\x7E]{3,128})/u;
// No separator: a word of the same sentence that mixes lower-case letters and digits
// ("รหัส lazada ของหนู ploy1999 ค่ะ"); "pass" alone is too common a word for this.
const LOOSE_LABEL = /^(?:pass(?:word|wd)|pwd|pw|รหัส.*|พาส.*)$/iu;
const SECRET_WORD = /(?<![\x21-\x7E])(?![/.~?&])(?!\S*:\/\/)(?!\S*@[a-z0-9-]+\.)(?=[\x21-\x7E]*[a-z])(?=[\x21-\x7E]*\d)[\x21-\x7E]{5,128}(?![\x21-\x7E])/gu;
// Words that follow "password" in a complaint, not a secret ("password is wrong").
const NOT_A_SECRET = new Set(
  'not wrong right correct incorrect invalid ok okay fine changed reset expired error mismatch match matches same different too the my and but does do did is was please again also still already field box for of on in to it required needed missing empty blank set saved updated forgotten lost locked blocked weak strong short long failed'.split(' '),
);
// How a complaint of several words starts ("password: not accepted"); "correct" is not one of
// them ("password: correct horse battery staple").
const COMPLAINT_START = new Set('not wrong incorrect invalid expired changed reset mismatch error still also already the my it is was does did do please same different too'.split(' '));
// What a password is of, between the label and the password: "รหัสผ่าน lazada sunflowerbaby".
const PASSWORD_OF = new Set(
  'new old current previous main sub account user username login email mail id seller sellers center centre shop shops store stores admin app web website wifi lazada shopee tiktok shopify woocommerce woo line facebook fb messenger instagram ig google gmail apple bigseller'.split(' '),
);
// "pass" is a verb as often ("pass the limit", "did not pass inspection"): a word of letters
// after it is the password only after a login in the same sentence ("user ploy pass sunflowerbaby").
const LOGIN_BEFORE = /(?:\b(?:user(?:name)?|login|id|e-?mail|mail)\b|ยูส|ไอดี|อีเมล|เมล|@)[^\n!?]*$/iu;
// Words of letters only that follow a password label without being the password: the
// complaints above, words that go on with the sentence, what "pass" is said of ("pass
// verification"). Any other word of letters right after the label (or after PASSWORD_OF words),
// at the end of the clause, is taken for the password ("user ploy pass sunflowerbaby").
const LABEL_FOLLOWERS = new Set([
  ...NOT_A_SECRET,
  ...COMPLAINT_START,
  ...PASSWORD_OF,
  ...'of for to the my your our their his her change changing expire expires errors matched fail fails failing forgot forget doesnt dont didnt isnt wasnt cant cannot can could would should will must may might are were be been yet now then so when where why how what which who whose if or this that these those an any all some you them me we they with without from by at as into via about after before while since until because yesterday today tomorrow directly here there yes no just only even ever never always word words everything anything nothing something through page screen input form manager policy policies requirement requirements rule rules strength hint protected recovery logon signin signup log sign phone number code pin otp sms verification verify kyc review check checking test help problem problems issue issues question thanks thank thx please pls plz sorry hello anyway setting settings link button option options section menu krub krab khrap kha'.split(' '),
]);

/** A value found after a label: where it starts in the text after the label. */
interface Hit {
  start: number;
  value: string;
}

/**
 * Each password label, and the value that follows it in the same sentence: after a separator
 * (see SEPARATOR), or else any word of the sentence that looks like one (SECRET_WORD).
 */
export function hidePasswords(input: string, mark: MarkSecret): string {
  let out = '';
  let from = 0;
  PASSWORD_WORD.lastIndex = 0;
  for (let m = PASSWORD_WORD.exec(input); m; m = PASSWORD_WORD.exec(input)) {
    const labelEnd = m.index + m[0].length;
    if (labelEnd <= from) continue;
    // Glued to an English label it is a word of its own ("lazada-password-not-match",
    // "password.txt"), unless it is a key ("password=", `"password":`); Thai is written without
    // spaces, so "รหัสผ่านAbc123" is still a label and a value.
    const english = /^[a-z]/i.test(m[0]);
    // The value is within a few words of the label (a line's rest is cut at 512 characters:
    // a text of many labels is not read to its end for each).
    const rest = input.slice(labelEnd, labelEnd + 512);
    if (english && /^[\x21-\x7E]/.test(rest) && !/^["']?\s*[:=：]/.test(rest)) continue;
    const hidden = valueAfter(rest, m[0], input.slice(Math.max(0, m.index - 60), m.index));
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
function valueAfter(rest: string, label: string, before: string): { start: number; end: number; kind: SecretKind } | undefined {
  const hit = valueAfterSeparator(rest) ?? wordAfterLabel(rest, label, before) ?? secretWordInClause(rest, label);
  return hit && { start: hit.start, end: hit.start + hit.value.length, kind: kindOf(hit.value, label) };
}

/** "password: Abc123", "รหัสผ่านคือ Mango Sticky 99", `"password": "x"`, "my password is Hunter2". */
function valueAfterSeparator(rest: string): Hit | undefined {
  const sep = SEPARATOR.exec(rest);
  if (!sep) return undefined;
  const at = sep[0].length;
  const quoted = QUOTED.exec(rest.slice(at));
  return quoted ? quotedValue(quoted[2]!, at + 1) : unquotedValue(rest.slice(at), at, sep);
}

function quotedValue(value: string, start: number): Hit | undefined {
  return value && !plainComplaint(value) && !tooShortNumber(value) && !pathLike(value) ? { start, value } : undefined;
}

/** `sep`: SEPARATOR's match, `after`: the text after it, which starts at `start` in the label's rest. */
function unquotedValue(after: string, start: number, sep: RegExpExecArray): Hit | undefined {
  const oneWord = /^(?:is|was)\b/i.test(sep[2]!.trim());
  const raw = (oneWord ? VALUE_WORD : VALUE_TO_LINE_END).exec(after)?.[0];
  const value = raw === undefined ? undefined : trimmed(raw.split(VALUE_ENDS)[0]!);
  // After words in between, an English "is" may have another subject ("the password of the
  // account where my shop is connected"): then only a value that looks like a password.
  const secret = value && !value.startsWith('[') && !pathLike(value) && (oneWord && sep[1] ? looksSecret(value) : !plainComplaint(value));
  return secret && !tooShortNumber(value) ? { start, value } : undefined;
}

/**
 * Right after the label: "รหัสผ่าน Abc12345", "pw Xyz!", "รหัส 4821", "pass sunflowerbaby",
 * past the words that say what the password is of ("รหัสผ่าน lazada sunflowerbaby").
 */
function wordAfterLabel(rest: string, label: string, before: string): Hit | undefined {
  let offset = 0;
  for (let i = 0; i < 4; i++) {
    const next = NEXT_WORD.exec(rest.slice(offset));
    if (!next) return undefined;
    const start = offset + next[1]!.length;
    const value = trimmed(next[2]!);
    const word = bare(value).toLowerCase();
    if (value.startsWith('[') || tooShortNumber(value) || pathLike(value)) return undefined;
    if (/^[a-z]+$/.test(word) && LABEL_FOLLOWERS.has(word)) {
      // "of my lazada account": go on to the password; "not", "when", "is": the sentence goes on.
      if (!PASSWORD_OF.has(word)) return undefined;
      offset = start + next[2]!.length;
      continue;
    }
    const password = looksSecret(value) || lettersOnlyPassword(value, rest.slice(start + value.length), label, before);
    return password ? { start, value } : undefined;
  }
  return undefined;
}

/**
 * A word of letters only ends its clause: the password ("pass sunflowerbaby"), but after a bare
 * "pass" only when a login came before it (LOGIN_BEFORE).
 */
function lettersOnlyPassword(value: string, after: string, label: string, before: string): boolean {
  const lettersOnly = /^[a-z]{4,}$/.test(bare(value).toLowerCase()) && !/^[A-Z]+$/.test(value) && closesClause(after);
  return lettersOnly && (!/^pass$/i.test(label) || LOGIN_BEFORE.test(before));
}

/** A word further in the label's clause that looks like a password ("รหัส lazada ของหนู ploy1999 ค่ะ"). */
function secretWordInClause(rest: string, label: string): Hit | undefined {
  if (!LOOSE_LABEL.test(label.replace(/\s+/g, ''))) return undefined;
  const clause = rest.slice(0, CLAUSE_GAP).split(/[\n.!?]/)[0]!;
  SECRET_WORD.lastIndex = 0;
  for (let w = SECRET_WORD.exec(clause); w; w = SECRET_WORD.exec(clause)) {
    // Without the punctuation that ends it ("to Shop#7788, what now?").
    const value = bare(w[0]);
    if (!pathLike(value) && (looksLikePassword(value) || NAMED_SECRET.test(value))) return { start: w.index, value };
  }
  return undefined;
}

/**
 * "Shop#7788", "store@2024": a word, a symbol and digits, which alone reads as a reference
 * ("shop#12") but after a password label in the same clause is the password.
 */
const NAMED_SECRET = /^[A-Za-z]{2,}[#@$!&%*][\w#@$!&%*]*\d[\w#@$!&%*]*$/u;

/** A value without the punctuation that ends its sentence ("is correct." is "correct"). */
const bare = (value: string) => value.replace(/[.,!?;:'")\]}]+$/u, '');

/** A value without a bracket or quote it did not open, or the comma or full stop after it. */
function trimmed(value: string): string {
  const count = (s: string, ch: string) => s.split(ch).length - 1;
  let v = value.replace(/[.,;]+$/u, '');
  for (;;) {
    const last = v.slice(-1);
    const open = ({ ')': '(', ']': '[', '}': '{' } as Record<string, string>)[last];
    if (open && count(v, last) > count(v, open)) v = v.slice(0, -1);
    else if ((last === '"' || last === "'") && count(v, last) % 2 === 1) v = v.slice(0, -1);
    else break;
  }
  return v || value;
}

/** A file, a path or a stack frame's place ("(/app/dist/x.js:12:5)", "/tmp/d1", "node:internal/..."). */
const pathLike = (value: string) => /^\(?(?:\.{0,2}\/|[a-z]:\\|file:|node:)|\.(?:[cm]?[jt]sx?|json):\d+/iu.test(value);

/** The rest of the clause after a value: nothing, punctuation, Thai, "and", or another label. */
const closesClause = (after: string) =>
  /^(?:\s*$|\s*[\n,;!?/|]|\.(?:\s|$)|\s*[\u0E00-\u0E7F]|\s+(?:and|but|or|then|so|otp|code|pin|user(?:name)?|e-?mail|id|login|pass(?:word)?|pwd|pw)\b)/iu.test(after);

/** Digits, upper case inside, symbols: a password; "NOT", "doesn't", "change," are words. */
function looksSecret(value: string): boolean {
  const v = bare(value);
  if (/^[A-Z]+$/.test(v) || /^[a-z]+'[a-z]+$/i.test(v)) return false;
  return /[\d\W_]/.test(v) || /[A-Z]/.test(v.slice(1));
}

/** "402" after "รหัส" is an HTTP status or an error code; codes and passwords are longer. */
const tooShortNumber = (value: string) => /^[0-9\u0E50-\u0E59]{1,3}$/.test(bare(value));

/** After a bare "รหัส" ("code"), a number of OTP length is the OTP code; after a token's key, a token. */
function kindOf(value: string, label: string): SecretKind {
  if (/token|key$/i.test(label)) return 'token';
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
