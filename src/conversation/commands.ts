import { parseEmailAddress } from '../escalation/email-address';
import { choiceNumber, SHORT_ANSWER } from './phrases';
import { mentions, without } from './cues';
import { onlySays } from './replies';
import type { TurnContext } from './turn-context';

/**
 * The commands a seller types, read before any matching: the menu, another question, "what
 * else can I do", "send it" with no hand-over asked, an address out of the blue, a choice's
 * number, "check my stores"; the hand-over's open question is its dialog's.
 */
export class Commands {
  constructor(private readonly t: TurnContext) {}

  /**
   * What a typed message does before any matching and before the open question's dialog: "menu",
   * "send it" with nothing open, an e-mail address, a choice's number, "check my stores". True
   * when it was handled.
   */
  typed(typed: string): boolean {
    const reply = this.t.reply(typed);
    const cues = this.t.cues(typed);
    // "menu", "เริ่มใหม่": the seller wants the choices again (a hand-over being prepared is dropped;
    // nothing was sent). Matched, "menu" found the article whose steps name a menu.
    if (onlySays(reply, 'menu')) {
      this.t.state.draft = undefined;
      this.t.action('menu');
      return true;
    }
    // "one more question", "ขอถามอีกเรื่อง": the question comes next. Matched, "another" (อีก)
    // found the article about a store on another account.
    if (onlySays(reply, 'another-question') && this.t.state.question?.kind !== 'handover') {
      this.t.welcome(true);
      return true;
    }
    // "what else can I do", "มีวิธีอื่นไหม" with no article to be another way to: the choices.
    // Matched, "can I" found the supported-platforms article ("can I connect X?").
    if (!this.t.state.question && typed.length < SHORT_ANSWER && mentions(cues, 'another-way') && this.t.saysNothing(without(cues, 'another-way'))) {
      this.t.welcome(true);
      return true;
    }
    const h = this.t.state.question?.kind === 'handover' ? this.t.state.draft : undefined;
    // A summary that an answer to another problem replaced still waits: "ส่งเลย" sends it (matched,
    // "ส่ง" found the Shopee OTP article, whose phrasings say the code is not sent).
    // Only "send": "ok send it" at "did this fix it?" asks for the hand-over (feedbackTyped).
    if (!h && onlySays(reply, 'send')) {
      if (this.t.state.draft?.step === 'confirm') return this.t.handled('handover:confirm');
      // Nothing prepared to send: say so, and offer the hand-over (matched, it was the Shopee OTP article).
      this.t.offer(this.t.tr('handover.nothingToSend'), [
        { label: this.t.tr('handover.send'), action: 'handover' },
        { label: this.t.tr('menu.back'), action: 'menu' },
      ], 'handover-offer');
      return true;
    }
    // An address typed on its own, out of the blue: the seller wants support to write to them.
    const address = this.t.state.question?.kind === 'handover' ? undefined : parseEmailAddress(typed);
    if (address && typed.length <= address.length + 12) {
      this.t.state.contactEmail = address;
      this.t.dialogs.handover.handover('asked');
      return true;
    }
    const number = choiceNumber(typed);
    const choice = number === undefined ? undefined : this.t.state.offered[number - 1];
    if (choice) return this.t.handled(choice.action);
    // At the description it is the problem told ("เช็คสถานะร้านแล้วขึ้น expired").
    if (mentions(cues, 'check-stores') && typed.length < 80 && h?.step !== 'description') return this.t.handled('status:check');
    return false;
  }
}
