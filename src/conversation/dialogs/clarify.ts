import type { Explained } from '../../matching/matcher';
import { NOT_ABOUT_A_STORE, SHORT_ANSWER } from '../phrases';
import { mentions, opensWith } from '../cues';
import { declinesForLater } from '../meanwhile';
import type { Reading } from '../reading';
import { onlySays } from '../replies';
import type { TurnContext } from '../turn-context';

/** "Did you mean ...?": two or three articles to pick from. */
export class ClarifyDialog {
  constructor(private readonly t: TurnContext) {}

  askAgain(): void {
    this.t.askAgainWithChoices('clarify.ask', 'clarify');
  }

  /** "ไม่ใช่ทั้งหมด", "no" to "did you mean": none of these. */
  takeReply(r: Reading): boolean {
    r.remember();
    if (this.platformOfTheStore(r)) return true;
    // "none of these" may find an article of its own ("none" of a topic's words): the whole reply says it.
    const noneOfThese = onlySays(this.t.reply(r.typed), 'no') || (r.m.decision === 'none' && r.typed.length < SHORT_ANSWER && opensWith(this.t.cues(r.typed), 'negation', 'not-fixed'));
    if (!noneOfThese || declinesForLater(this.t, r.typed)) return false;
    this.takeButton('none');
    return true;
  }

  /**
   * "shopee ค่ะ" to "did you mean": which store it is; the seller's first words read again with
   * the platform, answered when that makes it clear (it was "did you mean" among Shopee's).
   */
  private platformOfTheStore(r: Reading): boolean {
    const named = this.t.platformAlone(r.m);
    const words = this.t.memory.firstWords().join(' ');
    if (!named || !words) return false;
    const again = this.t.explainOn(words, named);
    if (again.decision !== 'answer') return false;
    this.t.memory.addPlatform(named);
    this.t.dialogs.platform.answer(again);
    return true;
  }

  /** "None of these": the seller says it again in other words. */
  takeButton(arg: string): void {
    if (arg !== 'none') return this.t.welcome(true);
    if (this.t.state.question?.kind === 'clarify') this.t.events.push({ type: 'clarified', topic: null });
    this.t.miss(() => {
      this.t.state.question = undefined;
      this.t.say(this.t.tr('clarify.rephrase'), 'ask-more');
    });
  }

  clarify(m: Explained): void {
    // In a conversation about one store's platform, a message naming none is not asked about
    // another platform's articles ("how can I check?" after a Shopify article offered Shopee's
    // and WooCommerce's); with none left it says too little.
    const known = m.analysis.platforms.length === 0 ? this.t.state.platforms : [];
    const candidates = m.candidates.filter((c) => this.t.fitsPlatforms(this.t.ctx.kb.byId.get(c.topic)!, known));
    if (candidates.length === 0) return this.t.nothingToAnswer({ ...m, decision: 'none', vague: true, farFromOutOfScope: true });
    this.t.state.question = { kind: 'clarify' };
    // "tiktok shop เชื่อมไม่ได้" (cannot connect) is a failure, not "can it be connected?": the
    // matcher cannot tell them apart, so with a "not" the articles about no store come last.
    const ranked = mentions(this.t.cues(m.text), 'negation', 'not-fixed') ? [...candidates].sort((a, b) => Number(NOT_ABOUT_A_STORE.has(a.topic)) - Number(NOT_ABOUT_A_STORE.has(b.topic))) : candidates;
    const choices = ranked.slice(0, 3).map((c) => this.t.topicChoice(c.topic));
    this.t.offer(this.t.tr('clarify.ask'), [...choices, { label: this.t.tr('clarify.none'), action: 'none-of-these' }], 'clarify');
  }
}
