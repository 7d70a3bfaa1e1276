/**
 * Latin codes on Thai pages. Read with English and Thai together, tesseract often takes the
 * letters of a code printed inside a Thai sentence for Thai ones: "ข้อผิดพลาด: INTERNAL คค ERROR",
 * "(56 ธร พ๐ อล 0ผ๐1 MATCH)". The same line read again with English alone gives the code back
 * ("INTERNAL_DATA_ERROR"). These rules pick the lines worth that second reading and keep only
 * what it is for: the code-shaped words. Pure.
 */

const THAI_LETTER = /[\u0E01-\u0E2E]/;
/** A word of capitals, the visible part of a code (INTERNAL, MATCH, ERROR). */
const CAPITALS = /(?<![A-Za-z])[A-Z]{4,}(?![a-z])/;
/**
 * A code's shape: capitals and digits in at least two parts joined by underscores, dots or
 * single spaces ("PASSWORD_NOT_MATCH", "INTERNAL_DATA ERROR", "PASSWORD NOT MATCH"), 8 letters
 * or more. Read whole, a code keeps its underscores.
 */
const CODE_SHAPED = /(?<![A-Za-z0-9])[A-Z][A-Z0-9]*(?:[_. ][A-Z0-9]+)+(?![A-Za-z0-9])/g;

function codeShaped(text: string): string[] {
  return (text.match(CODE_SHAPED) ?? []).map((m) => m.trim()).filter((m) => m.replace(/[^A-Z0-9]/g, '').length >= 8);
}

/**
 * Whether a line read with English and Thai should be read again with English alone: it shows a
 * word of capitals beside Thai letters, and no code read whole.
 */
export function needsEnglishReading(line: string): boolean {
  return CAPITALS.test(line) && THAI_LETTER.test(line) && !codeShaped(line).some((code) => code.includes('_'));
}

/** The code-shaped words of a line read with English alone, to add to what the picture shows. */
export function codesReadInEnglish(text: string): string[] {
  return [...new Set(codeShaped(text))];
}
