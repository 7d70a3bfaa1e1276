import type { Explained } from '../matching/matcher';
import { mentions, without } from './cues';
import type { TurnContext } from './turn-context';

/**
 * A message no dialog and no article answers: small talk, a filler to an open question (asked
 * again), too little to pick a topic (asked for more), or off-topic; two misses in a row bring
 * the hand-over offer.
 */
export class NoAnswer {
  constructor(private readonly t: TurnContext) {}

  nothing(m: Explained): void {
    const { analysis } = m;
    if (analysis.smallTalk === 'greeting') return this.t.welcome(false);
    if (analysis.smallTalk === 'thanks') return this.t.say(this.t.tr('smalltalk.thanks'), 'small-talk');
    if (analysis.smallTalk === 'goodbye') return this.t.say(this.t.tr('smalltalk.goodbye'), 'small-talk');
    if (analysis.noise) return this.t.say(this.t.tr('smalltalk.emoji'), 'small-talk');
    // "hmm" to a question with choices: the same question again, no miss.
    const awaiting = this.t.state.question?.kind;
    const withChoices = (awaiting === 'feedback' || awaiting === 'platform' || awaiting === 'clarify') && this.t.state.offered.length > 0;
    // "what now?", "แล้วต้องทำยังไงต่อคะ" at the hand-over offer or its summary: that question
    // again, the case kept (it was the menu, or "off-topic", and the offer's buttons were gone).
    const cues = this.t.cues(m.text);
    const whatNow = analysis.content.length === 0 || (mentions(cues, 'another-way') && this.t.saysNothing(without(cues, 'another-way')));
    const step = awaiting === 'handover' && whatNow ? this.t.state.draft?.step : undefined;
    if ((withChoices && analysis.content.length === 0) || step === 'offer' || step === 'confirm') return this.t.askAgain();
    // In the middle of a problem ("tried 3 times already" to "did you mean"), a message far from
    // the out-of-scope examples goes on with it: asked for more, not told it is off-topic.
    if (this.t.state.question && this.t.state.question.kind !== 'handover' && m.farFromOutOfScope) return this.t.dialogs.more.askForMore(m.text);
    // Nothing but particles and filler ("ครับ", "hmm"): not a question the bot failed, no miss.
    if (analysis.content.length === 0) return this.t.welcome(true);
    // A platform, an error code or a connection word ("ร้านหลุดอีกแล้ว!!! ระบบห่วยมาก", a long
    // story about the OTP): about the seller's store, so asked for more, never told off-topic.
    if (m.vague || analysis.aboutAConnection) return this.t.dialogs.more.askForMore(m.text);
    this.t.miss(() => this.t.offer(this.t.tr('offtopic'), this.t.menuChoices(), 'out-of-scope'));
  }
}
