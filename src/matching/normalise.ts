/**
 * Normalisation of real chat text before matching. Pure functions only.
 *
 * Sellers type on phones, mix Thai and English, stretch words for emphasis (มากกกก, pleaseee),
 * laugh in digits (555) and paste from apps that add invisible characters. All of that must
 * reach the matcher as the same few tokens the knowledge base was built from.
 */

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const THAI_DIGITS = /[\u0E50-\u0E59]/g;
// Thai sara am is typed either as one character or as nikhahit + sara aa, sometimes with the
// tone mark in between; NFKC itself decomposes U+0E33, so it is put back together afterwards.
const SARA_AM_SPLIT = /\u0E4D([\u0E48-\u0E4B]?)\u0E32/g;
const MAI_YAMOK = /\s*\u0E46/g;
// Thai vowels and tone marks are never doubled in real words: a repeat is a typing slip or emphasis.
// The class lists combining marks on purpose, each repeated after itself (no base character).
// eslint-disable-next-line no-misleading-character-class
const THAI_MARK_REPEAT = /([\u0E30-\u0E3A\u0E40-\u0E45\u0E47-\u0E4E])\1+/g;
const THAI_CHAR_RUN = /([\u0E01-\u0E2E])\1{2,}/g;
const LATIN_RUN = /([a-z])\1{2,}/g;
// 555 is Thai laughter (ห้า = "ha"); it never means a number in a support chat when 3+ long.
const LAUGHTER = /(?<![0-9])5{3,}\+*(?![0-9])|\b(?:a?ha(?:ha)+h?|lol+|lmao|hehe+)\b|(?:ฮ่า)+|(?:อิ){2,}|(?:คริ){1,}/g;
const THAI = '\u0E00-\u0E7F';
const THAI_THEN_OTHER = new RegExp(`([${THAI}])([a-z0-9])`, 'g');
const OTHER_THEN_THAI = new RegExp(`([a-z0-9])([${THAI}])`, 'g');
// Everything that is not a letter, digit, underscore or Thai becomes a separator.
const SEPARATORS = new RegExp(`[^a-z0-9_${THAI}]+`, 'g');

/** Thai digits (๐-๙) as ASCII ones. */
export function asciiDigits(s: string): string {
  return s.replace(THAI_DIGITS, (d) => String(d.charCodeAt(0) - 0x0e50));
}

export function normalise(raw: string): string {
  let s = raw.normalize('NFKC').replace(ZERO_WIDTH, '').toLowerCase();
  s = s.replace(SARA_AM_SPLIT, (_m, tone: string) => `${tone}\u0E33`);
  s = asciiDigits(s);
  s = s.replace(LAUGHTER, ' ');
  s = s.replace(MAI_YAMOK, ' ');
  s = s.replace(THAI_MARK_REPEAT, '$1').replace(THAI_CHAR_RUN, '$1');
  s = s.replace(LATIN_RUN, '$1$1');
  s = s.replace(SEPARATORS, ' ');
  // ICU's segmenter glues Latin words and digits to Thai ones (ร้านshopee): split them first.
  s = s.replace(THAI_THEN_OTHER, '$1 $2').replace(OTHER_THEN_THAI, '$1 $2');
  return s.replace(/\s+/g, ' ').trim();
}

export function hasThai(text: string): boolean {
  return /[\u0E01-\u0E5B]/.test(text);
}

/** Emoji, stickers and punctuation only: nothing a matcher could read. */
export function isNoise(raw: string): boolean {
  return normalise(raw).replace(/[_\s]/g, '') === '';
}
