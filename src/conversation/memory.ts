import { parseEmailAddress } from '../escalation/email-address';
import { PLATFORMS, type Platform, type Topic } from '../knowledge/schema';
import { DECISION } from '../matching/decide';
import type { KnowledgeBase } from '../knowledge/load';
import type { Explained } from '../matching/matcher';
import { topicsListingCode } from '../status/diagnose';
import { FIRST_WORDS } from './phrases';
import { onlySays } from './replies';
import type { TranscriptEntry } from './messages';
import type { Reply } from './replies';
import type { ConversationState } from './state';

/** What memory needs of the turn (the turn context gives it; declared here to keep imports one-way). */
export interface MemoryHost {
  readonly state: ConversationState;
  readonly at: string;
  readonly ctx: { kb: KnowledgeBase };
  reply(text: string): Reply;
  isButtonLabel(text: string): boolean;
}

/**
 * What the conversation remembers of the seller's problem across turns: platforms, error codes,
 * the articles' alternatives, the seller's first words about it; and forgetting it all when a
 * new problem starts.
 */
export class Memory {
  constructor(private readonly t: MemoryHost) {}

  /**
   * A message about the problem, for the hand-over's "in their own words" when the seller gives
   * no description: not a typed answer to a question ("ok", "ข้าม", "2"), a greeting or a bare
   * request for a person.
   */
  aboutTheProblem(redactedText: string, m: Explained): void {
    const a = m.analysis;
    // "what now?", "hmm": no word about the problem.
    if (a.smallTalk || a.noise || a.content.length === 0) return;
    if (m.decision === 'escalate' && a.platforms.length === 0 && a.errorCodes.length === 0) return;
    // An answer to a question ("ข้าม", "no", "ok") typed where none was asked: not the problem.
    if (onlySays(this.t.reply(redactedText), 'skip', 'yes', 'send', 'no', 'cancel', 'later', 'thanks', 'fixed', 'not-fixed')) return;
    const first = this.firstWords();
    if (first.length < FIRST_WORDS) first.push(redactedText);
  }  /** What the seller typed in their own words: not a button label, a note like "(sticker)" or an e-mail. */
  isOwnWords(e: TranscriptEntry): boolean {
    return e.from === 'user' && !e.pressed && !/^\(.*\)$/.test(e.text) && !this.t.isButtonLabel(e.text) && !parseEmailAddress(e.text);
  }  /** The first things the seller said about the problem (a state from before firstWords derives them from its transcript). */
  firstWords(): string[] {
    this.t.state.firstWords ??= this.t.state.transcript.filter((e) => this.isOwnWords(e)).map((e) => e.text).slice(0, FIRST_WORDS);
    return this.t.state.firstWords;
  }  remember(m: Explained): void {
    this.rememberEntities(m.analysis);
    // The next best articles are the matcher's close runners-up, those "did you mean" would offer;
    // one far behind shares a stray word ("never arrives": orders that never arrived after a
    // reconnect, for a Shopee OTP) and the article's own related ones come first.
    // A message that names no problem ("ไม่แน่ใจค่ะ" to the platform question) keeps the
    // runners-up of the one that did: its own are stray words' matches.
    if (m.decision !== 'answer' && m.decision !== 'clarify') return;
    const best = m.candidates[0]?.confidence ?? 0;
    this.t.state.alternatives = m.candidates.filter((c) => c.topic !== m.topic && c.confidence >= best - DECISION.clarifyWithin).map((c) => c.topic);
  }  /**
   * An article chosen by its button names what the seller sees: its error code, and its platform
   * when it has one (the menu's PASSWORD_NOT_MATCH is Lazada's). The hand-over mail said
   * "Platforms: none, error codes: none" for such a case.
   */
  rememberChosen(topic: Topic): void {
    const specific = topic.platforms.filter((p): p is Platform => p !== 'all');
    if (specific.length === 1) this.addPlatform(specific[0]!);
    if (topic.errorCodes.length === 1 && !this.t.state.errorCodes.includes(topic.errorCodes[0]!)) this.t.state.errorCodes.push(topic.errorCodes[0]!);
  }  rememberEntities(analysis: Explained['analysis']): void {
    for (const p of analysis.platforms) this.addPlatform(p);
    for (const c of analysis.errorCodes) {
      if (this.t.state.errorCodes.includes(c)) continue;
      this.t.state.errorCodes.push(c);
      // A code only one platform shows (PASSWORD_NOT_MATCH is Lazada's) names the platform too:
      // "this may be the cause instead" was otherwise any platform's article (Facebook's).
      const owners = new Set(topicsListingCode(this.t.ctx.kb, c).flatMap((t) => t.platforms));
      if (owners.size === 1) this.addPlatform([...owners][0]);
    }
  }  addPlatform(platform: string): void {
    if (PLATFORMS.includes(platform as Platform) && !this.t.state.platforms.includes(platform as Platform)) this.t.state.platforms.push(platform as Platform);
  }  /**
   * The problem is with support now: what comes next is another one. Its hand-over names only
   * its own platforms, codes, articles and words (a Shopee OTP case after a Lazada one was
   * mailed as "Lazada/Shopee INTERNAL_DATA_ERROR"), and its transcript starts here.
   */
  newProblem(): void {
    Object.assign(this.t.state, { tried: [], notFixed: [], alternatives: [], platforms: [], errorCodes: [], firstWords: [], screenshots: [], misses: 0 });
    this.t.state.topic = undefined;
    // From the next turn: this one's lines (the seller's "Send", the ticket number) were the last case's.
    this.t.state.startedAt = new Date(Date.parse(this.t.at) + 1).toISOString();
  }
}
