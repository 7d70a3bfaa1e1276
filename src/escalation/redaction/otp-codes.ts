/**
 * One-time codes: a short number after an OTP label, or six digits alone, unless the words
 * around it make it an error code, an id or an amount.
 */

import { CLAUSE_GAP, NOT_A_SECRET_CODE, SHOWN } from './label-context';
import type { MarkSecret } from './secret-kind';

// "otp 123456", "code: 123456", "รหัส 1234", "OTP ที่ได้คือ 4821", "otp 4 8 3 9 2 0": a short
// number after such a label (Thai words between), its digits maybe spaced. Not a code of
// another kind ("error code", "zip code", "status code", "ขึ้นโค้ด 500100").
const OTHER_CODE = String.raw`(?<!(?:error|err|post|postal|zip|promo|promotion|discount|coupon|voucher|product|item|sku|shop|store|order|tracking|status|response|http|country|area|bar|qr|ref|reference|referral|invite|invitation|affiliate|exit|return)[\s_-]{0,2})`;
const OTP_LABEL = new RegExp(
  String.raw`((?=otp|code|pin|verification)${OTHER_CODE}\b(?:otp|code|pin|verification code)\b|รหัส(?:ยืนยัน|\s*otp)|(?=รหัส|โค้ด|โค๊ด)${SHOWN}(?:รหัส|โค้ด|โค๊ด)${NOT_A_SECRET_CODE})([\u0E00-\u0E7F\s]{0,20}?)(\s*(?:is|=|:|：|คือ)?\s*)([0-9\u0E50-\u0E59](?:[ -]?[0-9\u0E50-\u0E59]){3,7})(?![0-9\u0E50-\u0E59])`,
  'gi',
);
// Alone, only six digits: the length of Shopee, Lazada and TikTok codes (4 digits are years, prices).
// Not in a URL's query ("docId=108260"), not an amount ("฿120000", "120000 บาท", "50%"), and not
// "555555" (Thai laughter: 5 is "ha"). The words around it decide the rest (notAnOtp).
const LONE_CODE = /(?<![\w.\-/=&?#%฿$\u0E50-\u0E59])(?!5{6})[0-9\u0E50-\u0E59]{6}(?![\w.\-/%\u0E50-\u0E59])/gu;
// What the seller calls an error (the platform's error code, which support needs) or what a
// screen or an API shows ("ขึ้น 500100 ตอนเชื่อม", "status code 500100"; not "ไม่ขึ้น", "ขึ้นมา"),
// against what an OTP is spoken of with: the nearer of the two before the number decides.
const ERROR_WORD = /error|err\b|ข้อผิดพลาด|ผิดพลาด|failed|failure|(?<!ไม่\s?)ขึ้น(?!มา)|ตอบ|\bshows?\b|\bsays?\b|\breturn(?:s|ed)?\b|\bresponse\b|\bstatus\b/gi;
const OTP_WORD = /otp|โอทีพี|รหัสยืนยัน|ยืนยันตัวตน|\bsms\b|verif|ได้รหัส|ส่งรหัส/gi;
// "500100 error", "500100 ข้อผิดพลาด".
const ERROR_AFTER = /^\s*(?:error|err\b|ข้อผิดพลาด|ผิดพลาด)/iu;
// An id, a number or an amount: "shop_id: 123456", "item id 123456", "เลขบัญชี 123456", `"code":"500100"`, "ราคา 120000".
const NUMBER_LABEL_BEFORE =
  /(?:(?:\b|_)(?:ids?|no|number|order|shop|store|item|sku|tracking|invoice|ticket|ref|account|port|pid)|(?:^|[^\w])(?:code|err(?:or)?_?code|errcode|status(?:_?code)?)["']?\s*[:=]|เลข[\u0E00-\u0E7F]{0,15}|คำสั่งซื้อ|ออเดอร์|พัสดุ|ส่วนลด|คูปอง|coupon|voucher|promo|ราคา|ยอด[\u0E00-\u0E7F]{0,10}|thb|บาท)["']?\s*[:#=]?\s*["']?$/iu;
// The value of a field of a JSON text or a log ("expires_in": 604800, retry_after=), unless the
// field is an OTP's ("otp_code": 482913) or holds what someone typed ("text": "482913").
const FIELD_BEFORE = /(?:"([\w-]+)"\s*:\s*"?|\b([a-z]+_[a-z_]+|[a-z]+[A-Z]\w*)\s*[:=]\s*["']?)$/u;
const OTP_FIELD = /otp|pin|pass|verif|2fa|mfa|sms|^(?:text|message|msg|body|content|description|problem|note|comment)$/iu;
const QUANTITY_AFTER = /^\s*(?:บาท|baht|thb|฿|ชิ้น|pcs|items?\b|orders?\b|ออเดอร์|รายการ|คน|ครั้ง|times\b|วัน|days?\b|ms\b|bytes?\b|kb\b|mb\b)/iu;

/**
 * "code", "รหัส", "โค้ด" say no more than "a code": after an error word ("ขึ้น error ตอนเชื่อม
 * code 500100") it is the error's.
 */
export function hideLabelledOtps(text: string, mark: MarkSecret): string {
  return text.replace(OTP_LABEL, (m: string, label: string, gap: string, sep: string, _code: string, at: number) =>
    /^(?:code|รหัส|โค้ด|โค๊ด)$/iu.test(label) && errorBefore(text, at) ? m : `${label}${gap}${sep}${mark('otp')}`,
  );
}

export function hideLoneOtps(text: string, mark: MarkSecret): string {
  return text.replace(LONE_CODE, (m: string, at: number) => (notAnOtp(text, at, at + m.length) ? m : mark('otp')));
}

/** Position of the last match of `re` (global) in `s`, or -1. */
function lastMatch(re: RegExp, s: string): number {
  let at = -1;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) at = m.index;
  return at;
}

/** The clause before `at`, up to CLAUSE_GAP characters. */
const clauseBefore = (text: string, at: number) => text.slice(Math.max(0, at - CLAUSE_GAP), at).split(/[\n!?]|\.\s/u).pop()!;

/** An error word before `at` in its clause, nearer than any word about OTPs. */
function errorBefore(text: string, at: number): boolean {
  const clause = clauseBefore(text, at);
  const error = lastMatch(ERROR_WORD, clause);
  return error >= 0 && error > lastMatch(OTP_WORD, clause);
}

/** Six digits that are an error code, an id or an amount by the words around them. */
function notAnOtp(text: string, start: number, end: number): boolean {
  const after = text.slice(end, end + 20);
  const clause = clauseBefore(text, start);
  const field = FIELD_BEFORE.exec(clause);
  if (field) return !OTP_FIELD.test(field[1] ?? field[2]!);
  return NUMBER_LABEL_BEFORE.test(clause) || ERROR_AFTER.test(after) || QUANTITY_AFTER.test(after) || errorBefore(text, start);
}
