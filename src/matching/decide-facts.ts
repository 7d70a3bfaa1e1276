import { familyOf, type Topic } from '../knowledge/schema';
import type { Analysis } from './analyse';
import { EXPIRED_TOPIC, type DecisionOptions, type MatchResult } from './decision';
import type { Candidate, Ranking } from './rank';

/** What every decision rule may read: the message, its ranking, and what every result starts from. */
export interface Situation {
  analysis: Analysis;
  ranking: Ranking;
  topics: Map<string, Topic>;
  thresholds: DecisionOptions;
  /** The fields a rule's result starts from (and may override). */
  base: Pick<MatchResult, 'text' | 'platformUnconfirmed' | 'vague' | 'farFromOutOfScope'>;
  /** The best candidates, as a result lists them. */
  candidates: MatchResult['candidates'];
}

/** The facts about the best topic, which exist only when some topic shares a word with the message. */
export interface Lead extends Situation {
  top: Candidate;
  /** What an answer would give: the top, or its general article when the top has not earned its place. */
  chosen: Candidate;
  /** The best candidate of another family than the top's. */
  rival: Candidate | undefined;
  /** How far the top is ahead of the rival. */
  margin: number;
  /** The top is backed by an error code the message names. */
  byCode: boolean;
  /** Something beyond shared common words says the message is about the top. */
  evidence: boolean;
  /** An example of another BigSeller question is closer than any phrasing of the top. */
  offTopic: boolean;
  /** The top scores and explains enough of the message to answer on its own. */
  strong: boolean;
  /** Far ahead of every other family: a partly explained message is still clearly about it. */
  farAhead: boolean;
  /** For a message that is only a platform's name: the articles that explain it fully. */
  sameName: Candidate[];
  /** Candidates about as likely as the top that some evidence of their own backs. */
  close: Candidate[];
  /** A lost or expired connection said, and the article of that family that leads those that fit the store. */
  expiredLead: Candidate | undefined;
  /** The seller weighs two causes, the top's and the rival's, each named by words of its own. */
  torn: boolean;
}

export function situationOf(analysis: Analysis, ranking: Ranking, topics: Map<string, Topic>, thresholds: DecisionOptions): Situation {
  return {
    analysis,
    ranking,
    topics,
    thresholds,
    base: { text: analysis.text, platformUnconfirmed: false, vague: false, farFromOutOfScope: ranking.outOfScope < thresholds.vagueOutOfScope },
    candidates: listed(ranking.candidates.slice(0, thresholds.maxCandidates)),
  };
}

/** The lead of the ranking, or undefined when no topic shares a word with the message. */
export function leadOf(s: Situation): Lead | undefined {
  const { ranking, thresholds: D } = s;
  const top = ranking.candidates[0];
  if (!top) return undefined;
  const family = (id: string) => familyOf(s.topics, id);
  const rival = ranking.candidates.find((c) => family(c.topic) !== family(top.topic));
  const margin = top.score - (rival?.score ?? 0);
  const byCode = top.reasons.some((r) => r.startsWith('error code'));
  const chosen = byCode ? top : generalUnlessEarned(s, top);
  return {
    ...s,
    top,
    chosen,
    rival,
    margin,
    byCode,
    evidence: byCode || backedBeyondNumbers(s, top, chosen),
    offTopic: !byCode && ranking.outOfScope + D.offTopicSlack >= top.bestPhrasing,
    strong: top.score >= D.answerScore && top.coverage >= D.answerCoverage,
    farAhead: top.coverage >= D.answerCoverage && top.score >= D.clarifyScore && margin >= D.wideMargin,
    sameName: byCode ? [] : sameNameArticles(s),
    close: closeTo(s, top),
    expiredLead: expiredLeadOf(s),
    torn: tornBetween(s, top, rival, margin),
  };
}

function tornBetween(s: Situation, top: Candidate, rival: Candidate | undefined, margin: number): boolean {
  if (!s.analysis.weighsAlternatives || !rival || margin >= s.thresholds.wideMargin) return false;
  const ownOf = (a: Candidate, b: Candidate) => a.distinctive.some((w) => !b.matched.includes(w));
  return ownOf(top, rival) && ownOf(rival, top);
}

/**
 * Within one family (general "expired" vs "Lazada tokens last 30 days") the specific article
 * must earn its place by a clear lead over the general one.
 */
export function generalUnlessEarned(s: Situation, top: Candidate): Candidate {
  const topic = s.topics.get(top.topic);
  const parent = topic?.specialises;
  if (!topic || !parent) return top;
  const general = s.ranking.candidates.find((c) => c.topic === parent);
  const platforms = topic.platforms;
  const ownPlatformNamed = forNamedPlatform(topic, s.analysis);
  // "authorization expired … shopee": Shopee's yearly renewal and its timed-out page are as close
  // as each other; neither has earned its place over the general article.
  const samePlatforms = (t: Topic | undefined) => !!t && t.platforms.join() === platforms.join();
  const sibling = s.ranking.candidates.find((c) => c !== top && s.topics.get(c.topic)?.specialises === parent && samePlatforms(s.topics.get(c.topic)));
  const tiedWithSibling = !!sibling && top.score - sibling.score < s.thresholds.familyLead;
  return general && (!ownPlatformNamed || tiedWithSibling || top.score - general.score < s.thresholds.familyLead) ? general : top;
}

/** A topic for every platform, or for one the message names. */
export function forNamedPlatform(topic: Topic | undefined, a: Pick<Analysis, 'platforms'>): boolean {
  const platforms = topic?.platforms ?? [];
  return platforms.includes('all') || platforms.some((p) => a.platforms.includes(p as never));
}

/**
 * "ร้านหลุดค่ะ ต้องเชื่อมใหม่ยังไง", "เซ็งมากก ร้านหลุดทุกอาทิตย์ ช้อปปี้อะ": a lost or expired
 * connection said, and the first article that could fit the store (one for every platform, or
 * for the one named) is of the expired-connection family. An article for a platform the seller
 * did not name does not stand in the way when only words every store problem uses back it; one
 * backed by a word of its own does.
 */
function expiredLeadOf(s: Situation): Candidate | undefined {
  if (!s.analysis.saysExpired) return undefined;
  const inFamily = (c: Candidate) => familyOf(s.topics, c.topic) === EXPIRED_TOPIC;
  const first = s.ranking.candidates.find((c) => inFamily(c) || forNamedPlatform(s.topics.get(c.topic), s.analysis) || c.distinctive.length > 0);
  return first && inFamily(first) ? first : undefined;
}

/** A number alone ("ข้อ 2": the seller picking a choice) is no evidence, whatever phrasing has it. */
function backedBeyondNumbers(s: Situation, top: Candidate, chosen: Candidate): boolean {
  const onlyNumbers = top.matched.length > 0 && top.matched.every((t) => /^\d+$/.test(t));
  return !onlyNumbers && (backs(s, top) || backs(s, chosen));
}

/**
 * Evidence that the message is really about this topic: a word few topics use, or one of its
 * phrasings saying nearly the same thing while the topic explains it all. A message of one
 * content word is backed by a phrasing only when the topic explains the whole message:
 * "ทำไงต่อ" (what next) shares ต่อ with half of "bigseller ต่อกับ woo ได้มั้ย" and is not about
 * supported platforms.
 */
function backs(s: Situation, c: Candidate): boolean {
  const D = s.thresholds;
  return (
    c.distinctive.length > 0 ||
    (c.coverage >= D.wholeCoverage && c.bestPhrasing >= D.closePhrasing) ||
    (c.bestPhrasing >= D.evidencePhrasing && (s.analysis.content.length > 1 || c.coverage >= D.wholeCoverage))
  );
}

/**
 * A platform's name alone ("woocommerce") says which store, not what is wrong: every article of
 * that platform explains it as well (it answered the permalinks one, whose phrasing
 * "woocommerce connection failed" is nearly the name alone). Which one is asked.
 */
function sameNameArticles(s: Situation): Candidate[] {
  const a = s.analysis;
  // "woocommerce error": the word error with the name says no more than the name.
  const platforms = new Set<string>(a.platforms);
  const nameOnly = a.platforms.length > 0 && a.errorCodes.length === 0 && a.content.every((w) => platforms.has(w) || w === 'error');
  return nameOnly ? s.ranking.candidates.filter((c) => c.coverage >= s.thresholds.wholeCoverage).slice(0, s.thresholds.maxCandidates) : [];
}

function closeTo(s: Situation, top: Candidate): Candidate[] {
  return s.ranking.candidates
    .filter((c) => top.score - c.score <= s.thresholds.clarifyWithin && (c.distinctive.length + (c.reasons.length ? 1 : 0) > 0 || backs(s, c)))
    .slice(0, s.thresholds.maxCandidates);
}

export function listed(among: Candidate[]): MatchResult['candidates'] {
  return among.map((c) => ({ topic: c.topic, confidence: round(Math.min(1, c.score)) }));
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
