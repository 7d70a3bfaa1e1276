import { mentions } from './cues';
import { FEEDBACK_SENTENCE } from './phrases';
import type { Reading } from './reading';
import { startsWith } from './replies';
import type { TurnContext } from './turn-context';

/** The questions a seller may leave unanswered because the problem went away or can wait. */
const ASIDE_QUESTIONS = new Set(['platform', 'clarify', 'more']);

/** "ไม่ต้องค่ะ ขอบคุณ เดี๋ยวไปยืนยันในแอปก่อน", "no thanks, I'll check first": a no that says later, no "none of these". */
export function declinesForLater(t: TurnContext, typed: string): boolean {
  return startsWith(t.reply(typed), 'cancel') && mentions(t.cues(typed), 'later-on');
}

/**
 * While the bot asks which platform, which article or for more, the seller may have fixed it
 * meanwhile ("ขอรหัสใหม่แล้วเข้าได้ค่ะ", "เจอแล้ว ขึ้นปกติค่ะ") or will look later ("โอเคค่ะ
 * เดี๋ยวเข้าไปเช็คใน seller center ก่อน"). Told off-topic, or offered a hand-over, before. A fix
 * or a "later" said plainly (no "not", "still" or question) and naming no article is taken as
 * what it says; the question is dropped. An article the message matches stands, except beside a
 * fix that names nothing new.
 */
export function settledMeanwhile(t: TurnContext, r: Reading): boolean {
  const kind = t.state.question?.kind;
  if (!kind || !ASIDE_QUESTIONS.has(kind)) return false;
  const cues = t.cues(r.typed);
  if ((!declinesForLater(t, r.typed) && mentions(cues, 'negation')) || mentions(cues, 'not-fixed', 'still', 'question', 'contrast') || t.asks(r.typed)) return false;
  const short = r.typed.length < FEEDBACK_SENTENCE;
  const fixedSaid = short && mentions(cues, 'fixed');
  // An article matched is the seller's next problem, unless a fix is said and nothing new named
  // ("กด reconnect แล้ว ใช้ได้แล้วค่ะ" matches the reconnect article).
  if (r.m.decision === 'answer' && !(fixedSaid && !t.namesSomethingNew(r.m))) return false;
  if (fixedSaid || startsWith(t.reply(r.typed), 'fixed')) {
    t.state.question = undefined;
    return t.handled('feedback:yes');
  }
  if (short && mentions(cues, 'later-on')) {
    t.state.question = undefined;
    t.say(t.tr('feedback.later'), 'small-talk');
    return true;
  }
  return false;
}
