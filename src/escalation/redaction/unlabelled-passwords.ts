/**
 * Passwords without a password label before them: in a URL, by their shape (a password symbol
 * between letters and digits), after "typed" or "ใส่", or after a login.
 */

import { coreOf, looksLikePassword, looksLikeSymbolPassword, PASSWORD_SYMBOL } from './password-shape';
import type { MarkSecret } from './secret-kind';

// The password of a URL: "smtp://ploy:Kaew2024@smtp.gmail.com", "redis://:secret@redis:6379".
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(?=@)/gi;
// A password's shape anywhere in a text (a log line, a sentence): lower case and digits with
// a password symbol inside ("P@ssw0rd", "Kaew@2024", "Hunter2!x"). Letters and digits alone
// ("iPhone15", "Ploy2024Shop", "ABC-123x", ids, stack frames) are no password without a label.
const SYMBOL_WORD = /(?<![\x21-\x7E])[\x21-\x7E]*[!@#$^&][\x21-\x7E]*/gu;
// After "ใส่", "กรอก", "login with", "typed": what was typed into the login form.
const TYPED = /(?:ใส่|กรอก|ล็อ[กค]อิน(?:\s*ด้วย)?|เข้าด้วย|\blog\s?in\s*(?:ด้วย|with)|\bsign\s?in\s*with|\btyped|\bentered|\btried)(?:\s*(?:ว่า|เป็น))?[ \t]*([\x21-\x7E]{6,64})(?![\x21-\x7E])/gi;
// A login (an e-mail address, a Thai mobile number), then the password: "ploy@gmail.com / Kaew2024".
const AFTER_LOGIN = /(?:(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\d-])0[689]\d-?\d{3}-?\d{4}(?![\d-]))(?:[ \t]*[/|,][ \t]*|\s+)([\x21-\x7E]{6,64})(?![\x21-\x7E])/gu;
// A shop's name ("ร้านชื่อ Ploy@2024") looks like a password but is what support asks for first.
const AFTER_NAME_LABEL = /(?:ชื่อร้าน|ร้านชื่อ|ชื่อ|ร้าน|shop|store|named|called|name)\s*(?:is|:|：|คือ)?\s*$/iu;

export function hideUrlPasswords(text: string, mark: MarkSecret): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_PASSWORD, (_m, head: string) => head + mark('password'));
}

export function hideSymbolPasswords(text: string, mark: MarkSecret): string {
  if (!PASSWORD_SYMBOL.test(text)) return text;
  return text.replace(SYMBOL_WORD, (w: string, at: number) => hideWord(text, w, at, looksLikeSymbolPassword, mark));
}

export function hideTypedPasswords(text: string, mark: MarkSecret): string {
  return text.replace(TYPED, valueHider(text, mark));
}

export function hidePasswordsAfterLogin(text: string, mark: MarkSecret): string {
  if (!/@|0[689]/u.test(text)) return text;
  return text.replace(AFTER_LOGIN, valueHider(text, mark));
}

/** A replacer for a pattern whose one group is the value that may be a password. */
function valueHider(text: string, mark: MarkSecret) {
  return (m: string, value: string, at: number) => {
    const i = m.length - value.length;
    return m.slice(0, i) + hideWord(text, value, at + i, looksLikePassword, mark);
  };
}

/**
 * The word itself is replaced, not the quotes, brackets or full stop around it (a "!" or "?"
 * after it may be its last character: "Hunter2!"). `at` is where the word is in `text`.
 */
function hideWord(text: string, word: string, at: number, test: (core: string) => boolean, mark: MarkSecret): string {
  const { start, end } = coreOf(word);
  const before = text.slice(Math.max(0, at + start - 30), at + start);
  if (!test(word.slice(start, end)) || AFTER_NAME_LABEL.test(before)) return word;
  const maskEnd = Math.max(end, word.length - /[.,;:)\]}>'"]*$/u.exec(word)![0].length);
  return word.slice(0, start) + mark('password') + word.slice(maskEnd);
}
