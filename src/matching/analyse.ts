import Fuse from 'fuse.js';
import stemmer from 'stemmer';
import { BoundedCache } from '../bounded-cache';
import type { Platform, Topic } from '../knowledge/schema';
import { isCommonEnglishWord } from './english-words';
import { compact, saysIn, type CompiledLexicon, type WordList } from './lexicon';
import { normalise } from './normalise';
import { asksForPerson } from './person';
import { segment } from './segment';
import { TypoIndex } from './typos';

/** How sellers call support by name; not "staff" or พนักงาน, which are as often their own. */
const VOCATIVES = ['แอดมิน', 'พี่แอดมิน', 'น้องแอดมิน', 'แอด', 'เจ้าหน้าที่', 'admin'];

/** Words that make a greeting to an admin a request ("hi admin pls"). */
const PLEASE = ['please', 'pls', 'plz'];

/** Words besides the thanks or goodbye that a closing may have ("ขอบคุณค่ะ เดี๋ยวลองดู": three). */
const CLOSING_WORDS = 3;

export interface Analysis {
  text: string;
  normalised: string;
  /** Canonical tokens, stopwords included, in message order. */
  tokens: string[];
  /** Canonical tokens that carry meaning (stopwords dropped), in order, repeats kept. */
  content: string[];
  /** Typo corrections applied, for explanations. */
  corrections: { from: string; to: string }[];
  platforms: Platform[];
  errorCodes: string[];
  handover: boolean;
  /** A platform, an error code or a connection word: the message is about a store connection. */
  aboutAConnection: boolean;
  /** An error code or a connection word ("หลุด", "expired"): more than a platform's name says so. */
  connectionWord: boolean;
  /** "expired" said of a coupon, a voucher, a card (lexicon otherExpiries), not of a store. */
  expiresSomethingElse: boolean;
  /** "woocommerce เชื่อมได้ไหมครับ": whether a platform can be connected, not a fault of it. */
  asksCapability: boolean;
  /** Orders only, of a channel named ("มีแค่ order อย่างเดียวหรอ"): what it does in BigSeller, no fault. */
  asksOrdersOnly: boolean;
  /** Weighs one cause against another ("…หรือว่า otp", "either … or"). */
  weighsAlternatives: boolean;
  /** Says a store's connection was lost or ran out (lexicon expiryWords: หลุด, หมดอายุ, expired). */
  saysExpired: boolean;
  /** It says something worked ("เชื่อมต่อสำเร็จ", "authorized successfully") and nothing failed. */
  saysItWorked: boolean;
  /** Names a sales channel BigSeller does not connect (lexicon otherChannels: ไอจี, NocNoc, Amazon). */
  otherChannel: boolean;
  /** A word that asks whether something can be done ("ได้ไหม", "supported"), whatever about. */
  asksAbility: boolean;
  /** A problem word ("ไม่ได้", "failed", "expired"): the message reports a fault. */
  reportsProblem: boolean;
  smallTalk: 'greeting' | 'thanks' | 'goodbye' | 'apology' | null;
  /** Opens with a greeting ("สวัสดีจ้ะ ยายขายผ้าทอ"), whatever follows. */
  greets: boolean;
  noise: boolean;
}

interface ErrorPattern {
  code: string;
  tokens: string[];
}

/**
 * Turns a message into evidence: canonical tokens, platforms and error codes.
 * Built once from the lexicon and the knowledge base; analysing is pure and fast.
 */
export class Analyser {
  private typos?: TypoIndex;
  private readonly errorPatterns: ErrorPattern[] = [];
  private readonly errorCompact: Fuse<{ key: string; code: string }>;
  private readonly platformFuse: Fuse<{ spelling: string; platform: Platform }>;

  constructor(
    readonly lexicon: CompiledLexicon,
    topics: Topic[],
  ) {
    const compactCodes = new Map<string, string>();
    const patternIds = new Set<string>();
    for (const t of topics) {
      for (const code of t.errorCodes) {
        const upper = code.toUpperCase();
        for (const spelling of [code, ...t.errorAliases]) {
          const toks = this.indexTokens(spelling.replace(/_/g, ' '));
          const id = `${upper} ${toks.join(' ')}`;
          if (toks.length > 0 && !patternIds.has(id)) {
            patternIds.add(id);
            this.errorPatterns.push({ code: upper, tokens: toks });
          }
          const key = compact(spelling);
          if (/^[a-z0-9]{6,}$/.test(key)) compactCodes.set(key, upper);
        }
      }
    }
    // Error codes pasted without separators or with typos (internaldataeror, passwordnotmach).
    this.errorCompact = new Fuse([...compactCodes].map(([key, code]) => ({ key, code })), { keys: ['key'], threshold: 0.2, includeScore: true, ignoreLocation: true });
    this.platformFuse = new Fuse(lexicon.platformSpellings, {
      keys: ['spelling'],
      threshold: 0.25,
      includeScore: true,
      ignoreLocation: true,
    });
  }

  /** Words of the knowledge base as written (before stemming): what typos are corrected to. */
  private readonly seen = new Set<string>();

  /** Call once the knowledge base has been indexed: typos are then corrected to its words. */
  freezeVocabulary(): void {
    this.typos = new TypoIndex(this.seen);
  }

  private canonical(tokens: string[]): string[] {
    return this.lexicon.phrases.rewrite(tokens);
  }

  private words(text: string): string[] {
    return this.lexicon.split.rejoin(segment(this.lexicon.thai.rewrite(normalise(text))));
  }

  /** English words are stemmed (shows -> show) unless the lexicon names them itself. */
  private stem(token: string): string {
    return /^[a-z]{4,}$/.test(token) && !this.lexicon.known.has(token) ? stemmer(token) : token;
  }

  /** Content tokens for indexing knowledge-base text (no typo correction). */
  indexTokens(text: string): string[] {
    const toks = this.canonical(this.words(text));
    toks.forEach((t) => this.seen.add(t));
    return toks.filter((t) => !this.lexicon.stopwords.has(t)).map((t) => this.stem(t));
  }

  /** A word of the lexicon's connectionWords ("หลุด", "เชื่อม", "expired"), as the seller wrote it. */
  private saysConnection(squeezed: string, words: ReadonlySet<string>): boolean {
    const { thai, latin } = this.lexicon.connectionWords;
    return thai.some((w) => squeezed.includes(w)) || [...words].some((t) => latin.has(t));
  }

  analyse(text: string): Analysis {
    const lex = this.lexicon;
    const normalised = normalise(text);
    const raw = lex.split.rejoin(segment(lex.thai.rewrite(normalised)));
    const corrections: { from: string; to: string }[] = [];
    const fixed = raw.map((t) => {
      const to = this.correct(t);
      if (to !== t) corrections.push({ from: t, to });
      return to;
    });
    const tokens = this.canonical(fixed);
    const content = this.withoutCalledName(tokens.filter((t) => !lex.stopwords.has(t)).map((t) => this.stem(t)), normalised);

    const platforms = [...new Set(tokens.filter((t) => lex.platformTokens.has(t)) as Platform[])];
    const errorCodes = this.findErrorCodes(content, raw);
    const squeezed = normalised.replace(/[\s_]/g, '');
    // As the seller wrote it: the lexicon rewrites some Thai words into English ones (พนักงาน,
    // the seller's own staff, becomes "admin").
    const words = new Set(normalised.split(' '));
    const spaced = ` ${normalised} `;
    const said = (l: WordList) => saysIn(l, { latin: words, spaced, thai: raw, squeezed });
    // A problem word counts anywhere in a Thai run, however the splitter cut it ("ไม่ได้ช่วย…").
    const saidAnywhere = (l: WordList) => said(l) || [...l.thaiWords].some((w) => squeezed.includes(w));
    const { expiresSomethingElse, connectionWord, aboutAConnection } = connectionOf(lex, { said, saidAnywhere }, { errorCodes, platforms, tokens }, this.saysConnection(squeezed, words));
    const { reportsProblem, asksAbility, otherChannel, asksCapability, asksOrdersOnly } = askingOf(lex, { said, saidAnywhere }, errorCodes, platforms, content);
    // "หวัดดีค่า แอดมิน", "hi admin": a greeting that calls support by name asks for nobody yet
    // ("hello, human please" asks: no one is greeted as "human").
    const greetsPerson = this.greetsAdmin(tokens, words) && !said(lex.handoverAsks);
    const handover = asksForPerson(lex, { normalised, raw, content, errorCodes, squeezed, greetsPerson });

    // Without a problem, a connection, a question or a request, thanks may come with a few words.
    const mayClose = !aboutAConnection && !reportsProblem && !handover && !text.includes('?') && !said(lex.questionWords);
    // "ร้าน lazada เชื่อมได้ปกติแล้ว ขอบคุณมากค่ะ", "ok reconnect ได้แล้ว ขอบคุณครับ": the store works
    // again, with thanks and no "not", "still" or "but": a closing, however it names the store.
    const fixedWithThanks = !handover && !text.includes('?') && errorCodes.length === 0 && said(lex.workingWords) && !saidAnywhere(lex.negations);
    const smallTalk = greetsPerson ? 'greeting' : this.smallTalkOf(tokens, content, squeezed, { mayClose, fixedWithThanks });

    return {
      text,
      normalised,
      tokens,
      content,
      corrections,
      platforms,
      errorCodes,
      handover,
      aboutAConnection,
      connectionWord,
      expiresSomethingElse,
      asksCapability,
      asksOrdersOnly,
      weighsAlternatives: said(lex.eitherWords),
      otherChannel,
      saysExpired: !expiresSomethingElse && saidAnywhere(lex.expiryWords),
      saysItWorked: saidAnywhere(lex.successWords) && !saidAnywhere(lex.failureWords),
      asksAbility,
      reportsProblem,
      smallTalk,
      greets: tokens.length > 0 && lex.greetings.has(tokens[0]!),
      noise: normalised.replace(/[\s_]/g, '') === '',
    };
  }

  /**
   * Small talk only when nothing but greetings, thanks, goodbyes and filler is left ("thanks, bye"
   * is a goodbye), or a closing: thanks or goodbye with a few words of its own when `mayClose`
   * ("ขอบคุณค่ะ เดี๋ยวลองดู", "เจอแล้ว ขอบคุณค่ะ", "ok i'll ask him, bye").
   */
  private smallTalkOf(tokens: string[], content: string[], squeezed: string, closes: { mayClose: boolean; fixedWithThanks: boolean }): Analysis['smallTalk'] {
    const lex = this.lexicon;
    const isGreeting = (t: string) => lex.greetings.has(t);
    const isThanksProper = (t: string) => lex.thanks.has(t);
    const isThanks = (t: string) => isThanksProper(t) || lex.acknowledgements.has(t);
    const isGoodbye = (t: string) => lex.goodbyes.has(t);
    const isApology = (t: string) => lex.apologies.has(t);
    // An entry of several words ("ลาก่อน" is ลา + ก่อน, "see you") is the content words left
    // together, or the whole message; so is an entry whose second half is filler (หวัด|ดี, and
    // ดี is a stopword: "หวัดดีค่ะ" left หวัด alone, read as an off-topic word).
    const any = (t: string) => isGreeting(t) || isThanks(t) || isGoodbye(t) || isApology(t);
    const halves = splitSmallTalk(tokens, any).smallTalk.filter((t) => !tokens.includes(t));
    const pieces = new Set(tokens.filter((t, i) => halves.includes(t + (tokens[i + 1] ?? '')) || halves.includes((tokens[i - 1] ?? '') + t)));
    const split = splitSmallTalk(content.filter((t) => !pieces.has(t)), any);
    const left = split.left;
    const smallTalk = [...split.smallTalk, ...halves];
    const rest = left.join('');
    const says = (is: (t: string) => boolean) => tokens.some(is) || smallTalk.some(is) || is(squeezed) || is(rest);
    const closing = (closes.mayClose && left.length <= CLOSING_WORDS && (says(isThanksProper) || says(isGoodbye))) || (closes.fixedWithThanks && says(isThanksProper));
    if (!(rest === '' || any(rest) || any(squeezed) || closing)) return null;
    if (says(isGoodbye)) return 'goodbye';
    if (says(isThanks)) return 'thanks';
    if (says(isGreeting)) return 'greeting';
    return says(isApology) ? 'apology' : null;
  }

  /**
   * "แอดมินคะ ต่ออายุร้านค้ายังไง", "สวัสดีครับแอดมิน ร้าน shopee หลุด": support called by name
   * before the problem is no word of the problem.
   */
  private withoutCalledName(content: string[], normalised: string): string[] {
    const at = content.indexOf('admin');
    if (at < 0 || at > 1 || content.length <= at + 1 || !this.opensCallingAdmin(normalised)) return content;
    return content.filter((_t, i) => i !== at);
  }

  /** The message opens with support's name, after a greeting or none ("สวัสดีค่ะแอดมิน", "admin, …"). */
  private opensCallingAdmin(normalised: string): boolean {
    const squeezed = normalised.replace(/[\s_]/g, '');
    const greeting = [...this.lexicon.greetings].filter((g) => g.length > 1 && squeezed.startsWith(g)).sort((x, y) => y.length - x.length)[0] ?? '';
    const rest = squeezed.slice(greeting.length).replace(/^(ค่ะ|คะ|ครับ|คับ|จ้า|ค่า)/u, '');
    return VOCATIVES.some((v) => rest.startsWith(v));
  }

  /** A greeting (its first word, or first two run together: หวัด|ดี), then only "admin" and particles. */
  private greetsAdmin(tokens: string[], words: ReadonlySet<string>): boolean {
    const g = this.lexicon.greetings;
    const skip = g.has(tokens[0] ?? '') ? 1 : tokens.length > 1 && g.has(tokens[0]! + tokens[1]!) ? 2 : 0;
    if (skip === 0 || PLEASE.some((w) => words.has(w))) return false;
    const rest = tokens.slice(skip).filter((t) => !this.lexicon.stopwords.has(t));
    return rest.length > 0 && rest.every((t) => t === 'admin');
  }

  /** Typo lookups are the costly part of analysing; words repeat a lot across messages. */
  private readonly corrected = new BoundedCache<string, string>(20000);
  private readonly compactHits = new BoundedCache<string, string | null>(20000);

  private correct(token: string): string {
    let hit = this.corrected.get(token);
    if (hit === undefined) {
      hit = this.correctUncached(token);
      this.corrected.set(token, hit);
    }
    return hit;
  }

  private correctUncached(token: string): string {
    const lex = this.lexicon;
    if (lex.known.has(token) || lex.phrases.has(token) || this.seen.has(token)) return token;
    if (!/^[a-z]{4,}$/.test(token) || isCommonEnglishWord(token)) return token;
    const p = this.platformFuse.search(token, { limit: 1 })[0];
    if (p && (p.score ?? 1) <= 0.25 && Math.abs(p.item.spelling.length - token.length) <= 2) return p.item.platform;
    return this.typos?.correct(token) ?? token;
  }

  private findErrorCodes(content: string[], raw: string[]): string[] {
    const found = new Set<string>();
    for (const p of this.errorPatterns) {
      if (containsInOrder(content, p.tokens, p.tokens.length + 2)) found.add(p.code);
    }
    for (const t of raw) {
      if (t.length < 8 || !/^[a-z0-9]+$/.test(t)) continue;
      let code = this.compactHits.get(t);
      if (code === undefined) {
        const hit = this.errorCompact.search(t, { limit: 1 })[0];
        // Fuse also finds the token inside a longer key (woocommerce in woocommercerestcannotview).
        code = hit && (hit.score ?? 1) <= 0.2 && Math.abs(hit.item.key.length - t.length) <= 2 ? hit.item.code : null;
        this.compactHits.set(t, code);
      }
      if (code) found.add(code);
    }
    return [...found];
  }
}

/**
 * Whether a message speaks of a store's connection. A coupon that expired, or a printer that will
 * not connect, is none, whatever platform it is on: its "expired" or "connect" is no connection
 * word, unless a store, a platform (for the printer) or an error code is named too.
 */
function connectionOf(
  lex: CompiledLexicon,
  says: { said: (l: WordList) => boolean; saidAnywhere: (l: WordList) => boolean },
  found: { errorCodes: string[]; platforms: Platform[]; tokens: string[] },
  saysConnection: boolean,
): Pick<Analysis, 'expiresSomethingElse' | 'connectionWord' | 'aboutAConnection'> {
  const { errorCodes, platforms, tokens } = found;
  const noCode = errorCodes.length === 0;
  const expiresSomethingElse = noCode && tokens.includes('expired') && says.said(lex.otherExpiries) && !says.said(lex.storeWords);
  const connectsSomethingElse = noCode && platforms.length === 0 && !tokens.includes('store') && says.saidAnywhere(lex.otherConnections);
  const connectionWord = !expiresSomethingElse && !connectsSomethingElse && (!noCode || saysConnection);
  return { expiresSomethingElse, connectionWord, aboutAConnection: (platforms.length > 0 || connectionWord) && !expiresSomethingElse };
}

/** Whether a message reports a fault, or asks whether something (a platform's connection) can be done. */
function askingOf(
  lex: CompiledLexicon,
  says: { said: (l: WordList) => boolean; saidAnywhere: (l: WordList) => boolean },
  errorCodes: string[],
  platforms: Platform[],
  content: string[],
): Pick<Analysis, 'reportsProblem' | 'asksAbility' | 'otherChannel' | 'asksCapability' | 'asksOrdersOnly'> {
  const reportsProblem = errorCodes.length > 0 || says.saidAnywhere(lex.problemWords);
  const asksAbility = says.said(lex.capabilityAsks) && !reportsProblem;
  const otherChannel = says.saidAnywhere(lex.otherChannels);
  const asksCapability = asksAbility && (platforms.length > 0 || content.includes('platform') || otherChannel);
  const asksOrdersOnly = errorCodes.length === 0 && platforms.length > 0 && content.includes('order') && says.said(lex.onlyWords) && !says.saidAnywhere(lex.expiryWords);
  return { reportsProblem, asksAbility, otherChannel, asksCapability, asksOrdersOnly };
}

/**
 * The small-talk words of a message and the words left. A small-talk word may come out in two
 * pieces, one of them a word of its own ("โอเค" is โอ|เค, and เค is an okay too): two pieces
 * that spell one are read as that one.
 */
function splitSmallTalk(content: string[], isSmallTalk: (t: string) => boolean): { left: string[]; smallTalk: string[] } {
  const left: string[] = [];
  const smallTalk: string[] = [];
  for (let i = 0; i < content.length; i++) {
    const two = i + 1 < content.length ? content[i]! + content[i + 1]! : '';
    if (two && isSmallTalk(two)) {
      smallTalk.push(two);
      i++;
    } else (isSmallTalk(content[i]!) ? smallTalk : left).push(content[i]!);
  }
  return { left, smallTalk };
}

/** True when `needle` appears in order inside `hay` within a window of `span` tokens. */
function containsInOrder(hay: string[], needle: string[], span: number): boolean {
  for (let start = 0; start < hay.length; start++) {
    if (hay[start] !== needle[0]) continue;
    let k = 1;
    for (let j = start + 1; j < hay.length && j < start + span && k < needle.length; j++) {
      if (hay[j] === needle[k]) k++;
    }
    if (k === needle.length) return true;
  }
  return false;
}
