import type { KnowledgeBase } from '../knowledge/load';
import { familyOf, type Platform } from '../knowledge/schema';
import { Analyser, type Analysis } from './analyse';
import { DECISION, decide, type DecisionOptions, type MatchResult } from './decide';
import { forNamedPlatform } from './decide-facts';
import { CONTACT_TOPIC } from './decision';
import { compileLexicon, type CompiledLexicon } from './lexicon';
import { RANKING, TopicIndex, type Candidate, type RankingOptions } from './rank';

export type { MatchResult } from './decide';

export interface Explained extends MatchResult {
  analysis: Analysis;
  ranked: Candidate[];
  outOfScope: number;
  /** Answered by one sentence of a long message, not by the message as a whole: that sentence. */
  keySentence?: string;
}

/** The matcher: built once from the knowledge base, then `match` is pure and synchronous. */
export class Matcher {
  private readonly analyser: Analyser;
  private readonly index: TopicIndex;

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly options: { ranking?: Partial<RankingOptions>; decision?: Partial<DecisionOptions> } = {},
  ) {
    this.analyser = new Analyser(compileLexicon(kb.lexicon), kb.topics);
    const ranking = { ...RANKING, ...options.ranking };
    this.index = new TopicIndex(kb.topics, this.analyser, [...kb.outOfScope.th, ...kb.outOfScope.en], ranking);
    this.analyser.freezeVocabulary();
  }

  match(text: string): MatchResult {
    return this.explain(text);
  }

  /** The compiled lexicon the matcher reads with (its word lists). */
  get lexicon(): CompiledLexicon {
    return this.analyser.lexicon;
  }

  /** The words of a message (content words, platforms, codes, small talk) without ranking topics. */
  analyse(text: string): Analysis {
    return this.analyser.analyse(text);
  }

  explain(text: string): Explained {
    const whole = this.explainWhole(text);
    return this.keySentence(whole) ?? this.closingRequest(whole) ?? whole;
  }

  /**
   * A long story that ends asking for support ("ลองทำเองมาทั้งวันแล้ว … ไม่ไหวจริงๆ อยากให้
   * เจ้าหน้าที่ช่วยดูให้หน่อย มีช่องทางไหนติดต่อได้บ้างคะ"): its last clauses alone ask for a
   * person or for how to reach one, and that is the answer. With an error code in the story the
   * staff it names are more often the seller's own (the person request's rule says why).
   */
  private closingRequest(whole: Explained): Explained | undefined {
    const a = whole.analysis;
    if (whole.decision === 'answer' || whole.decision === 'escalate' || a.content.length < LONG_MESSAGE_WORDS || a.errorCodes.length > 0) return undefined;
    const parts = clausesOf(whole.text);
    for (let n = 1; n <= PIECE_CLAUSES && n < parts.length; n++) {
      const piece = this.explainWhole(parts.slice(-n).join(' '));
      const asks = piece.decision === 'escalate' || (piece.decision === 'answer' && piece.topic === CONTACT_TOPIC);
      if (asks) {
        return Object.assign({ ...whole, decision: piece.decision, topic: piece.topic, confidence: piece.confidence, candidates: piece.candidates }, {
          why: [`a long message that ends asking for support: "${piece.text}"`, ...piece.why],
        });
      }
    }
    return undefined;
  }

  private explainWhole(text: string): Explained {
    const analysis = this.analyser.analyse(text);
    const ranking = this.index.rank(analysis);
    // Added to decide's own object: a copy would read (and so put into words) its lazy `why`.
    return Object.assign(decide(analysis, ranking, this.kb.byId, { ...DECISION, ...this.options.decision }), {
      analysis,
      ranked: ranking.candidates,
      outOfScope: ranking.outOfScope,
    });
  }

  /**
   * A long story about a store ("สวัสดีค่ะ คือว่าเมื่อวานพยายามเชื่อมร้านช้อปปี้… รอตั้งนานไม่มีอะไรเข้า
   * มาเลย… ตอนนี้ออเดอร์ค้างเยอะมาก"), whose many words no article covers as a whole, is answered
   * by the sentence in it that one article answers: every piece of one to three clauses is
   * matched alone, and one topic (or family of topics) found in them is the answer. Pieces that
   * point at two problems leave the whole message's decision as it was.
   */
  private keySentence(whole: Explained): Explained | undefined {
    const a = whole.analysis;
    if (whole.decision === 'answer' || whole.decision === 'escalate' || !whole.farFromOutOfScope || a.content.length < LONG_MESSAGE_WORDS || !a.aboutAConnection) return undefined;
    // A piece read without the platform the message names may find another platform's article
    // ("ร้าน tiktok เชื่อมไม่ได้ ขึ้น error แปลกๆ": Lazada's error): only pieces that fit it count.
    const pieces = this.answeringPieces(whole.text).filter((p) => a.platforms.length === 0 || forNamedPlatform(this.kb.byId.get(p.topic!), a));
    if (pieces.length === 0) return undefined;
    const found = pieces.reduce((best, p) => (p.confidence > best.confidence ? p : best));
    // Pieces that point at two problems leave the decision as it was, unless one is far surer
    // ("…เชื่อมกับ bigseller ของตัวเอง" half-matched the supported platforms, "มันขึ้นว่าร้านนี้เชื่อม
    // กับบัญชีอื่นอยู่" is the error itself).
    const family = familyOf(this.kb.byId, found.topic!);
    const rival = Math.max(0, ...pieces.filter((p) => familyOf(this.kb.byId, p.topic!) !== family).map((p) => p.confidence));
    if (rival > 0 && found.confidence - rival < PIECE_LEAD) return undefined;
    return Object.assign({ ...whole, decision: 'answer' as const, topic: found.topic, confidence: found.confidence, candidates: found.candidates, platformUnconfirmed: found.platformUnconfirmed && a.platforms.length === 0, keySentence: found.text }, {
      why: [`a long message; its sentence "${found.text}" answers it`, ...found.why],
    });
  }

  /**
   * The problems a message names store by store ("ร้าน shopee หมดอายุ แล้ว lazada ขึ้น
   * INTERNAL_DATA_ERROR ด้วยค่ะ"): for each platform, the surest article of a piece that names
   * that platform alone and a problem. Empty unless two platforms have one each.
   */
  problemsByPlatform(text: string): { platform: Platform; topic: string }[] {
    if (this.analyser.analyse(text).platforms.length < 2) return [];
    const best = new Map<Platform, Explained>();
    for (const piece of this.pieces(text)) {
      const pa = piece.analysis;
      const platform = pa.platforms.length === 1 ? pa.platforms[0]! : undefined;
      if (!platform || piece.decision !== 'answer' || !(pa.reportsProblem || pa.errorCodes.length > 0)) continue;
      if (!forNamedPlatform(this.kb.byId.get(piece.topic!), pa)) continue;
      if ((best.get(platform)?.confidence ?? 0) < piece.confidence) best.set(platform, piece);
    }
    return best.size < 2 ? [] : [...best].map(([platform, m]) => ({ platform, topic: m.topic! }));
  }

  /** The pieces of a message (one to three clauses in a row) that speak of a problem and get an answer alone. */
  private answeringPieces(text: string): Explained[] {
    // A piece speaks of a problem itself ("รอตั้งนานไม่มีอะไรเข้ามาเลย"), not a word of settings.
    return this.pieces(text).filter((p) => p.decision === 'answer' && p.topic && p.analysis.content.length >= PIECE_WORDS && (p.analysis.reportsProblem || p.analysis.connectionWord));
  }

  /** Every run of one to PIECE_CLAUSES clauses of a message, matched alone. */
  private pieces(text: string): Explained[] {
    const parts = clausesOf(text);
    const out: Explained[] = [];
    for (let i = 0; i < parts.length; i++) {
      for (let n = 1; n <= PIECE_CLAUSES && i + n <= parts.length; n++) out.push(this.explainWhole(parts.slice(i, i + n).join(' ')));
    }
    return out;
  }
}

/** A message of at least this many content words may hide its problem in one sentence. */
const LONG_MESSAGE_WORDS = 8;
/** A piece with fewer content words says too little to answer a whole story. */
const PIECE_WORDS = 3;
/** How much surer the best piece must be than one pointing at another problem to answer alone. */
const PIECE_LEAD = 0.4;
/** The pieces matched alone: one to this many clauses in a row. */
const PIECE_CLAUSES = 3;

/** Sentences, and their clauses: in Thai those sellers separate with spaces, in English with commas. */
function clausesOf(text: string): string[] {
  const out: string[] = [];
  for (const sentence of text.split(/(?<=[.!?])\s+|\n+/u)) {
    const s = sentence.trim();
    if (!s) continue;
    if (/[\u0E00-\u0E7F]/u.test(s)) out.push(...s.split(/\s+/u));
    else out.push(...s.split(/,\s+/u));
  }
  return out;
}
