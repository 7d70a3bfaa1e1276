import type { Analysis } from './analyse';
import { generalUnlessEarned, listed, round, type Lead, type Situation } from './decide-facts';
import { CONTACT_TOPIC, PLATFORMS_TOPIC, type MatchResult } from './decision';
import type { Candidate } from './rank';

/**
 * One case of the decision. `reads` says what the rule needs: the message alone, or the facts
 * about the best topic, which exist only when some topic shares a word with the message.
 */
export type DecisionRule =
  | { name: string; reads: 'message'; applies: (s: Situation) => boolean; outcome: (s: Situation) => MatchResult }
  | { name: string; reads: 'lead'; applies: (l: Lead) => boolean; outcome: (l: Lead) => MatchResult };

/**
 * The cases of the decision, tried in this order: the first that applies builds the result, so
 * each rule may assume that none above it applied. The last applies to every message with a lead.
 */
export const DECISION_RULES: readonly DecisionRule[] = [
  { name: 'asks for a person', reads: 'message', applies: (s) => s.analysis.handover, outcome: handOver },
  { name: 'small talk or noise', reads: 'message', applies: (s) => isSmallTalkOrNoise(s.analysis), outcome: smallTalkOrNoise },
  { name: 'no topic shares a word', reads: 'message', applies: (s) => s.ranking.candidates.length === 0, outcome: noTopic },
  // "ไลน์ช้อปปิ้งเชื่อมได้ยังคะ อยากเอาออเดอร์เข้ามารวมกัน": whether X can be *connected* is in scope,
  // however close the rest comes to an off-topic example (merging orders).
  { name: 'asks whether a platform can be connected, in so many words', reads: 'lead', applies: (l) => asksToConnect(l.analysis) && !namesAnotherSubject(l), outcome: platformsSupported },
  // "ผูก Line shopping แล้ว ทำไมแก้ stock ไม่ได้ มีแค่ order อย่างเดียวหรอคะ": what the channel
  // does in BigSeller, however close its words about stock come to an off-topic example.
  { name: 'asks why a channel brings only its orders', reads: 'lead', applies: (l) => l.analysis.asksOrdersOnly, outcome: platformsSupported },
  // "ทำไมร้านขึ้นตัวแดงว่าหมดอายุ ยอดขายไม่ขึ้นในระบบเลย": a store's connection run out, whatever
  // else the message asks, is in scope however close its other words come to an off-topic example.
  { name: "a store's lost connection said, beside other questions", reads: 'lead', applies: (l) => l.offTopic && !!l.expiredLead && namesTheStore(l.analysis), outcome: expiredFamily },
  { name: 'closer to an out-of-scope example', reads: 'lead', applies: (l) => l.offTopic, outcome: outOfScope },
  // "OTP ตอนล็อกอินเข้า bigseller ไม่เข้าอีเมล": BigSeller's own sign-in, no store or connection in it.
  { name: "BigSeller's own sign-in", reads: 'lead', applies: (l) => signsInToBigSeller(l.analysis), outcome: outOfScope },
  // "คูปองส่วนลดหมดอายุ", "my vouchers expired": expired, but not a store's connection.
  { name: 'the expiry of something other than a store', reads: 'lead', applies: (l) => l.analysis.expiresSomethingElse, outcome: outOfScope },
  { name: 'asks whether a platform can be connected', reads: 'lead', applies: (l) => l.analysis.asksCapability && !namesAnotherSubject(l), outcome: platformsSupported },
  { name: 'reports a fault, not a question of support', reads: 'lead', applies: (l) => l.chosen.topic === PLATFORMS_TOPIC && l.analysis.reportsProblem && l.analysis.platforms.length > 0, outcome: faultNotSupport },
  { name: "only a platform's name", reads: 'lead', applies: (l) => l.sameName.length >= 2, outcome: whichOfPlatform },
  // "ไม่รู้ว่าติดยืนยันตัวตนหรือว่า otp ไม่เข้า": the seller names two causes and asks which.
  { name: 'weighs two causes it names', reads: 'lead', applies: (l) => l.torn && l.close.length >= 2, outcome: whichOfClose },
  { name: 'evidence and a clear lead', reads: 'lead', applies: answerable, outcome: answer },
  { name: 'a lost connection said, and its articles lead', reads: 'lead', applies: (l) => !!l.expiredLead, outcome: expiredFamily },
  { name: 'some evidence, no clear winner', reads: 'lead', applies: clarifiable, outcome: whichOfClose },
  { name: 'not enough to answer', reads: 'lead', applies: () => true, outcome: notAnswered },
];

/**
 * A capability question with a connection word, or about a channel that is no supported platform
 * ("ต่อไอจีได้ไหมคะ ขายในอินสตาแกรมเป็นหลัก"): nothing else it could ask.
 */
function asksToConnect(a: Analysis): boolean {
  return a.asksCapability && (a.connectionWord || a.otherChannel);
}

/**
 * "ย้ายร้าน tiktok จาก bigseller account เก่ามา account ใหม่ได้ไหม" asks whether something can be
 * done with a TikTok shop, not whether TikTok can be connected: the best topic is backed by
 * distinctive words that the supported-platforms article does not explain (ย้าย, เก่า), so that
 * topic's question stands, when it scores enough to be offered at all (a word cut out of a
 * name the splitter does not know, อิน of อินสตาแกรม, is no subject).
 */
function namesAnotherSubject(l: Lead): boolean {
  if (l.top.topic === PLATFORMS_TOPIC || l.top.score < l.thresholds.clarifyScore) return false;
  const explained = new Set<string>([...l.analysis.platforms, ...(l.ranking.candidates.find((c) => c.topic === PLATFORMS_TOPIC)?.matched ?? [])]);
  return l.top.distinctive.some((w) => !explained.has(w));
}

/** Words of signing in to an account or signing up for one. */
const SIGN_IN = ['login', 'สมัคร', 'register', 'signup'];
/** Words of a store's connection (an OTP is one too, but BigSeller's sign-in sends codes of its own). */
const CONNECTING = ['connect', 'reconnect', 'authorize', 'sync', 'unbind'];

/** BigSeller and a sign-in named, and no store, platform, error code, connecting or expiry. */
function signsInToBigSeller(a: Analysis): boolean {
  const bare = !namesTheStore(a) && a.errorCodes.length === 0 && !a.tokens.some((t) => CONNECTING.includes(t)) && !a.saysExpired;
  return bare && a.tokens.includes('bigseller') && a.tokens.some((t) => SIGN_IN.includes(t));
}

/** The store itself named: a platform, or a word for the store ("ร้าน", "store"). */
function namesTheStore(a: Analysis): boolean {
  return a.platforms.length > 0 || a.tokens.includes('store');
}

function isSmallTalkOrNoise(a: Analysis): boolean {
  return a.noise || a.content.length === 0 || Boolean(a.smallTalk);
}

function answerable(l: Lead): boolean {
  return l.evidence && (l.byCode || l.strong || l.farAhead) && l.margin >= l.thresholds.margin;
}

/** Not answerable (the rule above), yet enough to offer a choice: several close topics, or a weak top. */
function clarifiable(l: Lead): boolean {
  const D = l.thresholds;
  return l.evidence && l.top.score >= D.clarifyScore && l.top.coverage >= D.clarifyCoverage && (l.close.length >= 2 || !l.strong);
}

/**
 * Too few words for a clear lead, but a lost or expired connection said and its family's article
 * leading those that fit the store (decide-facts.ts): that family's article.
 */
function expiredFamily(l: Lead): MatchResult {
  const lead = l.expiredLead!;
  const chosen = generalUnlessEarned(l, lead);
  return withWhy(
    { ...l.base, decision: 'answer', topic: chosen.topic, confidence: round(Math.min(1, chosen.score) * 0.6), candidates: l.candidates, platformUnconfirmed: false },
    reasons(l, `answer: a lost or expired connection is said and ${lead.topic}, of that family, leads the articles that fit`),
  );
}

function handOver(s: Situation): MatchResult {
  return { ...s.base, decision: 'escalate', topic: CONTACT_TOPIC, confidence: 0.95, candidates: s.candidates, why: ['the seller asks for a person'] };
}

function smallTalkOrNoise(s: Situation): MatchResult {
  const a = s.analysis;
  return noneWithoutCandidates(s, `small talk or noise: ${a.smallTalk ?? (a.noise ? 'emoji, sticker or punctuation only' : 'no content words')}`);
}

function noTopic(s: Situation): MatchResult {
  return noneWithoutCandidates(s, 'no topic shares a word with the message');
}

/** 'none' with no candidates to show: there is nothing of the knowledge base in the message. */
function noneWithoutCandidates(s: Situation, reason: string): MatchResult {
  return { ...s.base, decision: 'none', topic: null, confidence: 0.9, candidates: [], why: [reason] };
}

function outOfScope(l: Lead): MatchResult {
  return withWhy(
    { ...l.base, decision: 'none', topic: null, confidence: round(Math.min(1, l.ranking.outOfScope)), candidates: l.candidates },
    reasons(l, 'none: the message is closer to a question the bot does not handle (out-of-scope examples)'),
  );
}

function whichOfPlatform(l: Lead): MatchResult {
  return clarify(l, l.sameName, "clarify: only a platform's name, which several of its articles explain as well");
}

function whichOfClose(l: Lead): MatchResult {
  return clarify(l, l.close, l.close.length >= 2 ? 'clarify: several topics are about as likely' : 'clarify: some evidence but not enough to answer');
}

function clarify(l: Lead, among: Candidate[], reason: string): MatchResult {
  return withWhy(
    { ...l.base, decision: 'clarify' as const, topic: null, confidence: round(Math.min(1, l.top.score) * 0.5), candidates: listed(among) },
    reasons(l, reason),
  );
}

/** "woocommerce เชื่อมได้ไหมครับ": the supported platforms, whatever the platform's own articles score. */
function platformsSupported(l: Lead): MatchResult {
  const own = l.ranking.candidates.find((c) => c.topic === PLATFORMS_TOPIC);
  return {
    ...l.base,
    decision: 'answer',
    topic: PLATFORMS_TOPIC,
    confidence: round(Math.max(0.6, Math.min(1, own?.score ?? 0))),
    candidates: l.candidates,
    why: ['a question whether a platform can be connected (a capability word, no problem word): the supported platforms'],
  };
}

/**
 * "lazada connect ไม่ได้ ช่วยได้ไหม" reads like "can Lazada be connected?" to the ranking, but a
 * fault is reported: "did you mean" with the supported platforms last, or, with nothing else
 * ranked, a request for more.
 */
function faultNotSupport(l: Lead): MatchResult {
  const others = l.candidates.filter((c) => c.topic !== PLATFORMS_TOPIC);
  const support = l.candidates.filter((c) => c.topic === PLATFORMS_TOPIC);
  const why = 'a fault is reported (a problem word), not a question whether the platform is supported';
  if (others.length === 0) return withWhy({ ...l.base, decision: 'none', topic: null, confidence: round(1 - Math.min(1, l.top.score)), candidates: [], vague: true }, reasons(l, `none: ${why}`));
  return withWhy({ ...l.base, decision: 'clarify', topic: null, confidence: round(l.top.score), candidates: [...others, ...support] }, reasons(l, `clarify: ${why}`));
}

function answer(l: Lead): MatchResult {
  const { top, chosen, margin } = l;
  const general = chosen !== top ? [`${chosen.topic} is the general article of ${top.topic} and is as close`] : [];
  return withWhy(
    {
      ...l.base,
      decision: 'answer',
      topic: chosen.topic,
      confidence: round(Math.min(1, chosen.score) * (0.6 + 0.4 * Math.min(1, margin / 0.3))),
      candidates: l.candidates,
      platformUnconfirmed: platformUnconfirmed(l),
    },
    reasons(l, ...general, 'answer: enough evidence and a clear lead'),
  );
}

/** The article is for one platform and the message named none: the bot confirms which first. */
function platformUnconfirmed(l: Lead): boolean {
  const topicDef = l.topics.get(l.chosen.topic);
  return !!topicDef && !topicDef.platforms.includes('all') && l.analysis.platforms.length === 0 && !l.byCode;
}

function notAnswered(l: Lead): MatchResult {
  const vague = !l.evidence && l.top.coverage >= l.thresholds.wholeCoverage && l.base.farFromOutOfScope;
  return withWhy(
    { ...l.base, decision: 'none', topic: null, confidence: round(1 - Math.min(1, l.top.score)), candidates: l.candidates, vague },
    reasons(
      l,
      l.evidence ? 'none: too little of the message is explained' : 'none: no distinctive word or error code backs any topic',
      ...(vague ? ['vague: about store connections, but too little to pick a topic (ask for more)'] : []),
    ),
  );
}

/**
 * The lines of `why`, to be put into words only when read (the explain command, tests): a turn
 * never reads them, and formatting them cost about a twentieth of a turn.
 */
function reasons(l: Lead, ...last: string[]): () => string[] {
  const { top, rival, margin, ranking } = l;
  return () => [
    `top ${top.topic}: score ${round(top.score)}, covers ${pct(top.coverage)} of the message, best phrasing ${round(top.bestPhrasing)}`,
    `matched [${top.matched.join(', ')}], distinctive [${top.distinctive.join(', ')}]`,
    ...top.reasons,
    `closest out-of-scope example: ${round(ranking.outOfScope)}`,
    rival ? `runner-up of another family ${rival.topic}: score ${round(rival.score)}, margin ${round(margin)}` : 'no rival topic',
    ...last,
  ];
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

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
