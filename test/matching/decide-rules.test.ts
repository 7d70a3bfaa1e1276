import type { Topic } from '../../src/knowledge/schema';
import type { Analysis } from '../../src/matching/analyse';
import { decide } from '../../src/matching/decide';
import { DECISION_RULES } from '../../src/matching/decide-rules';
import type { Candidate } from '../../src/matching/rank';

// Hand-made analyses and rankings reach the rows that no labelled message reaches today.
const analysis = (over: Partial<Analysis> = {}): Analysis => ({
  text: 'message',
  normalised: 'message',
  tokens: ['a', 'b'],
  content: ['a', 'b'],
  corrections: [],
  platforms: [],
  errorCodes: [],
  handover: false,
  aboutAConnection: true,
  asksCapability: false,
  asksOrdersOnly: false,
  weighsAlternatives: false,
  otherChannel: false,
  saysExpired: false,
  saysItWorked: false,
  asksAbility: false,
  reportsProblem: false,
  connectionWord: true,
  expiresSomethingElse: false,
  smallTalk: null,
  greets: false,
  noise: false,
  ...over,
});
const candidate = (topic: string, score: number, over: Partial<Candidate> = {}): Candidate => ({
  topic,
  score,
  coverage: 0.5,
  bestPhrasing: 0.6,
  matched: ['a'],
  distinctive: [],
  reasons: [],
  ...over,
});
const topics = new Map(['t1', 't2'].map((id) => [id, { id, platforms: ['all'] } as unknown as Topic]));

describe('decision rules', () => {
  it('are tried in this order, the catch-all last', () => {
    expect(DECISION_RULES.map((r) => r.name)).toEqual([
      'asks for a person',
      'small talk or noise',
      'no topic shares a word',
      'asks whether a platform can be connected, in so many words',
      'asks why a channel brings only its orders',
      "a store's lost connection said, beside other questions",
      'closer to an out-of-scope example',
      "BigSeller's own sign-in",
      'the expiry of something other than a store',
      'asks whether a platform can be connected',
      'reports a fault, not a question of support',
      "only a platform's name",
      'weighs two causes it names',
      'evidence and a clear lead',
      'a lost connection said, and its articles lead',
      'some evidence, no clear winner',
      'not enough to answer',
    ]);
  });

  it('hands over before it looks at noise or topics', () => {
    const r = decide(analysis({ handover: true, noise: true, content: [] }), { candidates: [], outOfScope: 0 }, topics);
    expect(r).toMatchObject({ decision: 'escalate', topic: 'contact-support', candidates: [] });
  });

  it('asks back on a weak top that only its own distinctive word backs', () => {
    // t1 leads t2 by 0.05: a margin, but neither strong (score < 0.45) nor far ahead (< 0.12).
    // t2 has no evidence of its own: no distinctive word, no phrasing close to the message.
    const ranking = { candidates: [candidate('t1', 0.4, { distinctive: ['a'] }), candidate('t2', 0.35, { bestPhrasing: 0.3 })], outOfScope: 0 };
    const r = decide(analysis(), ranking, topics);
    expect(r).toMatchObject({ decision: 'clarify', topic: null, confidence: 0.2, candidates: [{ topic: 't1', confidence: 0.4 }] });
    expect(r.why[r.why.length - 1]).toBe('clarify: some evidence but not enough to answer');
  });

  it('asks "did you mean" between two strong rivals that whole phrasings back, neck and neck, with no distinctive word', () => {
    // "ร้านหลุด ต้องเชื่อมใหม่ยังไง": two articles of different families explain the whole message
    // with close phrasings, 0.03 apart (under the margin). Not a request for more: a choice.
    const whole = { coverage: 0.85, bestPhrasing: 0.7 };
    const ranking = { candidates: [candidate('t1', 0.8, whole), candidate('t2', 0.77, whole)], outOfScope: 0 };
    const r = decide(analysis(), ranking, topics);
    expect(r).toMatchObject({ decision: 'clarify', topic: null, candidates: [{ topic: 't1' }, { topic: 't2' }] });
    expect(r.why[r.why.length - 1]).toBe('clarify: several topics are about as likely');
  });
});
