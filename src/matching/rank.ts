import type { Topic } from '../knowledge/schema';
import type { Analyser, Analysis } from './analyse';

/**
 * Ranking by weighted coverage. Each query token weighs its inverse document frequency over
 * topics (a word every topic uses says little). A topic scores by how much of the message's
 * weight it explains, both pooled over all its phrasings and for its single best phrasing
 * (F-measure, so a short phrasing that says exactly what the seller said ranks high).
 * Entities then steer: an error code listed by a topic is decisive, and a topic that is
 * specific to another platform than the one named is pushed down.
 */

export interface Candidate {
  topic: string;
  score: number;
  /** Share of the message's content weight this topic explains (0..1). */
  coverage: number;
  bestPhrasing: number;
  matched: string[];
  /** Matched tokens that few topics use: the evidence that this is really the subject. */
  distinctive: string[];
  reasons: string[];
}

export interface Ranking {
  candidates: Candidate[];
  /** How well the closest out-of-scope example matches the message (best-phrasing F, 0..1). */
  outOfScope: number;
}

interface PhrasingEntry {
  topic: number;
  tokens: Set<string>;
  weight: number;
}

export const RANKING = {
  /** Weight of the pooled topic coverage against the single best phrasing. */
  pooledShare: 0.5,
  /** Share of a topic's phrasings a word must appear in to count fully for the topic. */
  affinitySaturation: 0.15,
  /** Weight of a word the knowledge base never uses, relative to its rarest word. */
  unknownWordWeight: 0.5,
  errorCodeBonus: 0.6,
  platformMatchBonus: 0,
  platformMismatchFactor: 0.25,
  /**
   * A topic for one platform when the message names none: at equal evidence, the article for
   * every platform comes first ("store nickname already exists" is no TikTok second-shop case).
   */
  unnamedPlatformFactor: 0.93,
  /**
   * At most this many phrasings are looked at per query word (the shortest ones, where the word
   * weighs most): a word so common that it is in more says little, and the cap keeps the cost
   * of a query flat as the knowledge base grows.
   */
  postingCap: 200,
  /** Topics scored in full per query: the ones with the closest phrasings. */
  shortlist: 30,
  /** A word used by at most this share of topic families counts as distinctive evidence. */
  distinctiveShare: 0.3,
};
export type RankingOptions = typeof RANKING;

export class TopicIndex {
  readonly topics: Topic[];
  /** token -> (topic -> how characteristic the token is of the topic, 0..1). */
  private readonly affinity = new Map<string, Map<number, number>>();
  private readonly df = new Map<string, number>();
  private readonly postingsPhrasing = new Map<string, number[]>();
  /** Per-query scratch, reused (zeroed again after use): a query touches hundreds of phrasings. */
  private overlapBuf = new Float64Array(0);
  private touchedBuf = new Int32Array(0);
  private bestBuf = new Float64Array(0);
  private readonly phrasings: PhrasingEntry[] = [];
  private readonly topicsByCode = new Map<string, number[]>();
  private readonly oovWeight: number;
  readonly distinctiveDf: number;

  /** Index of the out-of-scope pseudo-document (after the real topics), when there is one. */
  private readonly outOfScopeIndex: number;

  constructor(
    topics: Topic[],
    analyser: Analyser,
    outOfScope: string[] = [],
    private readonly opts: RankingOptions = RANKING,
  ) {
    this.topics = topics;
    const phraseTokenSets: { topic: number; tokens: Set<string> }[] = [];
    // Document frequency counts families, not topics: "expired" is what the expired-connection
    // family is about, even though each of its specific articles uses the word too.
    const familiesOf = new Map<string, Set<string>>();
    const familyOf = (ti: number) => (ti < topics.length ? (topics[ti].specialises ?? topics[ti].id) : '(out-of-scope)');
    this.outOfScopeIndex = outOfScope.length > 0 ? topics.length : -1;
    const docs: { texts: string[]; extra: string[] }[] = topics.map((t) => ({
      texts: [t.th.title, t.en.title, ...t.th.symptoms, ...t.en.symptoms],
      extra: [
        ...[...t.errorCodes, ...t.errorAliases].flatMap((code) => analyser.indexTokens(code.replace(/_/g, ' '))),
        ...t.platforms.filter((p) => p !== 'all'),
      ],
    }));
    if (outOfScope.length > 0) docs.push({ texts: outOfScope, extra: [] });
    docs.forEach(({ texts, extra }, ti) => {
      const all = new Set<string>(extra);
      for (const text of texts) {
        const toks = new Set(analyser.indexTokens(text));
        if (toks.size === 0) continue;
        toks.forEach((x) => all.add(x));
        phraseTokenSets.push({ topic: ti, tokens: toks });
      }
      const counts = new Map<string, number>();
      let phrasingCount = 0;
      for (let k = phraseTokenSets.length - 1; k >= 0 && phraseTokenSets[k].topic === ti; k--) {
        phrasingCount++;
        for (const tok of phraseTokenSets[k].tokens) counts.set(tok, (counts.get(tok) ?? 0) + 1);
      }
      for (const tok of all) {
        let fams = familiesOf.get(tok);
        if (!fams) familiesOf.set(tok, (fams = new Set()));
        fams.add(familyOf(ti));
        // A word in one phrasing out of fifty says less about the topic than one in every third.
        const share = extra.includes(tok) ? 1 : (counts.get(tok) ?? 0) / Math.max(1, phrasingCount);
        let m = this.affinity.get(tok);
        if (!m) this.affinity.set(tok, (m = new Map()));
        m.set(ti, Math.sqrt(Math.min(1, share / opts.affinitySaturation)));
      }
    });
    for (const [tok, fams] of familiesOf) this.df.set(tok, fams.size);
    this.docCount = new Set(docs.map((_d, i) => familyOf(i))).size;
    const n = docs.length;
    this.oovWeight = this.idfOf(1) * opts.unknownWordWeight;
    this.distinctiveDf = Math.max(2, Math.floor(n * opts.distinctiveShare));
    for (const p of phraseTokenSets) {
      const idx = this.phrasings.length;
      let weight = 0;
      for (const tok of p.tokens) weight += this.weight(tok);
      this.phrasings.push({ topic: p.topic, tokens: p.tokens, weight });
      for (const tok of p.tokens) push(this.postingsPhrasing, tok, idx);
    }
    for (const [tok, list] of this.postingsPhrasing) {
      if (list.length <= opts.postingCap) continue;
      list.sort((x, y) => this.phrasings[x].weight - this.phrasings[y].weight);
      this.postingsPhrasing.set(tok, list.slice(0, opts.postingCap));
    }
    topics.forEach((t, ti) => t.errorCodes.forEach((c) => push(this.topicsByCode, c.toUpperCase(), ti)));
    this.overlapBuf = new Float64Array(this.phrasings.length);
    this.touchedBuf = new Int32Array(this.phrasings.length);
    this.bestBuf = new Float64Array(docs.length);
  }

  vocabulary(): IterableIterator<string> {
    return this.df.keys();
  }

  private readonly docCount: number;

  private idfOf(df: number): number {
    const n = this.docCount;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  weight(token: string): number {
    const df = this.df.get(token);
    return df === undefined ? this.oovWeight : this.idfOf(df);
  }

  isDistinctive(token: string): boolean {
    const df = this.df.get(token);
    return df !== undefined && df <= this.distinctiveDf;
  }

  rank(a: Analysis, limit = 10): Ranking {
    const words = [...new Set(a.content)];
    const weights = words.map((t) => this.weight(t));
    const total = weights.reduce((x, y) => x + y, 0);
    const codeTopics = new Set(a.errorCodes.flatMap((c) => this.topicsByCode.get(c) ?? []));
    if (total === 0 && codeTopics.size === 0) return { candidates: [], outOfScope: 0 };

    const q: Query = { analysis: a, words, weights, total, codeTopics };
    const reached = this.reachBestPhrasings(q);
    // Pooled coverage only for the topics whose phrasings come closest: it reorders, it does not discover.
    const best = this.bestBuf;
    const shortlist = reached.sort((x, y) => best[y] - best[x]).slice(0, this.opts.shortlist);
    const scored = this.score(q, new Set([...shortlist, ...codeTopics]));
    const candidates = scored.slice(0, limit).map((s) => this.candidate(q, s));
    const outOfScope = this.outOfScopeIndex >= 0 ? best[this.outOfScopeIndex] : 0;
    for (const ti of reached) best[ti] = 0;
    return { candidates, outOfScope };
  }

  /**
   * The best phrasing per topic (F-measure) into `bestBuf`, from the weighted overlap with each
   * phrasing that shares a word, accumulated in reused typed arrays (this is the hot path).
   * Returns the topics with a best phrasing, in the order first reached (ties keep it when
   * sorted); the caller zeroes their entries again.
   */
  private reachBestPhrasings(q: Query): number[] {
    const { words, weights } = q;
    const overlap = this.overlapBuf;
    const touched = this.touchedBuf;
    let touchedCount = 0;
    for (let wi = 0; wi < words.length; wi++) {
      const list = this.postingsPhrasing.get(words[wi]);
      if (!list) continue;
      for (let k = 0; k < list.length; k++) {
        const pi = list[k];
        if (overlap[pi] === 0) touched[touchedCount++] = pi;
        overlap[pi] += weights[wi];
      }
    }
    const best = this.bestBuf;
    const reached: number[] = [];
    for (let i = 0; i < touchedCount; i++) {
      const pi = touched[i];
      const p = this.phrasings[pi];
      const w = overlap[pi];
      overlap[pi] = 0;
      const recall = w / q.total;
      const precision = w / p.weight;
      const f = (2 * recall * precision) / (recall + precision);
      if (f > best[p.topic]) {
        if (best[p.topic] === 0) reached.push(p.topic);
        best[p.topic] = f;
      }
    }
    return reached;
  }

  /** The topics scored in full, best first (ties by topic order); the out-of-scope examples only measure closeness. */
  private score(q: Query, topics: Set<number>): Scored[] {
    const o = this.opts;
    const scored: Scored[] = [];
    for (const ti of topics) {
      if (ti === this.outOfScopeIndex) continue;
      let pooled = 0;
      for (let wi = 0; wi < q.words.length; wi++) pooled += q.weights[wi] * (this.affinity.get(q.words[wi])?.get(ti) ?? 0);
      const coverage = q.total > 0 ? pooled / q.total : 0;
      const bestPhrasing = this.bestBuf[ti];
      let score = o.pooledShare * coverage + (1 - o.pooledShare) * bestPhrasing;
      if (q.codeTopics.has(ti)) score += o.errorCodeBonus;
      const platform = this.platformFit(ti, q.analysis);
      if (platform === 'match') score += o.platformMatchBonus;
      else if (platform === 'mismatch') score *= o.platformMismatchFactor;
      else if (platform === 'unnamed') score *= o.unnamedPlatformFactor;
      scored.push({ ti, score, coverage, bestPhrasing });
    }
    return scored.sort((x, y) => y.score - x.score || x.ti - y.ti);
  }

  private candidate(q: Query, { ti, score, coverage, bestPhrasing }: Scored): Candidate {
    const a = q.analysis;
    const t = this.topics[ti];
    const reasons: string[] = [];
    if (q.codeTopics.has(ti)) reasons.push(`error code ${a.errorCodes.join(', ')} is listed by this topic`);
    const platform = this.platformFit(ti, a);
    if (platform === 'match') reasons.push(`platform ${a.platforms.join(', ')} matches`);
    else if (platform === 'mismatch') reasons.push(`topic is for ${t.platforms.join(', ')}, message names ${a.platforms.join(', ')}`);
    const matched = q.words.filter((w) => this.affinity.get(w)?.has(ti));
    return { topic: t.id, score, coverage, bestPhrasing, matched, distinctive: matched.filter((m) => this.isDistinctive(m)), reasons };
  }

  /** How the topic's platforms fit the message's: 'neutral' when the topic is for all, 'unnamed' when the message names none. */
  private platformFit(ti: number, a: Analysis): 'match' | 'mismatch' | 'unnamed' | 'neutral' {
    const platforms = this.topics[ti].platforms;
    if (platforms.includes('all')) return 'neutral';
    if (a.platforms.length === 0) return 'unnamed';
    return platforms.some((p) => a.platforms.includes(p as never)) ? 'match' : 'mismatch';
  }
}

/** One message as the ranking reads it. */
interface Query {
  analysis: Analysis;
  /** Its distinct content words, in order. */
  words: string[];
  /** The weight of each word, by position. */
  weights: number[];
  /** The sum of the weights. */
  total: number;
  /** Topics that list an error code the message names. */
  codeTopics: Set<number>;
}

interface Scored {
  ti: number;
  score: number;
  coverage: number;
  bestPhrasing: number;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
