/**
 * Whether one word looks like a password, and what a word that mixes letters with digits or
 * symbols can be besides one (a URL, a version, a model, an amount...).
 */

/** The symbols of a password ("-", "_", ".", "/", "'" join words: "e-mail", "T_T", "can't"; "+", "%", "*" make sums and amounts). */
export const PASSWORD_SYMBOL = /[!@#$^&]/u;

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
export function coreOf(word: string): { start: number; end: number } {
  const start = /^[("'[{<*]*/u.exec(word)![0].length;
  const end = word.length - /[.,;:!?~^*)\]}>'"]*$/u.exec(word.slice(start))![0].length;
  return { start, end: Math.max(start, end) };
}

/**
 * One word that looks like a password: 6 to 64 printable ASCII characters, with letters, and
 * digits or a password symbol. Not upper case and digits alone (order, tracking and error codes,
 * SKUs), and none of NOT_A_PASSWORD. A word of letters only is no password here.
 */
export function looksLikePassword(word: string): boolean {
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
export function looksLikeSymbolPassword(v: string): boolean {
  return /[a-z]/u.test(v) && /\d/u.test(v) && /[A-Za-z0-9][!@#$^&]+[A-Za-z0-9]/u.test(v) && !v.includes('=') && looksLikePassword(v);
}
