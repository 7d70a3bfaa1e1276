import { PLATFORM_NAMES, type Platform, type Topic } from '../../knowledge/schema';
import { DECISION } from '../../matching/decide';
import { PLATFORMS_TOPIC } from '../../matching/decision';
import type { Explained } from '../../matching/matcher';
import type { Choice } from '../messages';
import { NOT_ABOUT_A_STORE, SHORT_ANSWER } from '../phrases';
import { startsWith } from '../replies';
import type { Reading } from '../reading';
import type { TurnContext } from '../turn-context';

/** "Which platform is the store on?": asked before an article that differs by platform, and its answers. */
export class PlatformDialog {
  constructor(private readonly t: TurnContext) {}

  askAgain(): void {
    this.t.askAgainWithChoices('platform.ask', 'ask-platform');
  }

  takeReply(r: Reading): boolean {
    const q = this.t.state.question;
    if (q?.kind !== 'platform') return false;
    r.remember();
    return this.matched(r.typed, r.m, q.topic);
  }

  takeButton(arg: string): void {
    this.platformChosen(arg as Platform | 'other');
  }

  answer(m: Explained): void {
    const topic = this.t.ctx.kb.byId.get(m.topic!)!;
    const specific = topic.platforms.filter((p): p is Platform => p !== 'all');
    const known = this.t.state.platforms.some((p) => specific.includes(p));
    if (m.platformUnconfirmed && specific.length > 0 && !known) {
      // "OTP not arriving" alone: the only article is Shopee's, so make sure it is Shopee.
      this.t.state.question = { kind: 'platform', topic: topic.id, text: m.text };
      const choices: Choice[] = [
        ...specific.map((p) => ({ label: PLATFORM_NAMES[p], action: `platform:${p}` })),
        ...(['shopee', 'lazada', 'tiktok'] as Platform[])
          .filter((p) => !specific.includes(p))
          .map((p) => ({ label: PLATFORM_NAMES[p], action: `platform:${p}` })),
        { label: this.t.tr('platform.other'), action: 'platform:other' },
      ];
      this.t.offer(this.t.tr('platform.ask'), choices, 'ask-platform');
      return;
    }
    this.t.dialogs.feedback.showArticle(topic);
  }

  /** The article waiting for the platform question's answer; the question is answered with this. */
  private takePendingTopic(): { topic?: Topic; text?: string } {
    const asked = this.t.state.question?.kind === 'platform' ? this.t.state.question : undefined;
    const topic = asked ? this.t.ctx.kb.byId.get(asked.topic) : undefined;
    const text = asked?.text;
    this.t.state.question = undefined;
    return { topic, text };
  }

  platformChosen(platform: Platform | 'other'): void {
    const { topic: pending, text } = this.takePendingTopic();
    this.t.memory.addPlatform(platform);
    const fits = (t: Topic | undefined): t is Topic => !!t && platform !== 'other' && this.t.fitsPlatforms(t, [platform]);
    if (fits(pending)) return this.t.dialogs.feedback.showArticle(pending);
    // The article asked about is another platform's ("ร้านหลุด" -> Shopify's, then Lazada): the
    // seller's words ranked other articles too, and the best of them for this platform (for
    // "another platform", a general one) is the answer. Their words again with the platform's
    // name come second: that pulls towards the platform's own articles ("ร้านหลุด tiktok" found
    // the second-shop one) or finds none ("no guide on Lazada" for a store that dropped out).
    if (text) {
      const forPlatform = (t: Topic) => (platform === 'other' ? t.platforms.includes('all') : this.t.fitsPlatforms(t, [platform]));
      const ranked = this.t.ctx.matcher.explain(text).candidates.filter((c) => c.confidence >= DECISION.clarifyScore);
      const best = ranked.map((c) => this.t.ctx.kb.byId.get(c.topic)).find((t): t is Topic => !!t && !NOT_ABOUT_A_STORE.has(t.id) && forPlatform(t));
      if (best) return this.t.dialogs.feedback.showArticle(best);
    }
    if (text && platform !== 'other') {
      const again = this.t.explainOn(text, platform);
      const found = again.decision === 'answer' ? this.t.ctx.kb.byId.get(again.topic!) : undefined;
      if (fits(found)) {
        this.t.memory.remember(again);
        return this.t.dialogs.feedback.showArticle(found);
      }
    }
    const name = platform === 'other' ? this.t.tr('platform.other') : PLATFORM_NAMES[platform];
    this.t.say(this.t.tr('platform.noArticle', { platform: name }), 'no-article');
    this.t.dialogs.handover.handover('no-article-for-platform');
  }

  /** "Not sure" to the platform question: the one article there is names its platform itself. */
  private platformUnknown(): void {
    const { topic: pending } = this.takePendingTopic();
    return pending ? this.t.dialogs.feedback.showArticle(pending) : this.t.welcome(true);
  }

  /**
   * The platform question answered in words the matcher read: a platform named (and no other
   * problem: "lazada ก็ขึ้น PASSWORD_NOT_MATCH" is one), a channel BigSeller does not connect, or
   * "not sure".
   */
  private matched(typed: string, m: Explained, topic: string): boolean {
    if (m.analysis.platforms.length > 0 && !this.t.anotherProblem(m, topic)) {
      this.platformChosen(m.analysis.platforms[0]!);
      return true;
    }
    // "amazonค่ะ": a channel BigSeller does not connect; the answer is which ones it does.
    const supported = this.t.ctx.kb.byId.get(PLATFORMS_TOPIC);
    if (m.analysis.platforms.length === 0 && m.analysis.otherChannel && typed.length < SHORT_ANSWER && supported) {
      this.takePendingTopic();
      this.t.dialogs.feedback.showArticle(supported);
      return true;
    }
    if (m.decision !== 'none' || typed.length >= SHORT_ANSWER || !startsWith(this.t.reply(typed), 'unsure')) return false;
    this.platformUnknown();
    return true;
  }
}
