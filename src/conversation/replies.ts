import { LANGUAGES, REPLY_ACTS, type Replies, type ReplyAct } from '../knowledge/schema';
import { phraseTokens } from '../matching/lexicon';
import { CueReader, endsWith, mentions, opensWith, type CueReading } from './cues';

/**
 * What a seller typed in answer to one of the bot's questions, read as reply acts from the
 * phrasings of knowledge/replies.yaml. Both sides go through the matcher's normalising and word
 * splitting, and the words that say nothing (polite endings, particles) are dropped, so "ข้ามค่ะ",
 * "ข้ามจ้า" and "ข้ามนะคะ" are read once, as "ข้าม". Pure.
 */
export interface Reply {
  /** The acts of the phrasings the reply starts with, in order ("ได้คับ ส่งเลย": yes, send). */
  acts: ReplyAct[];
  /** The whole reply is such phrasings: nothing else was said ("ไว้ก่อน เดี๋ยวลองเปลี่ยนรหัส" is not). */
  whole: boolean;
}

const NO_REPLY: Reply = { acts: [], whole: false };

const readers = new WeakMap<Replies, ReplyReader>();

/** The reader of a knowledge base's replies, built once per loaded knowledge base. */
export function replyReaderFor(replies: Replies): ReplyReader {
  let r = readers.get(replies);
  if (!r) readers.set(replies, (r = new ReplyReader(replies)));
  return r;
}

export class ReplyReader {
  /**
   * Phrasings by their words run together: the word splitter cuts the same Thai differently by
   * context ("โอเค" alone, "โอ|เค" before "ค่ะ"), so words are compared joined, not one by one.
   */
  private readonly phrasings = new Map<string, ReplyAct>();
  /** Phrasings of no word at all ("-" as a skip), by their text. */
  private readonly marks = new Map<string, ReplyAct>();
  private readonly ignore: Set<string>;
  private longest = 1;
  /** The cues of the same file: words that tell something wherever they stand. */
  readonly cues: CueReader;

  constructor(replies: Replies) {
    this.ignore = new Set(LANGUAGES.flatMap((l) => replies.ignore[l].flatMap(phraseTokens)));
    this.cues = new CueReader(replies);
    for (const act of REPLY_ACTS) {
      for (const lang of LANGUAGES) {
        for (const p of replies.acts[act]?.[lang] ?? []) {
          const raw = phraseTokens(p);
          const tokens = raw.filter((t) => !this.ignore.has(t));
          // A phrasing of nothing but ignored words ("จ้า", "ค่ะ" as a yes) is kept whole.
          const kept = tokens.length > 0 ? tokens : raw;
          if (kept.length === 0) {
            if (!this.marks.has(p.trim())) this.marks.set(p.trim(), act);
            continue;
          }
          // The first act listed for a phrasing keeps it (kb:check reports the repeat).
          if (!this.phrasings.has(kept.join(''))) this.phrasings.set(kept.join(''), act);
          this.longest = Math.max(this.longest, kept.join('').length);
        }
      }
    }
  }

  read(text: string): Reply {
    // A long message is no answer alone; only its start can be one ("ไว้ก่อนค่ะ เดี๋ยวลอง..."):
    // the words of its first part are enough (splitting a whole story cost 20 us a call).
    const long = text.length > this.longest * 3 + 20;
    const raw = phraseTokens(long ? text.slice(0, this.longest * 2 + 10) : text);
    if (raw.length === 0) {
      const mark = this.marks.get(text.trim());
      return mark ? { acts: [mark], whole: true } : NO_REPLY;
    }
    const tokens = raw.filter((t) => !this.ignore.has(t));
    // Nothing but particles ("จ้า", "ค่ะ"): read as they are.
    const reply = this.cover(tokens.length > 0 ? tokens : raw);
    if (long) return { ...reply, whole: false };
    // Thai typed without spaces is cut oddly by the word splitter ("โอเคส่งเลย": โอ|เคส่|ง|เลย):
    // read letter by letter, but only a reply that is such phrasings from end to end.
    return reply.whole ? reply : (this.coverLetters((tokens.length > 0 ? tokens : raw).join('')) ?? reply);
  }

  /** The whole of `text` as phrasings, longest first at each place; undefined if some of it is none. */
  private coverLetters(text: string): Reply | undefined {
    const acts: ReplyAct[] = [];
    for (let at = 0; at < text.length; ) {
      let found: { act: ReplyAct; end: number } | undefined;
      for (let end = Math.min(text.length, at + this.longest); end > at && !found; end--) {
        const act = this.phrasings.get(text.slice(at, end));
        if (act) found = { act, end };
      }
      if (!found) return undefined;
      if (acts[acts.length - 1] !== found.act) acts.push(found.act);
      at = found.end;
    }
    return acts.length > 0 ? { acts, whole: true } : undefined;
  }

  /** Nothing but the words that say nothing (polite endings, particles), or nothing at all. */
  saysNothing(text: string): boolean {
    return phraseTokens(text).every((t) => this.ignore.has(t));
  }

  /**
   * A question, not an answer: a question mark, a question word ending the sentence
   * ("ต้องจ่ายก่อนใช่ไหมคะ"), or in English one opening it ("how do I fix that one").
   */
  asks(raw: string, cues: CueReading = this.cues.read(raw)): boolean {
    const ends = (cue: 'question' | 'how-to') => endsWith(cues, cue, (rest) => this.saysNothing(rest));
    // "how do I fix that one", "ต้องแก้ยังไงคะ" are read as how-to, the longer cue: questions too.
    if (/[?？]\s*$/.test(raw) || ends('question') || ends('how-to') || opensWith(cues, 'question-start') || opensWith(cues, 'how-to') || mentions(cues, 'question-anywhere', 'reply-time')) return true;
    if (this.asksWhichOfTwo(cues)) return true;
    // "ต้องใช้รหัสอะไรคะ รหัส seller center หรือรหัสแอป lazada": the question ends a Thai clause, and the rest says what it offers.
    const clauses = raw.trim().split(/\s+/u);
    return clauses.length > 1 && /[\u0E00-\u0E7F]/u.test(clauses[0]!) && endsWith(this.cues.read(clauses[0]!), 'question', (rest) => this.saysNothing(rest));
  }

  /** "ในแอปหรือในเว็บคะ": something on each side of the "or", and no "not" that makes it a list. */
  private asksWhichOfTwo(cues: CueReading): boolean {
    if (mentions(cues, 'negation', 'not-fixed', 'still')) return false;
    return cues.spans.some((s) => s.cues.includes('alternative') && !this.saysNothing(cues.text.slice(0, s.start)) && !this.saysNothing(cues.text.slice(s.end)));
  }

  /** The phrasings the tokens start with, the longest at each position, until none fits. */
  private cover(tokens: string[]): Reply {
    const acts: ReplyAct[] = [];
    let at = 0;
    while (at < tokens.length) {
      let found: { act: ReplyAct; end: number } | undefined;
      let joined = '';
      for (let end = at; end < tokens.length && joined.length + tokens[end]!.length <= this.longest; end++) {
        joined += tokens[end];
        const act = this.phrasings.get(joined);
        if (act) found = { act, end: end + 1 };
      }
      if (!found) break;
      if (acts[acts.length - 1] !== found.act) acts.push(found.act);
      at = found.end;
    }
    return { acts, whole: acts.length > 0 && at === tokens.length };
  }
}

/** Whether the reply is only `acts` (one or more of them, nothing else said). */
export function onlySays(reply: Reply, ...acts: ReplyAct[]): boolean {
  return reply.whole && reply.acts.every((a) => acts.includes(a));
}

/**
 * The reply without the okay it opens with ("โอเค ไม่เป็นไร", "ok, cancel it"): an okay that
 * only acknowledges what the bot said before the seller answers.
 */
export function afterOkay(reply: Reply): Reply {
  const first = reply.acts.findIndex((a) => a !== 'yes');
  return first <= 0 ? reply : { ...reply, acts: reply.acts.slice(first) };
}

/** Whether the reply starts with one of `acts`, whatever follows. */
export function startsWith(reply: Reply, ...acts: ReplyAct[]): boolean {
  return reply.acts.length > 0 && acts.includes(reply.acts[0]!);
}
