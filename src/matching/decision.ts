/** What a match decides, and the thresholds it decides by (kept apart so the rules can share them). */

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
/** The general article of a lost or expired connection, whose family answers "ร้านหลุด". */
export const EXPIRED_TOPIC = 'connection-expired';
/** The article on which platforms can be connected: the answer to "can X be connected?". */
export const PLATFORMS_TOPIC = 'platforms-supported';

export type DecisionOptions = typeof DECISION;
