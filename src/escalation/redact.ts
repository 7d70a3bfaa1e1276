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

// The patterns that scan a whole text case-insensitively have no "u" flag: with it, "i" makes
// every \b and literal go through Unicode case folding, several times slower at each position
// (they hold no character outside the BMP, so "u" changes nothing else for them).

// Thai "รหัส" is "code" as much as "password": these compounds are other codes, not secrets
// (error code, SKU, postcode, order, parcel and shop ids, discount codes), or a complaint ("รหัสไม่ถูก").
const NOT_A_SECRET_CODE = String.raw`(?!\s*(?:ข้อผิดพลาด|error|สินค้า|ไปรษณีย์|คำสั่งซื้อ|ออเดอร์|order|ร้าน|ไม่|ผิด|พัสดุ|ติดตาม|tracking|sku|product|item|partner|merchant|client|member|จัดส่ง|ขนส่ง|คลัง|บาร์โค้ด|barcode|สาขา|ลูกค้า|สมาชิก|พนักงาน|ส่วนลด|โปร|คูปอง|coupon|voucher|promo|ภาษี|สี|รุ่น|ประเทศ))`;
// A key whose value is a token or an API key: "token=", "access_token:", `"apiKey":`, "partner_key=".
const TOKEN_KEY = String.raw`(?:\b(?:(?:access|refresh|auth|api|app|id|session|line|channel)[_-]?)?token|\b(?:api|app|partner|private|client|access)[_-]?key|\bclient[_-]?secret)(?=["']?\s*[:=])`;
// "ขึ้นรหัส 500100", "Shopify ตอบรหัส 402": the code a screen shows or an API answers is an error code.
const SHOWN = String.raw`(?<!(?:ขึ้น|ตอบ)\s{0,2})`;
// "password", "pw", "รหัสผ่าน", "รหัส", "พาส": what a seller writes before the password itself;
// in a log, a key that ends with one ("DB_PASSWORD=", "appPassword:", "client_secret=").
const PASSWORD_WORD = new RegExp(
  String.raw`\b(?:pass(?:\s?word|wd|code)?|pwd|pw)\b|(?=pass|pwd|secret)(?:(?<=[a-z0-9]_|[a-z])(?:password|passwd|secret)|(?<=[a-z0-9]_)(?:pass|pwd))(?=["']?\s*[:=])|${TOKEN_KEY}|รหัส\s*ผ่าน|พาสเวิร์ด|พาสเวิด|พาส|(?=รหัส)${SHOWN}รหัส(?!\s*(?:otp|ยืนยัน|โอทีพี))${NOT_A_SECRET_CODE}`,
  'gi',
);
// What may stand between the label and the separator: a few words of the same sentence
// ("รหัสผ่านของร้านคือ ...", "password for lazada is ...").
const CLAUSE_GAP = 40;
// The separator, and the value after it. After ":", "=", "คือ", "เป็น" the value runs to the end
// of the line or the Thai text after it (a password may hold spaces: "pw: Mango Sticky 99");
// after "is" / "was" it is one word ("my password is wrong" is a complaint).
const SEPARATOR = new RegExp(String.raw`^([^\n.!?]{0,${CLAUSE_GAP}}?)(\s*(?:\bis\b|\bwas\b|=|:|：|คือ|เป็น)\s*)`, 'iu');
const VALUE_TO_LINE_END = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?/u;
// A quoted value (JSON, a log's `password: 'x'`): the quotes are not part of it.
const QUOTED = /^(["'])((?:\\.|(?!\1)[^\\\n])*)\1/u;
// ...up to a word that starts the rest of the sentence or another secret ("pw: Abc 12 but it
// fails", "password: Hunter2 otp 123456"), or the next field of a form body ("&user=").
const VALUE_ENDS = /\s+(?:but|and|was|is|then|so|when|because|however|otp|code|pin|pwd|pw|pass(?:word)?|user(?:name)?|e-?mail)\b|(?=&[\w.[\]-]+=)/iu;
const VALUE_WORD = /^[\x21-\x7E]{3,128}/u;
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
// "otp 123456", "code: 123456", "รหัส 1234", "OTP ที่ได้คือ 4821", "otp 4 8 3 9 2 0": a short
// number after such a label (Thai words between), its digits maybe spaced. Not a code of
// another kind ("error code", "zip code", "status code", "ขึ้นโค้ด 500100").
const OTHER_CODE = String.raw`(?<!(?:error|err|post|postal|zip|promo|promotion|discount|coupon|voucher|product|item|sku|shop|store|order|tracking|status|response|http|country|area|bar|qr|ref|reference|referral|invite|invitation|affiliate|exit|return)[\s_-]{0,2})`;
const OTP_LABEL = new RegExp(
  String.raw`((?=otp|code|pin|verification)${OTHER_CODE}\b(?:otp|code|pin|verification code)\b|รหัส(?:ยืนยัน|\s*otp)|(?=รหัส|โค้ด|โค๊ด)${SHOWN}(?:รหัส|โค้ด|โค๊ด)${NOT_A_SECRET_CODE})([\u0E00-\u0E7F\s]{0,20}?)(\s*(?:is|=|:|：|คือ)?\s*)([0-9\u0E50-\u0E59](?:[ -]?[0-9\u0E50-\u0E59]){3,7})(?![0-9\u0E50-\u0E59])`,
  'gi',
);
// A shop's name ("ร้านชื่อ Ploy@2024") looks like a password but is what support asks for first.
const AFTER_NAME_LABEL = /(?:ชื่อร้าน|ร้านชื่อ|ชื่อ|ร้าน|shop|store|named|called|name)\s*(?:is|:|：|คือ)?\s*$/iu;
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
// WooCommerce keys, Bearer tokens, JWTs: these can match without a digit.
const TOKENS_WITHOUT_DIGITS = [
  /\b(?:ck|cs)_[a-f0-9]{20,}\b/gi,
  /\bbearer\s+[A-Za-z0-9._~+/=-]{16,}/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/gu,
];
// ...and long random strings, which need one (a LINE user id among them: the logger shows those
// only hashed).
const TOKENS = [
  ...TOKENS_WITHOUT_DIGITS,
  /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{24,}(?![A-Za-z0-9_-])/gu,
];
/** Every pattern after the password label needs one of these (\d is ASCII only, Thai digits listed). */
const DIGIT = /[0-9\u0E50-\u0E59]/u;
/** The symbols of a password ("-", "_", ".", "/", "'" join words: "e-mail", "T_T", "can't"; "+", "%", "*" make sums and amounts). */
const PASSWORD_SYMBOL = /[!@#$^&]/u;
const PASSWORD_SYMBOL_OR_DIGIT = /[!@#$^&0-9\u0E50-\u0E59]/u;
// A password's shape anywhere in a text (a log line, a sentence): lower case and digits with
// a password symbol inside ("P@ssw0rd", "Kaew@2024", "Hunter2!x"). Letters and digits alone
// ("iPhone15", "Ploy2024Shop", "ABC-123x", ids, stack frames) are no password without a label.
const SYMBOL_WORD = /(?<![\x21-\x7E])[\x21-\x7E]*[!@#$^&][\x21-\x7E]*/gu;
// After "ใส่", "กรอก", "login with", "typed": what was typed into the login form.
const TYPED = /(?:ใส่|กรอก|ล็อ[กค]อิน(?:\s*ด้วย)?|เข้าด้วย|\blog\s?in\s*(?:ด้วย|with)|\bsign\s?in\s*with|\btyped|\bentered|\btried)(?:\s*(?:ว่า|เป็น))?[ \t]*([\x21-\x7E]{6,64})(?![\x21-\x7E])/gi;
// The password of a URL: "smtp://ploy:Kaew2024@smtp.gmail.com", "redis://:secret@redis:6379".
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(?=@)/gi;
// A login (an e-mail address, a Thai mobile number), then the password: "ploy@gmail.com / Kaew2024".
const AFTER_LOGIN = /(?:(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\d-])0[689]\d-?\d{3}-?\d{4}(?![\d-]))(?:[ \t]*[/|,][ \t]*|\s+)([\x21-\x7E]{6,64})(?![\x21-\x7E])/gu;

// What a word that mixes letters with digits or symbols can be besides a password.
const NOT_A_PASSWORD = [
  /^[#@]/u, // a hashtag, a LINE id, a mention
  /:\/\/|^www\.|^[a-z]:\\|\//iu, // a URL, a path
  /^[^@]+@[^@]+\.[a-z]{2,}$/iu, // an e-mail address
  /^[\w.+-]{2,}@[a-z][a-z.-]*$/iu, // ...mistyped: "ploy.shop@gmail" (not "P@ssword", "Kaew@2024")
  /^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$/iu, // a domain, a file name
  /@[\^~]?\d+(?:\.[\dx*]+)+$|^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/iu, // a version
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu, // a UUID
  /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?$|^\d{1,2}[:.]\d{2}\s?(?:am|pm|น\.?)?$/iu, // a date, a time
  /^[A-Z]{0,3}[$€£¥]\d[\d,.]*$|^\d[\d,.]*[$€£¥%]|^\d+(?:[.,]\d+)?%/u, // an amount
  /^(?:order|ticket|ref|no|invoice|case|issue|item|sku|po)?#[A-Z0-9-]+$/iu, // a reference: "order#2412065ABC12DE", "ticket#BS-7K3M9Q"
  /^[a-z_][\w.-]*=/iu, // a key and its value: "orderId=612345678901234"
  /^(?:user(?:name)?|login|id|e-?mail|mail|line|ig|fb|tel|error|err|code|order|sku|tracking|shop|store|name|no|ref)[:：#]/iu, // "user:ploy1999"
  /^[a-z]+-\d{1,2}$/iu, // a name and its number: "covid-19", "size-42"
  // A model, a size, a numbered thing: "iPhone15", "Note13Pro", "size42", "sku001", "1000ml", "50ml*2".
  /^(?:i?phone|ipad|ipod|galaxy|note|pixel|redmi|xiaomi|poco|oppo|reno|vivo|realme|huawei|nova|mate|honor|infinix|nokia|macbook|airpods|watch|series|gen|ios|android|windows|win|office|xbox|rtx|gtx|tab|pad|size|sku|item|order|shop|store|page|step|lot|box|ver|version|rev|room|floor|tel)[-_]?\d{1,4}(?:pro|max|plus|ultra|mini|lite|fe|[a-z])?$/iu,
  /^\d+(?:[.,]\d+)?(?:ml|l|g|kg|mg|cm|mm|m|km|gb|tb|mb|kb|w|kw|mah|v|hz|ghz|k|pcs|pc|px|in|inch|oz|lb|am|pm|h|hr|hrs|min|mins|s|sec|ms|d|day|days|st|nd|rd|th|baht|thb)(?:[*x×]\d+)?$/iu,
];

/** The word without the quotes or brackets around it and the punctuation that ends its sentence. */
function coreOf(word: string): { start: number; end: number } {
  const start = /^[("'[{<*]*/u.exec(word)![0].length;
  const end = word.length - /[.,;:!?~^*)\]}>'"]*$/u.exec(word.slice(start))![0].length;
  return { start, end: Math.max(start, end) };
}

/**
 * One word that looks like a password: 6 to 64 printable ASCII characters, with letters, and
 * digits or a password symbol. Not upper case and digits alone (order, tracking and error codes,
 * SKUs), and none of NOT_A_PASSWORD. A word of letters only is no password here.
 */
function looksLikePassword(word: string): boolean {
  const { start, end } = coreOf(word);
  const v = word.slice(start, end);
  if (v.length < 6 || v.length > 64 || !/^[\x21-\x7E]+$/u.test(v) || !/[A-Za-z]/u.test(v)) return false;
  const symbol = PASSWORD_SYMBOL.test(v);
  if (!symbol && (!/\d/u.test(v) || !/[a-z]/u.test(v))) return false;
  // Mostly digits: an order or tracking number typed in lower case ("ef123456789th").
  const digits = v.replace(/\D/gu, '').length;
  if (!symbol && digits >= 8 && digits >= 0.6 * v.length) return false;
  return !NOT_A_PASSWORD.some((re) => re.test(v));
}

/** A password's shape inside any text (SYMBOL_WORD): a password symbol between letters or digits, and digits. */
function looksLikeSymbolPassword(v: string): boolean {
  return /[a-z]/u.test(v) && /\d/u.test(v) && /[A-Za-z0-9][!@#$^&]+[A-Za-z0-9]/u.test(v) && !v.includes('=') && looksLikePassword(v);
}

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

function redactUnmasked(input: string): Redacted {
  const kinds = new Set<SecretKind>();
  const done = (text: string): Redacted => ({ text: kinds.size > 0 ? text.replace(PLACEHOLDERS, (_m, k: string) => MASK[KIND_OF_PLACEHOLDER[k]!]) : text, kinds: [...kinds] });
  let text = input;
  const mark = (kind: SecretKind) => {
    kinds.add(kind);
    return PLACEHOLDER[kind];
  };
  // Most of the patterns need a digit or a password symbol; most texts (articles, greetings)
  // have neither, and their lookarounds at every position make them the costly part.
  const digits = DIGIT.test(input);
  for (const re of digits ? TOKENS : TOKENS_WITHOUT_DIGITS) text = text.replace(re, () => mark('token'));
  if (text.includes('://')) text = text.replace(URL_PASSWORD, (_m, head: string) => head + mark('password'));
  text = hidePasswords(text, mark);
  if (!PASSWORD_SYMBOL_OR_DIGIT.test(text)) return done(text);
  if (digits) {
    // "code", "รหัส", "โค้ด" say no more than "a code": after an error word ("ขึ้น error ตอนเชื่อม
    // code 500100") it is the error's.
    text = text.replace(OTP_LABEL, (m: string, label: string, gap: string, sep: string, _code: string, at: number) =>
      /^(?:code|รหัส|โค้ด|โค๊ด)$/iu.test(label) && errorBefore(text, at) ? m : `${label}${gap}${sep}${mark('otp')}`,
    );
  }
  const before = (at: number) => text.slice(Math.max(0, at - 30), at);
  // The word itself is replaced, not the quotes, brackets or full stop around it (a "!" or "?"
  // after it may be its last character: "Hunter2!").
  const hideWord = (word: string, at: number, test: (core: string) => boolean) => {
    const { start, end } = coreOf(word);
    if (!test(word.slice(start, end)) || AFTER_NAME_LABEL.test(before(at + start))) return word;
    const maskEnd = Math.max(end, word.length - /[.,;:)\]}>'"]*$/u.exec(word)![0].length);
    return word.slice(0, start) + mark('password') + word.slice(maskEnd);
  };
  if (PASSWORD_SYMBOL.test(text)) text = text.replace(SYMBOL_WORD, (w: string, at: number) => hideWord(w, at, looksLikeSymbolPassword));
  const hideValue = (m: string, value: string, at: number) => {
    const i = m.length - value.length;
    return m.slice(0, i) + hideWord(value, at + i, looksLikePassword);
  };
  text = text.replace(TYPED, hideValue);
  if (/@|0[689]/u.test(text)) text = text.replace(AFTER_LOGIN, hideValue);
  if (digits) text = text.replace(LONE_CODE, (m: string, at: number) => (notAnOtp(text, at, at + m.length) ? m : mark('otp')));
  return done(text);
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
  const found = (start: number, value: string) => ({ start, end: start + value.length, kind: kindOf(value, label) });
  const sep = SEPARATOR.exec(rest);
  if (sep) {
    const at = sep[0].length;
    const quoted = QUOTED.exec(rest.slice(at));
    if (quoted) {
      const value = quoted[2]!;
      if (value && !plainComplaint(value) && !tooShortNumber(value) && !pathLike(value)) return found(at + 1, value);
    } else {
      const oneWord = /^(?:is|was)$/i.test(sep[2]!.trim());
      const raw = (oneWord ? VALUE_WORD : VALUE_TO_LINE_END).exec(rest.slice(at))?.[0];
      const value = raw === undefined ? undefined : trimmed(raw.split(VALUE_ENDS)[0]!);
      // After words in between, an English "is" may have another subject ("the password of the
      // account where my shop is connected"): then only a value that looks like a password.
      const secret = value && !value.startsWith('[') && !pathLike(value) && (oneWord && sep[1] ? looksSecret(value) : !plainComplaint(value));
      if (secret && !tooShortNumber(value)) return found(at, value);
    }
  }
  // Right after the label: "รหัสผ่าน Abc12345", "pw Xyz!", "รหัส 4821", "pass sunflowerbaby",
  // past the words that say what the password is of ("รหัสผ่าน lazada sunflowerbaby").
  const WORD = /^(\s*)([\x21-\x7E]{3,128})/u;
  let offset = 0;
  for (let i = 0; i < 4; i++) {
    const next = WORD.exec(rest.slice(offset));
    if (!next) break;
    const start = offset + next[1]!.length;
    const value = trimmed(next[2]!);
    const word = bare(value).toLowerCase();
    if (value.startsWith('[') || tooShortNumber(value) || pathLike(value)) break;
    if (/^[a-z]+$/.test(word) && LABEL_FOLLOWERS.has(word)) {
      // "of my lazada account": go on to the password; "not", "when", "is": the sentence goes on.
      if (!PASSWORD_OF.has(word)) break;
      offset = start + next[2]!.length;
      continue;
    }
    if (looksSecret(value)) return found(start, value);
    const lettersOnly = /^[a-z]{4,}$/.test(word) && !/^[A-Z]+$/.test(value) && closesClause(rest.slice(start + value.length));
    if (lettersOnly && (!/^pass$/i.test(label) || LOGIN_BEFORE.test(before))) return found(start, value);
    break;
  }
  if (!LOOSE_LABEL.test(label.replace(/\s+/g, ''))) return undefined;
  const clause = rest.slice(0, CLAUSE_GAP).split(/[\n.!?]/)[0]!;
  SECRET_WORD.lastIndex = 0;
  for (let w = SECRET_WORD.exec(clause); w; w = SECRET_WORD.exec(clause)) {
    if (!pathLike(w[0]) && looksLikePassword(w[0])) return found(w.index, w[0]);
  }
  return undefined;
}

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
