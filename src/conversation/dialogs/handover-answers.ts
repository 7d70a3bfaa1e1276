import { parseEmailAddress } from '../../escalation/email-address';
import type { Explained } from '../../matching/matcher';
import { mentions, without, type CueReading } from '../cues';
import { MAX_DESCRIPTION, NOT_ABOUT_A_STORE } from '../phrases';
import type { Reading } from '../reading';
import { afterOkay, onlySays, startsWith, type Reply } from '../replies';
import type { HandoverDraft } from '../state';
import type { TurnContext } from '../turn-context';

/** One word with an @ inside: meant as an address, whether or not it is one. */
const ADDRESS_SHAPE = /^[^\s@]+@[^\s@]+$/u;
/** One word with "(at)" or "[at]" for its @: an address written so spam robots cannot read it. */
const WRITTEN_AT = /^\S+(?:\(at\)|\[at\])\S+$/iu;
const writtenAsAddress = (typed: string) => ADDRESS_SHAPE.test(typed) || WRITTEN_AT.test(typed);

/**
 * How close the best article must come for words to be about the seller's store problem: the
 * details sellers give score 0.25-0.3 against the articles, chatter about couriers 0.14-0.15.
 */
const DETAILS_SCORE = 0.2;

/** The act of each hand-over question, for a line said before it is asked again. */
const STEP_ACTS = { offer: 'handover-offer', email: 'ask-email', description: 'ask-description', confirm: 'handover-summary' } as const;

/** "อีเมลเดิมค่ะ", "same email as before": a remark about the reply address is this short. */
const ADDRESS_REMARK_WORDS = 4;

/** Words, not one Latin token: a space, or Thai (written without spaces). */
function isSentence(text: string): boolean {
  return /\s/.test(text.trim()) || /[\u0E00-\u0E7F]/.test(text);
}

/** Words with no problem and no store connection in them ("ยกเลิกดีกว่า เดี๋ยวลองเองอีกที"). */
function noProblemIn(a: Explained['analysis']): boolean {
  return !a.reportsProblem && !a.aboutAConnection;
}

/** What the hand-over dialog does with an answer (declared here so the two files import one way). */
export interface HandoverSteps {
  handoverEmail(typed: string): void;
  emailChecked(keep: boolean): void;
  askDescription(): void;
  handoverDescription(typed: string, analysis: Explained['analysis']): void;
  addToProblem(text: string): boolean;
}

/**
 * "wait, change the email please", "เปลี่ยนใจค่ะ ขอแก้รายละเอียดหน่อย" at the summary: a change asked
 * for, not a no; "ไม่เป็นไร ใช้ pla.pla@gmail.com ค่ะ" (never mind, use this one): an address given.
 */
function goesOnDespiteNo(h: HandoverDraft, cues: CueReading, typed: string): boolean {
  if (h.step === 'confirm' && mentions(cues, 'change-email', 'edit-description')) return true;
  return h.step !== 'description' && parseEmailAddress(typed) !== undefined && !mentions(cues, 'dont-send');
}

/**
 * The hand-over's questions answered in words: at the offer, the e-mail question, the
 * description and the summary. First what the words say alone (not now, an address, yes, send,
 * skip), then, for what is left, what the matcher read in them.
 */
export class HandoverAnswers {
  constructor(
    private readonly t: TurnContext,
    private readonly steps: HandoverSteps,
  ) {}

  takeReply(r: Reading): boolean {
    const h = this.t.state.draft;
    if (!h) return false;
    if (this.typed(r, h)) return true;
    // What the seller says joins the memory first: the summary shows a platform named at it.
    r.remember();
    return this.matched(r.typed, r.text, r.m, h);
  }

  /** Read before any matching (but for "later" said beside other words): not now, an address, then the step's own answers. */
  private typed(r: Reading, h: HandoverDraft): boolean {
    const typed = r.typed;
    const reply = this.t.reply(typed);
    const cues = this.t.cues(typed);
    if (this.declines(reply, cues, h, r)) return this.t.handled(this.onlyLater(reply, cues, h) ? 'handover:later' : 'handover:cancel');
    // An address typed at the offer says yes and answers the next question at once; at the
    // summary it replaces the one there; at the description the address was known and not
    // asked for, and the seller gives theirs. Anything else at the e-mail question is matched first.
    // Something shaped like one ("kanya@yahoo") is an address mistyped: asked for again.
    if (parseEmailAddress(typed) || ADDRESS_SHAPE.test(typed.trim())) {
      this.steps.handoverEmail(typed);
      return true;
    }
    // "Did you mean gmail.com?": yes, or no (the address typed is right).
    if (h.step === 'email' && h.emailCheck && onlySays(reply, 'yes', 'no')) {
      this.steps.emailChecked(onlySays(reply, 'no'));
      return true;
    }
    if (this.aboutTheHandover(typed, cues, h)) return true;
    // "เอาค่ะ", "ok send" to "which address?": a yes is no address, and no new problem to match.
    if (h.step === 'email' && onlySays(reply, 'yes', 'send')) {
      this.t.askAgain();
      return true;
    }
    if (h.step === 'offer') return this.atOffer(reply, cues, typed);
    if (h.step === 'description') return this.atDescription(typed, reply, cues);
    if (h.step === 'confirm') return this.atSummary(reply, cues, typed);
    return false;
  }

  /**
   * A question about the hand-over itself, answered before its question is asked again: why an
   * e-mail, what support needs, when it replies.
   */
  private aboutTheHandover(typed: string, cues: CueReading, h: HandoverDraft): boolean {
    const early = h.step === 'offer' || h.step === 'email';
    let key: string | undefined;
    // "why do you need my email?" at the offer or the e-mail question.
    if (early && mentions(cues, 'mentions-email') && !mentions(cues, 'no-email', 'change-email') && this.t.asks(typed)) key = 'handover.whyEmail';
    // "what info do you need?", "ต้องใช้ข้อมูลอะไรบ้างคะ" before saying yes: what is asked and sent
    // (the cue's words ask; its "อะไร" leaves no question word to end the sentence).
    else if (early && mentions(cues, 'what-is-needed') && !this.t.namesPlatformOrCode(without(cues, 'what-is-needed'))) key = 'handover.whatIsNeeded';
    // "how long until they reply?", "ต้องรอนานไหมคะ กว่าจะตอบ" at any of its questions (it was the
    // description mailed, or Lazada's authorisation lifetime).
    else if (mentions(cues, 'reply-time') && this.t.asks(typed) && !this.t.namesPlatformOrCode(without(cues, 'reply-time'))) key = 'handover.replyTime';
    // "ส่งดีไหมนะ", "แปลว่าอะไรคะ" (what does that mean?) at the offer itself: what is sent, and the offer again.
    else if (h.step === 'offer' && mentions(cues, 'wonders-send', 'not-understood')) key = 'handover.offer';
    // "มีเบอร์โทรไหมคะ": support has no phone line; it answers by e-mail.
    else if (early && mentions(cues, 'wants-call')) key = 'handover.noPhone';
    if (!key) return false;
    this.t.say(this.t.tr(key), STEP_ACTS[h.step]);
    this.t.askAgain();
    return true;
  }

  /**
   * "ยกเลิก", "ไว้ก่อนค่ะ เดี๋ยวลองเปลี่ยนรหัสดูก่อน", "ไม่ได้จะส่งเรื่องค่ะ แค่บ่น": not now. At the
   * description a sentence starting so may be the problem itself ("ยกเลิกคำสั่งซื้อไม่ได้").
   * "ขอบคุณค่า 🙏", "ขอบคุณค่ะ เดี๋ยวลองเองก่อน" at the offer or the e-mail question: done for now.
   * "อ๋อ นึกออกแล้ว … ไม่ต้องส่งแล้วค่ะ ยกเลิก": sending declined in so many words, wherever it is.
   */
  private declines(reply: Reply, cues: CueReading, h: HandoverDraft, r: Reading): boolean {
    const typed = r.typed;
    if (goesOnDespiteNo(h, cues, typed)) return false;
    // "actually no, cancel that": a no said with the cancel (at the description a no is a skip).
    if (onlySays(reply, 'cancel', 'later') || (h.step !== 'description' && onlySays(reply, 'no', 'cancel', 'later'))) return true;
    // "ไม่เป็นไรค่ะ ส่งเรื่องให้ก็ได้" (never mind, send it then) starts like a no and is a yes.
    const thenSend = reply.acts.includes('send');
    // "ไม่ต้องส่งแล้วค่ะ ลองอีกรอบได้แล้ว" at the description too: declined in so many words.
    // "โอเค งั้นไม่เป็นไรครับ": an okay to what was said, then no.
    if (mentions(cues, 'dont-send') || (h.step !== 'description' && startsWith(afterOkay(reply), 'cancel', 'later') && !thenSend)) return true;
    // At the description, "ยกเลิกดีกว่า เดี๋ยวลองเองอีกที" says nothing of a problem: not now.
    if (h.step === 'description' && startsWith(reply, 'cancel', 'later') && this.saysNoProblem(typed)) return true;
    if (h.step !== 'offer' && h.step !== 'email') return false;
    return !thenSend && this.notNow(reply, cues, r);
  }

  /**
   * At the offer or the e-mail question: "โอเคครับ เดี๋ยวรอพรุ่งนี้ลองใหม่", "ok I will try again
   * tomorrow" (an okay that says later; "เดี๋ยวนะคะ ขอถามก่อน … ชื่อซ้ำ ต้องทำไง" asks about a problem
   * instead), "ok I'll ask Lazada then. thanks" (an okay closed with thanks, no problem, no question).
   */
  private notNow(reply: Reply, cues: CueReading, r: Reading): boolean {
    const typed = r.typed;
    const laterOn = mentions(cues, 'later-on') && !mentions(cues, 'send-to-support', 'not-fixed') && !this.t.asks(typed) && r.m.decision !== 'answer';
    const okThanks = startsWith(reply, 'yes') && mentions(cues, 'thanks') && !this.t.asks(typed) && !this.t.ctx.matcher.analyse(typed).reportsProblem;
    return laterOn || okThanks || onlySays(reply, 'thanks', 'later', 'cancel');
  }

  /**
   * "โอเคค่ะ เดี๋ยวพรุ่งนี้ลองใหม่", "ขอบคุณค่า 🙏" at the offer or the e-mail question: the seller
   * will try again and may come back, as at "did this fix it?"; "ยกเลิก", "ไม่เป็นไร", "no
   * thanks" (and any decline at the description or the summary) drop the hand-over in so many words.
   */
  private onlyLater(reply: Reply, cues: CueReading, h: HandoverDraft): boolean {
    if (h.step !== 'offer' && h.step !== 'email') return false;
    return !reply.acts.includes('cancel') && !reply.acts.includes('no') && !mentions(cues, 'dont-send');
  }

  private saysNoProblem(typed: string): boolean {
    return noProblemIn(this.t.ctx.matcher.analyse(typed));
  }

  private atOffer(reply: Reply, cues: CueReading, typed: string): boolean {
    // "I have no e-mail, can you call me?": support answers by e-mail only; said before the
    // seller is asked for an address they do not have (it was taken for a yes).
    if (mentions(cues, 'no-email')) {
      this.t.offer(this.t.tr('handover.noEmail'), [{ label: this.t.tr('handover.send'), action: 'handover:start' }, this.t.cancelChoice()], 'handover-offer');
      return true;
    }
    // "still not working", "ลองแล้วก็ยังไม่ได้ค่ะ": it did not help, which is why the offer is
    // there; the offer again (it was "tell me more" with the menu, or "did you mean").
    // "ลองแล้วค่ะ ได้แล้ว" (tried it, it works) is fixed, below.
    if (mentions(cues, 'not-fixed', 'tried') && !mentions(cues, 'fixed') && this.t.saysNothing(without(cues, 'not-fixed', 'tried'))) {
      this.t.askAgain();
      return true;
    }
    // "ได้แล้วค่ะ ต้องล็อกอินด้วยอีเมลแทนเบอร์": it works now, so nothing to send; it is fixed.
    if (this.fixedMeanwhile(reply, cues, typed)) {
      this.t.state.draft = undefined;
      return this.t.handled('feedback:yes');
    }
    // "ได้คับ ส่งเลย", "ส่งเรื่องให้เจ้าหน้าที่เลยค่ะ"; "ไม่ค่ะ" / "no": not sent.
    // "ยังไม่ได้ค่ะ ส่งเลย": not fixed, so send.
    const saysSend = onlySays(reply, 'yes', 'send', 'not-fixed') && reply.acts.includes('send');
    // "ขอให้เจ้าหน้าที่ช่วยค่ะ" (a person to help, please): what the offer is for.
    const asksPerson = this.t.ctx.matcher.analyse(typed).handover;
    if (onlySays(reply, 'yes', 'send') || saysSend || asksPerson || mentions(cues, 'send-to-support') || this.yesWithRemark(reply, cues, typed)) return this.t.handled('handover:start');
    if (onlySays(reply, 'no')) return this.t.handled('handover:cancel');
    return false;
  }

  /**
   * "ได้ค่ะ ส่งทางอีเมลก็ได้" (yes, by e-mail is fine), "ok, that would help": a yes first, then words
   * that name no problem, ask nothing and take nothing back.
   */
  private yesWithRemark(reply: Reply, cues: CueReading, typed: string): boolean {
    // "เคค่ะ ขอบคุณน้า", "alright, reconnected. thanks": an okay with thanks closes; it sends nothing.
    if (!startsWith(reply, 'yes') || reply.acts.includes('thanks') || this.t.asks(typed)) return false;
    if (mentions(cues, 'negation', 'no-email', 'not-fixed', 'dont-send', 'change-email', 'thanks', 'fixed', 'tried', 'later-on')) return false;
    return this.saysNoProblem(typed);
  }

  /** Fixed, said first or in a short sentence with no "not", "still" or question, and an article shown. */
  private fixedMeanwhile(reply: Reply, cues: CueReading, typed: string): boolean {
    if (!this.t.state.topic || reply.acts.includes('send') || mentions(cues, 'negation', 'not-fixed', 'still', 'question', 'send-to-support')) return false;
    return this.t.saysFixed(typed);
  }

  private atDescription(typed: string, reply: Reply, cues: CueReading): boolean {
    const analysis = this.t.ctx.matcher.analyse(typed);
    const noProblem = noProblemIn(analysis);
    // "ข้าม", "ไม่มีจ้า", and "ok", "ใช่ค่ะ", "send it": go ahead without one (they were taken for the
    // description); so do "ข้ามไปก่อนนะคะ", "ไม่มีรายละเอียดเพิ่มค่ะ", "no more info": a skip, then no problem.
    if (onlySays(reply, 'skip', 'no', 'yes', 'send') || (startsWith(reply, 'skip') && noProblem)) return this.t.handled('handover:skip');
    // "ขอเปลี่ยนอีเมลค่ะ"; "อีเมลเดิมค่ะ" (the same address): a few words about the address, no
    // problem for support. "เคยเปลี่ยนอีเมลบัญชีหลักเมื่อเดือนที่แล้ว" (the main account's e-mail,
    // INTERNAL_DATA_ERROR's cause) is the problem.
    const aboutTheAddressOnly = noProblem && analysis.content.length <= ADDRESS_REMARK_WORDS;
    if (onlySays(reply, 'change-email') || (mentions(cues, 'change-email') && aboutTheAddressOnly)) return this.t.handled('handover:email');
    if (mentions(cues, 'mentions-email') && aboutTheAddressOnly) {
      this.t.say(this.t.tr('handover.emailKept', { email: this.t.state.draft!.email }), 'ask-description');
      this.steps.askDescription();
      return true;
    }
    // "อืม", "hmm": nothing described yet, so the question again.
    if (analysis.content.length === 0) this.steps.askDescription();
    else this.steps.handoverDescription(typed, analysis);
    return true;
  }

  /** "ถูกต้องแล้วส่งได้เลยค่ะ", "ส่ง" (the button's label typed); "no" to "send this?"; "change my e-mail". */
  private atSummary(reply: Reply, cues: CueReading, typed: string): boolean {
    // "ส่งได้เลยค่ะ ขอบคุณนะคะ"; "ส่งไปเลยค่ะ รีบมาก" (send it, it's urgent): send, and nothing more for support.
    const sendsAsIs = startsWith(reply, 'yes', 'send') && reply.acts.includes('send') && this.saysNoProblem(typed);
    if (onlySays(reply, 'yes', 'send', 'thanks') || sendsAsIs) return this.t.handled('handover:confirm');
    if (onlySays(reply, 'no')) return this.t.handled('handover:cancel');
    if (onlySays(reply, 'change-email') || mentions(cues, 'change-email')) {
      // "อีเมลผิดค่ะ ต้องเป็น mint.cakes@gmail.com": the new address is in the message already.
      if (!parseEmailAddress(typed)) return this.t.handled('handover:email');
      this.steps.handoverEmail(typed);
      return true;
    }
    // "ขอแก้รายละเอียดหน่อย": asked what to add; "เพิ่มว่าชื่อบัญชีเก่าคือ fon_old": added at once.
    if (mentions(cues, 'edit-description')) {
      const rest = without(cues, 'edit-description');
      // Nothing but the ask, or a "changed my mind" said with it: what to add is asked.
      if (this.t.saysNothing(rest) || this.t.reply(rest).whole || !this.steps.addToProblem(typed)) this.steps.askDescription();
      return true;
    }
    return false;
  }

  /**
   * Read with the matcher: at the e-mail question, more about a problem already tried, another
   * problem, or no address; at the summary, more for support; at the offer, details that say
   * yes. False to go on as a new message (at the e-mail question a known problem drops the
   * hand-over).
   */
  private matched(typed: string, text: string, m: Explained, h: HandoverDraft): boolean {
    if (h.step === 'email') return this.emailMatched(typed, text, m, h);
    if (h.step === 'confirm' && this.addedAtSummary(text, m)) return true;
    if (h.step === 'offer') return this.platformAtOffer(m) || this.detailsAtOffer(text, m, h);
    return false;
  }

  /** "ช้อปปี้ค่ะ" at the offer: the store's platform, for support; the offer stands. */
  private platformAtOffer(m: Explained): boolean {
    const named = this.t.platformAlone(m);
    if (!named) return false;
    this.t.memory.addPlatform(named);
    this.t.askAgain();
    return true;
  }

  /**
   * At the e-mail question, a problem the matcher knows ("ร้าน lazada ขึ้น PASSWORD_NOT_MATCH")
   * is answered, and the hand-over being prepared dropped (nothing was sent; it is offered again
   * when the answer does not help); anything else is asked again for an address.
   */
  private emailMatched(typed: string, text: string, m: Explained, h: HandoverDraft): boolean {
    const cues = this.t.cues(typed);
    // "no e-mail", "change my e-mail" are talk of e-mail too (the longer cue is the one read).
    const aboutEmail = mentions(cues, 'mentions-email', 'no-email', 'change-email');
    // "mani.shop(at)gmail": an address written wrong is no problem to answer, whatever its words
    // ("shop") may match; it is said to be no valid address, as "bob(at)gmail" is.
    const answered = m.decision === 'answer' && !aboutEmail && !writtenAsAddress(typed);
    // More about a problem whose article was already shown ("the OTP I got says expired when I
    // enter it", after the OTP article): for support, with the description; the address is
    // still asked for (the hand-over was dropped for that article again).
    if (answered && this.t.state.tried.includes(m.topic!) && text.length <= MAX_DESCRIPTION) {
      h.description = h.description ? `${h.description} / ${text}` : text;
      this.t.offer(this.t.tr('handover.askEmail'), [this.t.cancelChoice()], 'ask-email');
      return true;
    }
    // How to reach support ("can't you answer me here?") is what the hand-over is doing.
    if (answered && !NOT_ABOUT_A_STORE.has(m.topic!)) {
      this.t.state.draft = undefined;
      this.t.state.question = undefined;
      return false;
    }
    // "bigseller รายเดือนเท่าไหร่คะ" (the monthly price?) while the address is asked: a question
    // the bot does not handle, said so, and the address asked again (it was "e-mail only").
    if (m.decision === 'none' && !m.farFromOutOfScope && !aboutEmail && !typed.includes('@') && this.t.asks(typed)) {
      this.t.say(this.t.tr('offtopicAtEmail'), 'out-of-scope');
      this.t.offer(this.t.tr('handover.askEmail'), [this.t.cancelChoice()], 'ask-email');
      return true;
    }
    // "I have no e-mail, can you call me?": support answers by e-mail only; say so. A sentence,
    // not an address ("can't you answer me here on LINE?", "I want a real person"): why an
    // address is needed, not "this e-mail looks invalid".
    if (!aboutEmail && this.detailsAtEmail(typed, text, m, h)) return true;
    const sentence = !typed.includes('@') && !aboutEmail && isSentence(typed);
    if (mentions(cues, 'no-email') || sentence) this.t.offer(this.t.tr('handover.noEmail'), [this.t.cancelChoice()], 'ask-email');
    else this.steps.handoverEmail(typed);
    return true;
  }

  /**
   * "เปลี่ยนชื่อไปหลายรอบแล้ว ขึ้นซ้ำทุกชื่อเลยค่ะ" at the e-mail question: details of the problem
   * before the address, kept for support (they were told "support answers by e-mail only", then
   * asked to describe it again).
   */
  private detailsAtEmail(typed: string, text: string, m: Explained, h: HandoverDraft): boolean {
    if (this.t.asks(typed) || !this.describesTheStore(text, m)) return false;
    h.description = h.description ? `${h.description} / ${text}` : text;
    this.t.say(this.t.tr('handover.noted'), 'ask-email');
    this.t.offer(this.t.tr('handover.askEmail'), [this.t.cancelChoice()], 'ask-email');
    return true;
  }

  /**
   * At the summary, what the seller adds ("the shop is LZ-Bangkok and the login page just
   * spins", "changed the password and it still shows") is for support: it joins the problem's
   * words and the summary comes again (it was answered as off-topic, with "did you mean" or
   * with the article already tried, and the summary's buttons were gone). A problem the
   * matcher knows and the seller has not tried yet is still answered.
   */
  private addedAtSummary(text: string, m: Explained): boolean {
    const alreadyTried = m.decision === 'answer' && this.t.state.tried.includes(m.topic!);
    // Details for support ("ร้านชื่อ MyShop ค่ะ ตอนกดอนุญาตหน้าจอค้าง") may hold a sentence an article
    // answers alone; a problem asked at the summary is asked in so many words.
    const unplaced = m.decision === 'none' || m.decision === 'clarify' || alreadyTried || m.keySentence !== undefined;
    return unplaced && !m.analysis.smallTalk && m.analysis.content.length > 0 && this.steps.addToProblem(text);
  }

  /**
   * Details typed at the offer ("the shop is LZ-Bangkok, the e-mail changed last week") that
   * answer nothing and are no other question (far from the out-of-scope examples): written for
   * support, so a yes with the description. They speak of the store, or in the words of its
   * problems; chatter does neither ("ค่าส่งkerryแพงจัง555" started a hand-over nobody asked for).
   */
  private detailsAtOffer(text: string, m: Explained, h: HandoverDraft): boolean {
    if (!this.describesTheStore(text, m)) return false;
    h.description = text;
    return this.t.handled('handover:start');
  }

  /** Words no article answers that speak of the store or its problem, and no other question. */
  private describesTheStore(text: string, m: Explained): boolean {
    const aboutTheStore = m.analysis.aboutAConnection || (m.candidates[0]?.confidence ?? 0) >= DETAILS_SCORE;
    // One Latin word ("jib.jibgmail.com") is an address mistyped, not a description.
    if (!isSentence(text)) return false;
    return m.decision === 'none' && !m.analysis.smallTalk && m.analysis.content.length >= 3 && m.farFromOutOfScope && aboutTheStore && text.length <= MAX_DESCRIPTION;
  }
}
