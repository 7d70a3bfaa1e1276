import type { Lexicon, Platform } from '../knowledge/schema';
import { normalise } from './normalise';
import { segment } from './segment';

/** Tokens of one phrase, as the matcher sees them (normalised and segmented). */
export function phraseTokens(text: string): string[] {
  return segment(normalise(text));
}

interface TrieNode {
  next: Map<string, TrieNode>;
  canonical?: string;
}

/**
 * Replaces every known spelling (ช้อปปี้, shoppe, ออเดอร์, re connect) with its canonical word.
 * Works on token sequences rather than raw strings so that a short Thai word never gets
 * replaced from inside a longer one (ปี inside ช้อปปี้).
 */
export class PhraseTable {
  private readonly root: TrieNode = { next: new Map() };

  add(variant: string, canonical: string): void {
    const toks = phraseTokens(variant);
    if (toks.length === 0) return;
    let node = this.root;
    for (const t of toks) {
      let n = node.next.get(t);
      if (!n) {
        n = { next: new Map() };
        node.next.set(t, n);
      }
      node = n;
    }
    node.canonical ??= canonical;
  }

  has(token: string): boolean {
    return this.root.next.has(token);
  }

  /** Greedy longest match from each position. */
  rewrite(tokens: string[]): string[] {
    const out: string[] = [];
    let i = 0;
    while (i < tokens.length) {
      let node: TrieNode | undefined = this.root;
      let best: { end: number; canonical: string } | undefined;
      for (let j = i; j < tokens.length && node; j++) {
        node = node.next.get(tokens[j]);
        if (node?.canonical !== undefined) best = { end: j + 1, canonical: node.canonical };
      }
      if (best) {
        out.push(best.canonical);
        i = best.end;
      } else {
        out.push(tokens[i]);
        i++;
      }
    }
    return out;
  }
}

/**
 * ICU segments Thai words differently in different contexts (หมดอายุ alone is หมด|อายุ, inside
 * ร้านหมดอายุแล้ว it may come out as หมด|อา|ยุ), so longer Thai spellings are replaced in the
 * string before segmentation. Short ones (ปี, อีก) stay token-level: they hide inside other words.
 */
export class ThaiSpellings {
  private readonly map = new Map<string, string>();
  private re?: RegExp;

  add(variant: string, canonical: string): void {
    const v = normalise(variant);
    if (/[\u0E00-\u0E7F]/.test(v) && [...v].length >= 4 && !this.map.has(v)) this.map.set(v, canonical);
    this.re = undefined;
  }

  rewrite(normalised: string): string {
    if (this.map.size === 0) return normalised;
    this.re ??= new RegExp(
      [...this.map.keys()]
        .sort((a, b) => b.length - a.length)
        .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return normalised.replace(this.re, (m) => ` ${this.map.get(m)} `).replace(/\s+/g, ' ').trim();
  }
}

/**
 * ICU cuts some short Thai words in context that it keeps whole alone ("เหรอ" is one word,
 * "ได้เหรอ" is ได้|เห|รอ), so a list that expects the whole word never sees it. Two neighbours
 * that make such a word are joined again, unless both are already words the lexicon knows.
 */
export class SplitWords {
  private readonly whole = new Set<string>();

  add(word: string): void {
    const w = normalise(word);
    if (/^[\u0E00-\u0E7F]+$/u.test(w)) this.whole.add(w);
  }

  rejoin(tokens: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const a = tokens[i]!;
      const b = tokens[i + 1];
      if (b !== undefined && this.whole.has(a + b) && !(this.whole.has(a) && this.whole.has(b))) {
        out.push(a + b);
        i++;
      } else out.push(a);
    }
    return out;
  }
}

export interface CompiledLexicon {
  thai: ThaiSpellings;
  split: SplitWords;
  phrases: PhraseTable;
  platformTokens: Map<string, Platform>;
  /** Latin spellings of platforms, for typo-tolerant lookup. */
  platformSpellings: { spelling: string; platform: Platform }[];
  stopwords: Set<string>;
  handover: string[];
  /** A word for support's people and a word that asks, both in a message: a request for a person. */
  handoverPeople: WordList;
  capabilityAsks: WordList;
  otherChannels: WordList;
  expiryWords: WordList;
  problemWords: WordList;
  questionWords: WordList;
  otherExpiries: WordList;
  otherConnections: WordList;
  onlyWords: WordList;
  sequenceWords: Set<string>;
  eitherWords: WordList;
  storeWords: WordList;
  /** The store working again ("เชื่อมได้แล้ว", "works now"): with thanks, a closing. */
  workingWords: WordList;
  /** Words that turn a report of a fix into a problem still there ("ไม่", "ยัง", "still", "but"). */
  negations: WordList;
  /** What a page says when it worked, and when something failed (a screenshot's words). */
  successWords: WordList;
  failureWords: WordList;
  /** Compact, for Thai (found inside a run) and English (a whole token). */
  connectionWords: { thai: string[]; latin: Set<string> };
  handoverAsks: WordList;
  /** Words that ask for the person right after them, in a message of any length ("ขอเจ้าหน้าที่"). */
  handoverRequests: WordList;
  /** People who are not support ("คนอื่น", "someone else"): compact, as whole runs of words. */
  otherPeople: Set<string>;
  greetings: Set<string>;
  thanks: Set<string>;
  goodbyes: Set<string>;
  acknowledgements: Set<string>;
  apologies: Set<string>;
  /** Every word the lexicon itself knows (variants and canonicals): never "corrected" as a typo. */
  known: Set<string>;
}

/** Compact form: normalised with no spaces, for phrase lists matched as substrings. */
/**
 * Words looked for as the seller wrote them: an English one as a whole word ("human"), a Thai
 * word as one of the split words ("ขอ", not inside "ของ"), a Thai phrase of several words
 * ("ช่วยดู") inside the run, however the splitter cut it.
 */
export interface WordList {
  latin: Set<string>;
  /** English phrases of several words ("can i connect"), as " can i connect " in the spaced text. */
  latinRuns: string[];
  thaiWords: Set<string>;
  thaiRuns: string[];
}

/** A message's words as a WordList reads them: English words as typed, Thai ones as split. */
export interface SaidWords {
  latin: Iterable<string>;
  /** The English words with a space on each side, for phrases of several words. */
  spaced: string;
  thai: readonly string[];
  /** The message without spaces, for Thai phrases however the splitter cut them. */
  squeezed: string;
}

/** Whether the message says one of the list's words or phrases. */
export function saysIn(l: WordList, said: SaidWords): boolean {
  for (const w of said.latin) if (l.latin.has(w)) return true;
  return l.latinRuns.some((r) => said.spaced.includes(r)) || said.thai.some((w) => l.thaiWords.has(w)) || l.thaiRuns.some((r) => said.squeezed.includes(r));
}

function wordList(list: string[]): WordList {
  const l: WordList = { latin: new Set(), latinRuns: [], thaiWords: new Set(), thaiRuns: [] };
  for (const p of list) {
    const words = phraseTokens(p);
    if (words.length === 0) continue;
    if (!/[\u0E00-\u0E7F]/u.test(p)) {
      const spaced = normalise(p);
      if (spaced.includes(' ')) l.latinRuns.push(` ${spaced} `);
      else l.latin.add(spaced);
    } else if (words.length === 1) l.thaiWords.add(words[0]!);
    else l.thaiRuns.push(compact(p));
  }
  return l;
}

export function compact(text: string): string {
  return normalise(text).replace(/[\s_]/g, '');
}

export function compileLexicon(lex: Lexicon): CompiledLexicon {
  const phrases = new PhraseTable();
  const thai = new ThaiSpellings();
  const platformTokens = new Map<string, Platform>();
  const platformSpellings: { spelling: string; platform: Platform }[] = [];
  const known = new Set<string>();
  const remember = (text: string) => phraseTokens(text).forEach((t) => known.add(t));

  for (const [platform, spellings] of Object.entries(lex.platforms) as [Platform, string[]][]) {
    platformTokens.set(platform, platform);
    phrases.add(platform, platform);
    known.add(platform);
    for (const s of spellings) {
      phrases.add(s, platform);
      thai.add(s, platform);
      remember(s);
      const c = compact(s);
      if (/^[a-z0-9]+$/.test(c) && c.length >= 4) platformSpellings.push({ spelling: c, platform });
    }
  }
  for (const group of lex.synonyms) {
    const canonical = phraseTokens(group[0]).join('');
    known.add(canonical);
    for (const v of group) {
      phrases.add(v, canonical);
      thai.add(v, canonical);
      remember(v);
    }
  }
  const stopwords = new Set<string>();
  for (const w of [...lex.stopwords.th, ...lex.stopwords.en]) {
    // A stopword may itself be a synonym variant (อีกครั้ง -> again): stop the canonical form too.
    for (const t of phrases.rewrite(phraseTokens(w))) stopwords.add(t);
  }
  stopwords.forEach((w) => known.add(w));
  // Small talk is read by its words as typed: "sorry" stemmed to "sorri" was no apology.
  Object.values(lex.smallTalk).forEach((list) => list.forEach(remember));
  const split = new SplitWords();
  const lists = [lex.stopwords.th, lex.capabilityAsks, lex.questionWords];
  for (const list of lists) for (const w of list) if (phraseTokens(w).length === 1) split.add(w);
  return {
    thai,
    split,
    phrases,
    platformTokens,
    platformSpellings,
    stopwords,
    handover: lex.handoverPhrases.map(compact).filter(Boolean),
    handoverPeople: wordList(lex.handoverPeople),
    capabilityAsks: wordList(lex.capabilityAsks),
    otherChannels: wordList(lex.otherChannels),
    expiryWords: wordList(lex.expiryWords),
    problemWords: wordList(lex.problemWords),
    questionWords: wordList(lex.questionWords),
    otherExpiries: wordList(lex.otherExpiries),
    otherConnections: wordList(lex.otherConnections),
    onlyWords: wordList(lex.onlyWords),
    sequenceWords: new Set(lex.sequenceWords.flatMap((w) => phraseTokens(w))),
    eitherWords: wordList(lex.eitherWords),
    storeWords: wordList(lex.storeWords),
    workingWords: wordList(lex.workingWords),
    negations: wordList(lex.negations),
    successWords: wordList(lex.successWords),
    failureWords: wordList(lex.failureWords),
    connectionWords: {
      thai: lex.connectionWords.map(compact).filter((w) => /[\u0E00-\u0E7F]/u.test(w)),
      latin: new Set(lex.connectionWords.map(compact).filter((w) => w && !/[\u0E00-\u0E7F]/u.test(w))),
    },
    handoverAsks: wordList(lex.handoverAsks),
    handoverRequests: wordList(lex.handoverRequests),
    // As typed, and as the split words read them once Thai spellings are rewritten (คน|another).
    otherPeople: new Set(lex.otherPeople.flatMap((p) => [compact(p), compact(thai.rewrite(normalise(p)))]).filter(Boolean)),
    greetings: new Set(lex.smallTalk.greetings.map(compact)),
    thanks: new Set(lex.smallTalk.thanks.map(compact)),
    goodbyes: new Set(lex.smallTalk.goodbyes.map(compact)),
    acknowledgements: new Set(lex.smallTalk.acknowledgements.map(compact)),
    apologies: new Set(lex.smallTalk.apologies.map(compact)),
    known,
  };
}
