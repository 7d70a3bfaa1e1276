import type { Topic } from '../knowledge/schema';
import type { Analysis } from './analyse';
import { leadOf, situationOf } from './decide-facts';
import { DECISION_RULES } from './decide-rules';
import { DECISION, type DecisionOptions, type MatchResult } from './decision';
import type { Ranking } from './rank';

export { CONTACT_TOPIC, DECISION, type Decision, type DecisionOptions, type MatchResult } from './decision';

/** What to do with a message: the outcome of the first rule of DECISION_RULES that applies to it. */
export function decide(a: Analysis, ranking: Ranking, topics: Map<string, Topic>, D: DecisionOptions = DECISION): MatchResult {
  const situation = situationOf(a, ranking, topics, D);
  const lead = leadOf(situation);
  for (const rule of DECISION_RULES) {
    if (rule.reads === 'message') {
      if (rule.applies(situation)) return rule.outcome(situation);
    } else if (lead && rule.applies(lead)) {
      return rule.outcome(lead);
    }
  }
  throw new Error('no decision rule applies: the last rule must apply to every message with a lead');
}
