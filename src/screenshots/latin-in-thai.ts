import { printedCodes } from '../matching/printed-codes';

/**
 * Latin codes on Thai pages. Read with English and Thai together, tesseract often takes the
 * letters of a code for Thai ones: "ข้อผิดพลาด: INTERNAL คค ERROR", "(ผาธคุผ/แ 0ครค ธุศุ08)", and
 * on an English page a whole JSON line. Read again with English alone, the same picture gives the
 * code back. These rules say when that second reading is worth its time. Pure.
 */

const THAI_LETTER = /[\u0E01-\u0E2E]/;
/** A word of capitals, the visible part of a code (INTERNAL, MATCH, ERROR). */
const CAPITALS = /(?<![A-Za-z])[A-Z]{4,}(?![a-z])/;

/**
 * Whether a picture's first reading (with English and Thai) may hide one of the `known` codes:
 * it read Thai letters, and none of those codes.
 */
export function mayHideCodes(text: string, known: readonly string[]): boolean {
  return known.length > 0 && THAI_LETTER.test(text) && printedCodes(text, known).length === 0;
}

/**
 * Whether one line of that reading is worth reading again on its own with English alone, before
 * the whole picture is: it shows a word of capitals beside Thai letters, and none of the codes.
 */
export function needsEnglishReading(line: string, known: readonly string[]): boolean {
  return CAPITALS.test(line) && THAI_LETTER.test(line) && printedCodes(line, known).length === 0;
}
