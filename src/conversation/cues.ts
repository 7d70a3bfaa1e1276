import { CUES, LANGUAGES, type Cue, type Replies } from '../knowledge/schema';
import { hasThai, normalise } from '../matching/normalise';

/**
 * Words that tell something wherever they stand in a short sentence (knowledge/replies.yaml's
 * cues): "ขอบคุณค่ะ แก้ได้แล้ว" says fixed, "ทำตามแล้วยังไม่ได้เลย" tried and not fixed. The
 * sentence is read from the left; where phrasings start at the same place the longest is read
 * and the reading goes on after it, so "ไม่หายแล้ว" is not-fixed ("ไม่หาย"), never the "หายแล้ว"
 * of fixed. Thai has no spaces between words, so a Thai phrasing is found inside a run; an
 * English one only as whole words. Pure.
 */

/** How far apart the parts of a phrasing written with "…" may stand ("check my store status"). */
const GAP = 30;

interface Part {
  text: string;
  /** English: found only as whole words. */
  latin: boolean;
  /** Written with a trailing "*": the word may go on ("still fail*": failing). */
  open: boolean;
}

interface Phrasing {
  cue: Cue;
  parts: Part[];
}

/** One place in a sentence where cues were read: every cue with a phrasing starting there. */
export interface CueSpan {
  cues: Cue[];
  start: number;
  /** Where reading goes on: after the longest phrasing without "…" found here. */
  end: number;
  /** Where the longest phrasing found here ends, "…" or not. */
  reach: number;
}

export interface CueReading {
  /** The sentence as read (normalised, no spaces between Thai letters). */
  text: string;
  spans: CueSpan[];
}

const THAI_SPACE = /(?<=[\u0E00-\u0E7F]) (?=[\u0E00-\u0E7F])/g;
const WORD_CHAR = /[a-z0-9_]/;

/** Thai is written without spaces; the space a seller puts between two Thai words says nothing. */
export function cueText(raw: string): string {
  return normalise(raw).replace(THAI_SPACE, '');
}

function part(written: string): Part {
  const open = written.endsWith('*');
  const text = cueText(open ? written.slice(0, -1) : written);
  return { text, latin: !hasThai(text), open };
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && WORD_CHAR.test(c);
}

/** Where `p` ends when it is found at `at`; -1 when it is not. */
function endOf(p: Part, s: string, at: number): number {
  if (!s.startsWith(p.text, at)) return -1;
  let end = at + p.text.length;
  if (p.latin && (isWordChar(s[at - 1]) || (!p.open && isWordChar(s[end])))) return -1;
  if (p.open) while (isWordChar(s[end])) end++;
  return end;
}

function phrasingEnd(ph: Phrasing, s: string, at: number): number {
  let end = endOf(ph.parts[0]!, s, at);
  for (let i = 1; i < ph.parts.length && end >= 0; i++) {
    const from = end;
    end = -1;
    for (let j = from; j <= Math.min(from + GAP, s.length); j++) {
      end = endOf(ph.parts[i]!, s, j);
      if (end >= 0) break;
    }
  }
  return end;
}

export class CueReader {
  /** Phrasings by the first letter of their first part: a sentence is read letter by letter. */
  private readonly byFirst = new Map<string, Phrasing[]>();

  constructor(replies: Replies) {
    for (const cue of CUES) {
      for (const lang of LANGUAGES) {
        for (const written of replies.cues?.[cue]?.[lang] ?? []) {
          const parts = written.split('…').map((w) => part(w.trim())).filter((p) => p.text.length > 0);
          if (parts.length === 0) continue;
          const first = parts[0]!.text[0]!;
          const list = this.byFirst.get(first) ?? [];
          list.push({ cue, parts });
          this.byFirst.set(first, list);
        }
      }
    }
  }

  read(raw: string): CueReading {
    const text = cueText(raw);
    const spans: CueSpan[] = [];
    let at = 0;
    while (at < text.length) {
      const span = this.spanAt(text, at);
      if (span) spans.push(span);
      at = span ? span.end : at + 1;
    }
    return { text, spans };
  }

  /**
   * A phrasing with "…" does not hide what stands inside it: "ใช้ไม่ได้แล้ว" is tried ("ใช้ …
   * แล้ว") and not-fixed ("ไม่ได้แล้ว"), so reading goes on after its first part.
   */
  private spanAt(text: string, at: number): CueSpan | undefined {
    const found: { cue: Cue; end: number; gap: boolean; firstEnd: number }[] = [];
    for (const ph of this.byFirst.get(text[at]!) ?? []) {
      const e = phrasingEnd(ph, text, at);
      if (e >= 0) found.push({ cue: ph.cue, end: e, gap: ph.parts.length > 1, firstEnd: at + ph.parts[0]!.text.length });
    }
    if (found.length === 0) return undefined;
    // What was said here is the longest phrasing: "ยังไง" (how) is a question, not the "ยัง"
    // (still) inside it. A phrasing with "…" is read besides, since it hides nothing.
    const longest = Math.max(-1, ...found.filter((f) => !f.gap).map((f) => f.end));
    const cues = [...new Set(found.filter((f) => f.gap || f.end === longest).map((f) => f.cue))];
    const firstPart = Math.max(-1, ...found.filter((f) => f.gap).map((f) => f.firstEnd));
    return { cues, start: at, end: Math.max(longest, firstPart), reach: Math.max(...found.map((f) => f.end)) };
  }
}

/** Whether one of `cues` was read anywhere in the sentence. */
export function mentions(r: CueReading, ...cues: Cue[]): boolean {
  return r.spans.some((s) => s.cues.some((c) => cues.includes(c)));
}

/** The sentence without the places where one of `cues` was read ("มีวิธีอื่นไหม" less "วิธีอื่น"). */
export function without(r: CueReading, ...cues: Cue[]): string {
  let out = '';
  let at = 0;
  for (const s of r.spans) {
    if (!s.cues.some((c) => cues.includes(c))) continue;
    if (s.start < at) continue;
    out += `${r.text.slice(at, s.start)} `;
    at = s.reach;
  }
  return out + r.text.slice(at);
}

/**
 * Whether the sentence ends with `cue`, but for the words `ignored` says nothing in ("ใช่ไหมคะ"
 * ends with a question).
 */
export function endsWith(r: CueReading, cue: Cue, ignored: (rest: string) => boolean): boolean {
  const last = r.spans.filter((s) => s.cues.includes(cue)).at(-1);
  return !!last && ignored(r.text.slice(last.end));
}

/** Whether the sentence opens with `cues` ("ไม่ได้รับ OTP" opens with a negation). */
export function opensWith(r: CueReading, ...cues: Cue[]): boolean {
  const first = r.spans[0];
  return !!first && first.start === 0 && first.cues.some((c) => cues.includes(c));
}
