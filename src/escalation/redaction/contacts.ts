/**
 * E-mail addresses and phone numbers, hidden where support does not need them: the text read in
 * a picture (an account page shows both), and the seller's words kept for the console's review.
 */
export const CONTACT_MASK = { email: '[e-mail hidden]', phone: '[phone hidden]' } as const;

// Bounded parts: OCR lines can be long runs of letters without spaces, and an unbounded
// pattern there is quadratic.
const EMAIL = /[\p{L}\p{N}._%+-]{1,64}\s?@\s?[\p{L}\p{N}-]{1,63}(?:\s?\.\s?[\p{L}\p{N}-]{1,63}){1,4}/gu;
// Thai numbers (08x-xxx-xxxx, 02-xxx-xxxx, +66 8x xxx xxxx) and any 9 to 12 digits in groups.
const PHONE = /(?<![\p{N}])(?:\+?66[\s-]?|0)\d{1,2}(?:[\s-]?\d){7,8}(?![\p{N}])/gu;

/** The text with its e-mail addresses taken out (the words beside them stay). */
export function withoutAddresses(text: string): string {
  return text.replace(EMAIL, ' ');
}

export function hideContacts(text: string): string {
  return text.replace(EMAIL, CONTACT_MASK.email).replace(PHONE, CONTACT_MASK.phone);
}

/** Fields that name things rather than say them: a LINE user id's hex digits are no phone number. */
const NAMES = /(?:id|key|ref|ticket)$/i;

/** Every string said in a JSON-like value with its contacts hidden (what the console shows of a seller); ids, keys and refs as they are. */
export function hideContactsDeep<T>(value: T, key?: string): T {
  if (typeof value === 'string') return (key !== undefined && NAMES.test(key) ? value : hideContacts(value)) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => hideContactsDeep(v, key)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideContactsDeep(v, k)])) as T;
  return value;
}
