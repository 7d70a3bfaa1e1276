import { withoutMasks } from '../../escalation/redact';
import { PLATFORM_NAMES } from '../../knowledge/schema';
import type { Reading } from '../reading';
import type { TurnContext } from '../turn-context';

/** Most words a reply to "tell me a little more" may have to be read with the words before it. */
const FEW_WORDS = 3;

/**
 * "Tell me a little more": a message about a store connection that says too little to pick a
 * topic, and the answer to it, read with the words before ("ร้าน disconnect เองค่ะ" then
 * "ติ๊กต๊อกค่ะ" is the TikTok renewal article, where "ติ๊กต๊อกค่ะ" alone is "did you mean").
 */
export class MoreDialog {
  constructor(private readonly t: TurnContext) {}

  /** Ask for more (still a miss); the answer is read with `text` unless another question is open. */
  askForMore(text?: string): void {
    // The platform is not asked for again once the conversation knows it.
    const platform = this.t.onlyPlatform();
    const ask = platform ? this.t.tr('vagueOnPlatform', { platform: PLATFORM_NAMES[platform] }) : this.t.tr('vague');
    // Nor are another platform's problems offered (Shopee's OTP in a Lazada conversation).
    this.t.miss(() => {
      this.t.offer(ask, this.t.menuChoices(this.t.state.platforms), 'ask-more');
      const open = this.t.state.question;
      if (text && (!open || open.kind === 'more')) this.t.state.question = { kind: 'more', text: open?.kind === 'more' ? `${open.text} ${text}` : text };
    });
  }

  askAgain(): void {
    this.t.welcome(true);
  }

  /**
   * The new words with the ones before, taken when together they make an answer; the message
   * goes on to be answered either way (never answers the turn itself).
   */
  takeReply(r: Reading): boolean {
    const q = this.t.state.question;
    const m = r.m;
    // A longer message says what it says on its own (and matching twice costs a second match).
    if (q?.kind !== 'more' || m.decision === 'answer' || m.decision === 'escalate' || m.analysis.content.length > FEW_WORDS) return false;
    const together = this.t.inContext(this.t.ctx.matcher.explain(`${q.text} ${r.kinds.length > 0 ? withoutMasks(r.text) : r.text}`));
    if (together.decision === 'answer') r.m = together;
    return false;
  }

  /** "Tell me more" offers the menu's buttons, which are not its own. */
  takeButton(): void {
    this.t.welcome(true);
  }
}
