import type { KnowledgeBase } from '../knowledge/load';
import { Analyser, type Analysis } from './analyse';
import { DECISION, decide, type DecisionOptions, type MatchResult } from './decide';
import { compileLexicon } from './lexicon';
import { RANKING, TopicIndex, type Candidate, type RankingOptions } from './rank';

export type { MatchResult } from './decide';

export interface Explained extends MatchResult {
  analysis: Analysis;
  ranked: Candidate[];
  outOfScope: number;
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

  /** The words of a message (content words, platforms, codes, small talk) without ranking topics. */
  analyse(text: string): Analysis {
    return this.analyser.analyse(text);
  }

  explain(text: string): Explained {
    const analysis = this.analyser.analyse(text);
    const ranking = this.index.rank(analysis);
    // Added to decide's own object: a copy would read (and so put into words) its lazy `why`.
    return Object.assign(decide(analysis, ranking, this.kb.byId, { ...DECISION, ...this.options.decision }), {
      analysis,
      ranked: ranking.candidates,
      outOfScope: ranking.outOfScope,
    });
  }
}
