import { distance } from 'fastest-levenshtein';

/**
 * Error codes as OCR prints them. A screenshot's code is the surest thing in it, but OCR garbles
 * it at the edges of a picture and in small type: "INTERNAL DATA_ERRC" (cut off at a table's
 * edge), "PASSWORD_NOT_MATCH" with its underscore read as a space. Pure.
 *
 * A code is found when a run of capital letters (with underscores and spaces) holds it within
 * two edits, or ends with at least three quarters of it, or begins with its last three quarters
 * (the rest cut off). Only capitals: the words of a sentence ("password not match") are the
 * matcher's aliases' business.
 */

const RUNS = /[A-Z][A-Z0-9_ ]{5,}/g;
const MAX_EDITS = 2;
const CUT_SHARE = 0.75;

const lettersOf = (s: string) => s.replace(/[^A-Z0-9]/g, '');

function holds(run: string, code: string): boolean {
  if (run.includes(code)) return true;
  for (let len = code.length - MAX_EDITS; len <= code.length + MAX_EDITS; len++) {
    for (let i = 0; i + len <= run.length; i++) if (distance(run.slice(i, i + len), code) <= MAX_EDITS) return true;
  }
  // Cut off at the picture's edge, or its first letters lost in what is beside it: the run ends
  // with the code's beginning, or begins with its end, one letter misread.
  const least = Math.ceil(code.length * CUT_SHARE);
  for (let len = least; len < code.length && len <= run.length; len++) {
    if (distance(run.slice(run.length - len), code.slice(0, len)) <= 1) return true;
    if (distance(run.slice(0, len), code.slice(code.length - len)) <= 1) return true;
  }
  return false;
}

/** The known codes (`known`, as the knowledge base spells them) printed in `text`, in `known`'s order. */
export function printedCodes(text: string, known: readonly string[]): string[] {
  const runs = (text.match(RUNS) ?? []).map(lettersOf).filter((r) => r.length >= 6);
  return known.filter((code) => {
    const letters = lettersOf(code.toUpperCase());
    return letters.length >= 8 && runs.some((run) => holds(run, letters));
  });
}
