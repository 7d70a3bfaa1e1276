/** API keys and tokens, found by their shape alone. */

import type { MarkSecret } from './secret-kind';

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

/** `hasDigits`: whether the text holds a digit, as the caller already knows (the long-string pattern is the costly one). */
export function hideTokens(text: string, hasDigits: boolean, mark: MarkSecret): string {
  let out = text;
  for (const re of hasDigits ? TOKENS : TOKENS_WITHOUT_DIGITS) out = out.replace(re, () => mark('token'));
  return out;
}
