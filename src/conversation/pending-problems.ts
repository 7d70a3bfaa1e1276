import type { Platform } from '../knowledge/schema';
import type { Explained } from '../matching/matcher';
import { without } from './cues';
import type { Reading } from './reading';
import type { TurnContext } from './turn-context';

/**
 * Two stores' problems in one message ("ร้าน shopee หมดอายุ แล้ว lazada ขึ้น INTERNAL_DATA_ERROR
 * ด้วยค่ะ"): one is answered (or both offered), and the other waits. "เริ่มจาก lazada ก่อนค่ะ",
 * "the lazada one first" pick one; "done. now shopee", "ได้แล้วค่ะ แล้ว shopee ล่ะคะ" close the one
 * shown and go on to the next. Before, the second problem was forgotten: "lazada" alone asked
 * for more, "now shopee" after "done" was only "glad it works".
 */
export class PendingProblems {
  constructor(private readonly t: TurnContext) {}

  /** A new message read by the matcher: the problems it names store by store, when there are two or more. */
  note(text: string, m: Explained): void {
    // Most messages name one platform or none: no second reading of them.
    if (m.analysis.platforms.length < 2) return;
    const found = this.t.ctx.matcher.problemsByPlatform(text);
    if (found.length > 0) this.t.state.pending = found;
  }

  /** A platform named with nothing but order words (after "fixed", maybe) whose problem was named before. */
  take(r: Reading): boolean {
    const pending = this.t.state.pending;
    // At the platform question or the hand-over's, a platform's name answers that question.
    const question = this.t.state.question?.kind;
    if (!pending?.length || (question && question !== 'feedback' && question !== 'clarify')) return false;
    const cues = this.t.cues(r.typed);
    const fixedFirst = this.t.saysFixed(r.typed);
    const platform = this.platformAlone(fixedFirst ? without(cues, 'fixed') : r.typed);
    const next = platform ? pending.find((p) => p.platform === platform) : undefined;
    const topic = next ? this.t.ctx.kb.byId.get(next.topic) : undefined;
    if (!topic) return false;
    // "done" about the article shown: it is resolved before the next one comes.
    if (fixedFirst && this.t.state.question?.kind === 'feedback' && this.t.state.topic !== topic.id) this.t.dialogs.feedback.takeButton('yes');
    this.t.state.pending = pending.filter((p) => p !== next);
    this.t.memory.addPlatform(platform!);
    this.t.dialogs.feedback.showArticle(topic);
    return true;
  }

  /** The one platform the words name, with no other word but the store's and the lexicon's order words. */
  private platformAlone(text: string): Platform | undefined {
    const order = this.t.ctx.matcher.lexicon.sequenceWords;
    return this.t.platformNamedAlone(this.t.ctx.matcher.analyse(text), (w) => w === 'store' || order.has(w));
  }
}
