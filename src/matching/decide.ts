import type { Topic } from '../knowledge/schema';
import type { Analysis } from './analyse';
import type { Candidate, Ranking } from './rank';

export type Decision = 'answer' | 'clarify' | 'escalate' | 'none';

export interface MatchResult {
  text: string;
  decision: Decision;
  topic: string | null;
  confidence: number;
  candidates: { topic: string; confidence: number }[];
  /** Why, in words, for the explain command and logs: put into words only when read. */
  why: string[];
  /** The answer's topic is for one platform and the message named none (e.g. OTP: which platform?). */
  platformUnconfirmed: boolean;
  /**
   * 'none' for a message about store connections that says too little to pick a topic ("can't
   * connect my store"): nearly every word is the knowledge base's, none points at one topic, and
   * it is far from the out-of-scope examples. The seller is asked for more, not told it is off-topic.
   */
  vague: boolean;
  /**
   * The message is far from the out-of-scope examples (other BigSeller questions): what is not
   * answered may still be about the seller's problem (vague, details, "tried 3 times already").
   */
  farFromOutOfScope: boolean;
}

/**
 * Thresholds of the decision. They work on evidence, not on one raw score:
 * how much of the message the topic explains, whether a distinctive word or an error code
 * backs it, and how far ahead it is of the best topic of another family.
 */
export const DECISION = {
  answerScore: 0.45,
  answerCoverage: 0.3,
  margin: 0.04,
  wholeCoverage: 0.7,
  /** Out-of-scope examples win when they come this close to the best phrasing of the topic. */
  offTopicSlack: 0.05,
  closePhrasing: 0.4,
  evidencePhrasing: 0.5,
  familyLead: 0.1,
  wideMargin: 0.12,
  clarifyScore: 0.32,
  clarifyCoverage: 0.34,
  clarifyWithin: 0.15,
  maxCandidates: 3,
  /** A vague message is at most this close to the out-of-scope examples (best-phrasing F). */
  vagueOutOfScope: 0.4,
};

export const CONTACT_TOPIC = 'contact-support';

export type DecisionOptions = typeof DECISION;

export function decide(a: Analysis, ranking: Ranking, topics: Map<string, Topic>, D: DecisionOptions = DECISION): MatchResult {
  const ranked = ranking.candidates;
  const base = { text: a.text, platformUnconfirmed: false, vague: false, farFromOutOfScope: ranking.outOfScope < D.vagueOutOfScope };
  const conf = (c: Candidate) => round(Math.min(1, c.score));
  const candidates = ranked.slice(0, D.maxCandidates).map((c) => ({ topic: c.topic, confidence: conf(c) }));

  if (a.handover) {
    return { ...base, decision: 'escalate', topic: CONTACT_TOPIC, confidence: 0.95, candidates, why: ['the seller asks for a person'] };
  }
  if (a.noise || a.content.length === 0 || a.smallTalk) {
    const what = a.smallTalk ?? (a.noise ? 'emoji, sticker or punctuation only' : 'no content words');
    return { ...base, decision: 'none', topic: null, confidence: 0.9, candidates: [], why: [`small talk or noise: ${what}`] };
  }
  const top = ranked[0];
  if (!top) {
    return { ...base, decision: 'none', topic: null, confidence: 0.9, candidates: [], why: ['no topic shares a word with the message'] };
  }

  const family = (id: string) => topics.get(id)?.specialises ?? id;
  const rival = ranked.find((c) => family(c.topic) !== family(top.topic));
  const margin = top.score - (rival?.score ?? 0);
  const byCode = top.reasons.some((r) => r.startsWith('error code'));
  // Within one family (general "expired" vs "Lazada tokens last 30 days") the specific article
  // must earn its place by a clear lead over the general one.
  let chosen = top;
  const parent = topics.get(top.topic)?.specialises;
  if (parent && !byCode) {
    const p = ranked.find((c) => c.topic === parent);
    const platforms = topics.get(top.topic)!.platforms;
    const ownPlatformNamed = platforms.includes('all') || platforms.some((pl) => a.platforms.includes(pl as never));
    if (p && (!ownPlatformNamed || top.score - p.score < D.familyLead)) chosen = p;
  }

  // Evidence that the message is really about this topic: an error code, a word few topics
  // use, or one of its phrasings saying nearly the same thing while the topic explains it all.
  // A message of one content word is backed by a phrasing only when the topic explains the whole
  // message: "ทำไงต่อ" (what next) shares ต่อ with half of "bigseller ต่อกับ woo ได้มั้ย" and is
  // not about supported platforms.
  const backs = (c: Candidate) =>
    c.distinctive.length > 0 ||
    (c.coverage >= D.wholeCoverage && c.bestPhrasing >= D.closePhrasing) ||
    (c.bestPhrasing >= D.evidencePhrasing && (a.content.length > 1 || c.coverage >= D.wholeCoverage));
  // A number alone ("ข้อ 2": the seller picking a choice) is no evidence, whatever phrasing has it.
  const onlyNumbers = top.matched.length > 0 && top.matched.every((t) => /^\d+$/.test(t));
  const evidence = byCode || (!onlyNumbers && (backs(top) || backs(chosen)));
  // An example of another BigSeller question is closer than any phrasing of the topic.
  const offTopic = !byCode && ranking.outOfScope + D.offTopicSlack >= top.bestPhrasing;
  // Put into words only when read (the explain command, tests): a turn never reads them, and
  // formatting them cost about a twentieth of a turn.
  const why = (...last: string[]) => (): string[] => [
    `top ${top.topic}: score ${round(top.score)}, covers ${pct(top.coverage)} of the message, best phrasing ${round(top.bestPhrasing)}`,
    `matched [${top.matched.join(', ')}], distinctive [${top.distinctive.join(', ')}]`,
    ...top.reasons,
    `closest out-of-scope example: ${round(ranking.outOfScope)}`,
    rival ? `runner-up of another family ${rival.topic}: score ${round(rival.score)}, margin ${round(margin)}` : 'no rival topic',
    ...last,
  ];

  const clarify = (among: Candidate[], reason: string) =>
    withWhy(
      { ...base, decision: 'clarify' as const, topic: null, confidence: round(Math.min(1, top.score) * 0.5), candidates: among.map((c) => ({ topic: c.topic, confidence: conf(c) })) },
      why(reason),
    );

  if (offTopic) {
    return withWhy(
      { ...base, decision: 'none', topic: null, confidence: round(Math.min(1, ranking.outOfScope)), candidates },
      why('none: the message is closer to a question the bot does not handle (out-of-scope examples)'),
    );
  }

  const strong = top.score >= D.answerScore && top.coverage >= D.answerCoverage;
  // Far ahead of every other family: a partly explained message is still clearly about it.
  const farAhead = top.coverage >= D.answerCoverage && top.score >= D.clarifyScore && margin >= D.wideMargin;
  // A platform's name alone ("woocommerce") says which store, not what is wrong: every article of
  // that platform explains it as well (it answered the permalinks one, whose phrasing
  // "woocommerce connection failed" is nearly the name alone). Which one is asked.
  const nameOnly = !byCode && a.platforms.length > 0 && a.content.length <= a.platforms.length;
  const sameName = nameOnly ? ranked.filter((c) => c.coverage >= D.wholeCoverage).slice(0, D.maxCandidates) : [];
  if (sameName.length >= 2) return clarify(sameName, "clarify: only a platform's name, which several of its articles explain as well");
  if (evidence && (byCode || strong || farAhead) && margin >= D.margin) {
    const topicDef = topics.get(chosen.topic);
    const platformUnconfirmed =
      !!topicDef && !topicDef.platforms.includes('all') && a.platforms.length === 0 && !byCode;
    return withWhy(
      {
        ...base,
        decision: 'answer',
        topic: chosen.topic,
        confidence: round(Math.min(1, chosen.score) * (0.6 + 0.4 * Math.min(1, margin / 0.3))),
        candidates,
        platformUnconfirmed,
      },
      why(...(chosen !== top ? [`${chosen.topic} is the general article of ${top.topic} and is as close`] : []), 'answer: enough evidence and a clear lead'),
    );
  }

  if (evidence && top.score >= D.clarifyScore && top.coverage >= D.clarifyCoverage) {
    const close = ranked
      .filter((c) => top.score - c.score <= D.clarifyWithin && c.distinctive.length + (c.reasons.length ? 1 : 0) > 0)
      .slice(0, D.maxCandidates);
    if (close.length >= 2 || !strong) return clarify(close, close.length >= 2 ? 'clarify: several topics are about as likely' : 'clarify: some evidence but not enough to answer');
  }

  const vague = !evidence && top.coverage >= D.wholeCoverage && base.farFromOutOfScope;
  return withWhy(
    { ...base, decision: 'none', topic: null, confidence: round(1 - Math.min(1, top.score)), candidates, vague },
    why(
      evidence ? 'none: too little of the message is explained' : 'none: no distinctive word or error code backs any topic',
      ...(vague ? ['vague: about store connections, but too little to pick a topic (ask for more)'] : []),
    ),
  );
}

/** `why` as a property that puts its lines into words the first time it is read. */
function withWhy<T extends Omit<MatchResult, 'why'>>(result: T, lines: () => string[]): T & { why: string[] } {
  let words: string[] | undefined;
  return Object.defineProperty(result, 'why', {
    get: () => (words ??= lines()),
    enumerable: true,
    configurable: true,
  }) as T & { why: string[] };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
