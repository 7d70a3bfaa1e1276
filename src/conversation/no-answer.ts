import { PLATFORM_NAMES } from '../knowledge/schema';
import type { Explained } from '../matching/matcher';
import { mentions, without } from './cues';
import { onlySays } from './replies';
import type { TurnContext } from './turn-context';

/**
 * A connection word, or a fault of the store itself ("my store shows error, what's wrong?"):
 * about the seller's store, whatever article it fits.
 */
export function saysStoreFault(a: Explained['analysis']): boolean {
  return a.connectionWord || (a.reportsProblem && a.tokens.includes('store') && !a.expiresSomethingElse);
}

/** The line for each kind of small talk; a greeting gets the welcome instead. */
const SMALL_TALK = { thanks: 'smalltalk.thanks', goodbye: 'smalltalk.goodbye', apology: 'smalltalk.apology' } as const;

/**
 * A message no dialog and no article answers: small talk, a filler to an open question (asked
 * again), too little to pick a topic (asked for more), or off-topic; two misses in a row bring
 * the hand-over offer.
 */
export class NoAnswer {
  constructor(private readonly t: TurnContext) {}

  nothing(m: Explained): void {
    if (this.smallTalk(m)) return;
    if (this.fillerToTheQuestion(m)) return this.t.askAgain();
    const { analysis } = m;
    // In the middle of a problem ("tried 3 times already" to "did you mean"), a message far from
    // the out-of-scope examples goes on with it: asked for more, not told it is off-topic.
    const open = this.t.state.question;
    if (this.goesOnWithTheProblem(m)) return this.t.dialogs.more.askForMore(m.text);
    // Nothing but particles and filler ("ครับ", "hmm"): not a question the bot failed, no miss.
    if (analysis.content.length === 0) return this.t.welcome(true);
    // An error code or a connection word ("ร้านหลุดอีกแล้ว!!! ระบบห่วยมาก", a long story about the
    // OTP): about the seller's store, so asked for more, never told off-topic. A platform's name
    // alone is too, unless the message is close to the off-topic examples ("how do I run ads
    // on shopee"); a picture the seller sent is about the problem ("ตามรูปเลยค่ะ").
    // So is a fault of the store itself ("my store shows error, what's wrong?").
    const aboutTheStore = saysStoreFault(analysis) || (analysis.aboutAConnection && m.farFromOutOfScope) || this.refersToPicture(m.text);
    if (this.anotherPlatformsProblem(m)) return;
    if (m.vague || aboutTheStore) return this.t.dialogs.more.askForMore(m.text);
    // "สวัสดีจ้ะ ยายขายผ้าทอ": a greeting and a word about oneself, no question: welcomed, not turned away.
    if (analysis.greets && !open && m.farFromOutOfScope && !this.t.asks(m.text)) return this.t.welcome(false);
    this.t.miss(() => this.t.offer(this.t.tr('offtopic'), this.t.menuChoices(), 'out-of-scope'), true);
  }

  /**
   * "TikTok shop ไม่ส่ง otp ตอนเชื่อมร้าน": without its platform the problem has an article, but only
   * for another platform (the OTP one is Shopee's). No guide for this one, and support offered:
   * asking for more would find none.
   */
  private anotherPlatformsProblem(m: Explained): boolean {
    const a = m.analysis;
    const platform = a.platforms.length === 1 ? a.platforms[0]! : undefined;
    if (!platform || !a.reportsProblem || a.errorCodes.length > 0) return false;
    const without = this.t.ctx.matcher.explain(a.content.filter((w) => w !== platform).join(' '));
    const other = without.decision === 'answer' ? this.t.ctx.kb.byId.get(without.topic!) : undefined;
    if (!other || other.platforms.includes('all') || this.t.fitsPlatforms(other, [platform])) return false;
    this.t.memory.addPlatform(platform);
    this.t.say(this.t.tr('platform.noArticle', { platform: PLATFORM_NAMES[platform] }), 'no-article');
    this.t.dialogs.handover.handover('no-article-for-platform');
    return true;
  }

  private goesOnWithTheProblem(m: Explained): boolean {
    const open = this.t.state.question;
    return !!open && open.kind !== 'handover' && m.farFromOutOfScope && !(open.kind === 'feedback' && this.chatter(m));
  }

  /**
   * "วันนี้อากาศร้อนมากเลยนะคะ" (so hot today) while "did this fix it?" waits: no problem, no store,
   * nothing tried or still wrong, no question: chatter, not more about the problem. (Asked for
   * more, "hmm its weird" is the more the seller has.)
   */
  private chatter(m: Explained): boolean {
    const a = m.analysis;
    if (a.reportsProblem || a.aboutAConnection || a.errorCodes.length > 0 || this.t.asks(m.text)) return false;
    return !mentions(this.t.cues(m.text), 'tried', 'not-fixed', 'still', 'fixed', 'another-way', 'what-next', 'cant-find', 'negation', 'picture', 'reply-time');
  }

  /** "ตามรูปเลยค่ะ", "see the screenshot" after sending one. */
  private refersToPicture(text: string): boolean {
    return !!this.t.state.pictureAt && mentions(this.t.cues(text), 'picture');
  }

  private thanks(text: string): boolean {
    const reply = this.t.reply(text);
    return onlySays(reply, 'thanks', 'fixed', 'yes') && reply.acts.some((a) => a === 'thanks' || a === 'fixed');
  }

  private okayNeverMind(text: string): boolean {
    const reply = this.t.reply(text);
    return onlySays(reply, 'yes', 'cancel', 'later') && reply.acts.some((a) => a === 'cancel' || a === 'later');
  }

  /** A greeting, thanks, goodbye or emoji: answered in kind. */
  private smallTalk(m: Explained): boolean {
    const kind = m.analysis.smallTalk;
    if (kind === 'greeting') this.t.welcome(false);
    else if (kind === 'thanks' || kind === 'goodbye' || kind === 'apology') this.t.say(this.t.tr(SMALL_TALK[kind]), 'small-talk');
    else if (m.analysis.noise) this.t.say(this.t.tr('smalltalk.emoji'), 'small-talk');
    // "โอเคค่ะ ได้แล้วค่า ขอบคุณน้า" with no question open: thanks, not an off-topic question
    // (a bare "ค่ะ" is no thanks: it leaves the open question to be asked again).
    else if (this.thanks(m.text)) this.t.say(this.t.tr('smalltalk.thanks'), 'small-talk');
    // "โอเค งั้นไม่เป็นไรครับ" (okay, never mind then) with no question open: an okay, not off-topic.
    else if (this.okayNeverMind(m.text)) this.t.say(this.t.tr('smalltalk.okay'), 'small-talk');
    else return false;
    return true;
  }

  /**
   * "hmm" to a question with choices: the same question again, no miss. "what now?", "แล้วต้อง
   * ทำยังไงต่อคะ" at the hand-over offer or its summary: that question again, the case kept (it
   * was the menu, or "off-topic", and the offer's buttons were gone).
   */
  private fillerToTheQuestion(m: Explained): boolean {
    const empty = m.analysis.content.length === 0;
    const awaiting = this.t.state.question?.kind;
    if (awaiting === 'feedback' || awaiting === 'platform' || awaiting === 'clarify') return empty && this.t.state.offered.length > 0;
    if (awaiting !== 'handover') return false;
    const step = this.t.state.draft?.step;
    if (step !== 'offer' && step !== 'confirm') return false;
    const cues = this.t.cues(m.text);
    return empty || (mentions(cues, 'another-way', 'what-next') && this.t.saysNothing(without(cues, 'another-way', 'what-next')));
  }
}
