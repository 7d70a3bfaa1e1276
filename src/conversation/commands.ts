import { parseEmailAddress } from '../escalation/email-address';
import { choiceNumber, SHORT_ANSWER } from './phrases';
import { mentions, without } from './cues';
import { onlySays } from './replies';
import { setReminders } from './reminders';
import type { TurnContext } from './turn-context';
import type { Cue } from '../knowledge/schema';

/** The reply acts that pick a choice by its place; the last of them is "the last one". */
const PLACES = ['first-choice', 'second-choice', 'third-choice', 'last-choice'] as const;
const LAST = -1;

/** A command that does not fit in a short message: a longer one is told, not commanded. */
const COMMAND_LENGTH = 80;

/** "please reply to my mail", "ส่งมาที่เมลนี้ละกัน": the few words said about an address. */
const ADDRESS_WORDS = 4;

/** The article that says where each store's state is shown (Settings > Connection Center). */
const EXPIRED_TOPIC = 'connection-expired';

/**
 * The commands a seller types, read before any matching and before the open question's dialog,
 * in this order: the first that applies ends the turn.
 */
const COMMANDS = ['menu', 'anotherQuestion', 'anotherWay', 'send', 'address', 'choice', 'myTickets', 'reminders', 'checkMyself', 'checkStores', 'wantsCall', 'asksIfBot', 'complaint', 'pictureComing', 'ticketAgain', 'fixedMeanwhile'] as const satisfies readonly (keyof Commands)[];

export class Commands {
  constructor(private readonly t: TurnContext) {}

  /** True when the typed message was a command, and was done. */
  typed(typed: string): boolean {
    return COMMANDS.some((c) => this[c](typed));
  }

  /**
   * "menu", "เริ่มใหม่": the seller wants the choices again (a hand-over being prepared is dropped;
   * nothing was sent). Matched, "menu" found the article whose steps name a menu. "talk to the
   * bot" (reply act `bot`, what ends a chat hand-over on LINE) gets the same choices.
   */
  menu(typed: string): boolean {
    if (!onlySays(this.t.reply(typed), 'menu', 'bot')) return false;
    this.t.state.draft = undefined;
    this.t.action('menu');
    return true;
  }

  /**
   * "one more question", "ขอถามอีกเรื่อง": the question comes next. Matched, "another" (อีก) found
   * the article about a store on another account.
   */
  anotherQuestion(typed: string): boolean {
    if (!onlySays(this.t.reply(typed), 'another-question') || this.handover()) return false;
    this.t.welcome(true);
    return true;
  }

  /**
   * "what else can I do", "มีวิธีอื่นไหม" with no article to be another way to: the choices; after
   * a ticket, the ticket again.
   * Matched, "can I" found the supported-platforms article ("can I connect X?").
   */
  anotherWay(typed: string): boolean {
    if (this.t.state.question || typed.length >= SHORT_ANSWER) return false;
    const cues = this.t.cues(typed);
    if (!mentions(cues, 'another-way', 'what-next') || !this.t.saysNothing(without(cues, 'another-way', 'what-next'))) return false;
    // "แล้วต้องทำอะไรต่อครับ" after the ticket: nothing more to do; support writes back.
    const ticket = this.t.state.ticket;
    if (ticket) this.t.say(this.t.tr('handover.yourTicket', { ticket: ticket.id }), 'ticket');
    else this.t.welcome(true);
    return true;
  }

  /**
   * "ส่งเลย" with no hand-over question open. A summary that an answer to another problem
   * replaced still waits, and this sends it (matched, "ส่ง" found the Shopee OTP article, whose
   * phrasings say the code is not sent). Only "send": "ok send it" at "did this fix it?" asks
   * for the hand-over (the feedback dialog).
   */
  send(typed: string): boolean {
    if (this.handover()) return false;
    // "อืมมม ไม่แน่ใจ ส่งดีไหมนะ", "should I send it?": wondering; the offer, with what is sent.
    if (mentions(this.t.cues(typed), 'wonders-send') && typed.length < COMMAND_LENGTH) {
      this.t.dialogs.handover.handover('asked');
      return true;
    }
    // "โอเคส่งเลย", "yes please send": a yes said with it changes nothing.
    const reply = this.t.reply(typed);
    if (!reply.acts.includes('send') || !onlySays(reply, 'send', 'yes')) return false;
    if (this.t.state.draft?.step === 'confirm') return this.t.handled('handover:confirm');
    // Nothing prepared: "send it" is the seller agreeing to a hand-over, which starts (matched, it
    // was the Shopee OTP article).
    this.t.dialogs.handover.consented('asked');
    return true;
  }

  /**
   * An address typed out of the blue, alone or in a few words about it ("ส่งมาที่เมล
   * boy1990@gmail.com ละกัน"): the seller wants support to write to them, so the hand-over goes
   * ahead with it (Cancel stays on every step). An address beside a problem ("ร้าน shopee
   * หมดอายุ …") is the problem told.
   */
  address(typed: string): boolean {
    const address = this.handover() ? undefined : parseEmailAddress(typed);
    if (!address) return false;
    const rest = typed.replace(/\S*@\S*/gu, ' ');
    const a = this.t.ctx.matcher.analyse(rest);
    if (a.reportsProblem || a.platforms.length > 0 || a.errorCodes.length > 0 || a.content.length > ADDRESS_WORDS) return false;
    this.t.state.contactEmail = address;
    this.t.dialogs.handover.consented('asked');
    return true;
  }

  /** "2", "ข้อ 2 ค่ะ", "the second one": that choice among the buttons last offered. */
  choice(typed: string): boolean {
    const offered = this.t.state.offered;
    const number = choiceNumber(typed) ?? this.choiceByPlace(typed);
    const choice = number === undefined ? undefined : offered[number === LAST ? offered.length - 1 : number - 1];
    return !!choice && this.t.handled(choice.action);
  }

  private choiceByPlace(typed: string): number | undefined {
    const reply = this.t.reply(typed);
    const place = PLACES.findIndex((act) => onlySays(reply, act));
    return place < 0 ? undefined : place === PLACES.length - 1 ? LAST : place + 1;
  }

  /**
   * "เรื่องที่แจ้งไปถึงไหนแล้ว", "my ticket status": the seller's tickets and what became of them
   * (before "check my stores": "check my ticket status" is not about the stores). At the
   * description it is the problem told.
   */
  myTickets(typed: string): boolean {
    if (typed.length >= COMMAND_LENGTH || this.handover()?.step === 'description') return false;
    return mentions(this.t.cues(typed), 'my-tickets') && this.t.handled('tickets');
  }

  /**
   * "ไม่ต้องเตือนแล้ว", "stop reminders" / "เตือนด้วย", "remind me again": the proactive expiry
   * warning off or on (reminders.ts), on a channel that sends it (LINE, where accounts are
   * linked). "Stop" wins over "on"; "on" said with a negation is none. Naming a platform or an
   * error code besides, the message is about that ("ปิดแจ้งเตือน shopee ยังไง": Shopee's own).
   */
  reminders(typed: string): boolean {
    if (!this.t.turn.accountLinking || typed.length >= COMMAND_LENGTH || this.handover()?.step === 'description') return false;
    const cues = this.t.cues(typed);
    const stop = mentions(cues, 'stop-reminders');
    if (!stop && (!mentions(cues, 'resume-reminders') || mentions(cues, 'negation'))) return false;
    if (this.t.namesPlatformOrCode(without(cues, 'stop-reminders', 'resume-reminders'))) return false;
    setReminders(this.t, !stop);
    return true;
  }

  /**
   * "ไม่อยากลิงก์บัญชีค่ะ บอกวิธีดูเองได้ไหม" (after being asked to link), "how do I check it myself?":
   * where BigSeller shows each store's state, the expired article's steps (it was "off-topic").
   */
  checkMyself(typed: string): boolean {
    const cues = this.t.cues(typed);
    if (typed.length >= COMMAND_LENGTH || this.handover() || !mentions(cues, 'check-myself')) return false;
    if (this.t.namesPlatformOrCode(without(cues, 'check-myself')) && !this.t.asks(typed)) return false;
    this.t.dialogs.feedback.showArticle(this.t.ctx.kb.byId.get(EXPIRED_TOPIC)!);
    return true;
  }

  /**
   * "check my stores", "ร้านโอเคไหมคะ", "เปลี่ยนแล้ว เช็คอีกทีค่ะ" (check again); "store status" alone
   * too, but told with an expiry or an error code it is the problem ("my shopify store status is
   * Expired"), matched instead. "เดี๋ยวลองเช็คในหน้าร้านเองก่อน" is the seller looking later; at
   * the description it is the problem told.
   */
  checkStores(typed: string): boolean {
    if (typed.length >= COMMAND_LENGTH || this.handover()?.step === 'description') return false;
    const cues = this.t.cues(typed);
    if (mentions(cues, 'later-on', 'not-fixed')) return false;
    const rest = this.t.ctx.matcher.analyse(without(cues, 'check-stores', 'store-status'));
    // "still password not match after I check again" tells the problem.
    if (rest.errorCodes.length > 0) return false;
    if (mentions(cues, 'check-stores') || this.storesOk(typed)) return this.t.handled('status:check');
    return mentions(cues, 'store-status') && !rest.saysExpired && this.t.handled('status:check');
  }

  /**
   * "ร้านโอเคไหมคะ", "are the shops ok?": nothing but the store and whether it is fine (a platform
   * named is store-question.ts's; "it says the store is already connected to another account"
   * says more).
   */
  private storesOk(typed: string): boolean {
    const cues = this.t.cues(typed);
    // Asked, not told: "the store is connected to someone else's account!!!" is the problem (the
    // Thai phrasings carry their own question word: "ร้านโอเคไหมคะ").
    const thaiAsk = cues.spans.some((s) => s.cues.includes('store-ok') && /[\u0E00-\u0E7F]/u.test(cues.text.slice(s.start, s.end)));
    if (!mentions(cues, 'store-ok') || !(thaiAsk || this.t.asks(typed))) return false;
    const a = this.t.ctx.matcher.analyse(typed);
    if (!a.tokens.includes('store') || a.platforms.length > 0 || a.errorCodes.length > 0) return false;
    const rest = this.t.ctx.matcher.explain(without(cues, 'store-ok'));
    // "ร้านเราปกติดีไหมคะ ออเดอร์ไม่ค่อยเข้า": a worry no article answers is what the check is for.
    return (rest.analysis.content.every((w) => w === 'store') && !a.reportsProblem) || rest.decision !== 'answer';
  }

  /**
   * "ไม่มีเบอร์โทรเหรอคะ อยากโทรคุยมากกว่า" (no phone number? I'd rather call): support has no phone
   * line to give; it answers in the online chat or by e-mail, so the hand-over is offered. At the
   * hand-over's own questions its dialog says so.
   */
  wantsCall(typed: string): boolean {
    if (this.handover() || typed.length >= COMMAND_LENGTH || !mentions(this.t.cues(typed), 'wants-call')) return false;
    this.t.say(this.t.tr('handover.noPhone'), 'handover-offer');
    this.t.dialogs.handover.handover('asked');
    return true;
  }

  /**
   * "บอทตอบไม่รู้เรื่องเลย", "why is this so hard. useless bot": sorry, and a person offered (it was
   * "I only help with store connections"). Said with a platform or an error code, the problem
   * is what to answer.
   */
  complaint(typed: string): boolean {
    if (!this.aboutTheBot(typed, 'bot-complaint')) return false;
    this.t.dialogs.handover.handover('not-answered');
    return true;
  }

  /**
   * "แอดมินเป็นบอทหรือคนจริงคะ 555", "are you a bot?": who answers, and how to reach a person (it
   * was read as a request for one). Said with a platform or an error code, the problem first.
   */
  asksIfBot(typed: string): boolean {
    if (!this.aboutTheBot(typed, 'asks-if-bot')) return false;
    this.t.say(this.t.tr('smalltalk.isBot'), 'small-talk');
    return true;
  }

  /** A short message about the bot itself (the cue), outside a hand-over, naming no platform or code. */
  private aboutTheBot(typed: string, cue: Cue): boolean {
    if (this.handover() || typed.length >= COMMAND_LENGTH || !mentions(this.t.cues(typed), cue)) return false;
    return !this.t.namesPlatformOrCode(typed);
  }

  /**
   * "ส่งรูปให้ดูนะคะ", "I'll send you a screenshot": send it, with a few words of what it shows (it
   * was "I only help with store connections"); the question open stays open.
   */
  pictureComing(typed: string): boolean {
    if (this.handover()?.step === 'description' || typed.length >= COMMAND_LENGTH || !mentions(this.t.cues(typed), 'picture-coming')) return false;
    if (this.t.ctx.matcher.analyse(typed).reportsProblem) return false;
    this.t.say(this.t.tr('smalltalk.pictureComing'), 'small-talk');
    return true;
  }

  /**
   * "เลขเคสอะไรนะคะ", "ต้องรอกี่วันคะ", "how long until someone replies?" after a ticket: that ticket
   * again. The number asked for in a conversation that has none (it was forgotten after a day of
   * silence): the seller's tickets, from the outbox.
   */
  ticketAgain(typed: string): boolean {
    const ticket = this.t.state.ticket;
    if (this.handover() || typed.length >= COMMAND_LENGTH) return false;
    if (!ticket) return mentions(this.t.cues(typed), 'ticket-number') && this.t.handled('tickets');
    const cues = this.t.cues(typed);
    if (!mentions(cues, 'ticket-number', 'reply-time')) return false;
    // "ยังรอ OTP อยู่เลย": still waiting, but for something a platform or a code names: a problem.
    if (this.t.namesPlatformOrCode(without(cues, 'ticket-number', 'reply-time'))) return false;
    this.t.say(this.t.tr('handover.yourTicket', { ticket: ticket.id }), 'ticket');
    return true;
  }

  /**
   * "ทำได้แล้วค่ะ", "เจอแล้ว ขึ้นปกติค่ะ" after an article whose question is gone (a greeting, a
   * question in between): the article fixed it. Matched, "แก้ได้แล้ว" asked "did you mean".
   */
  fixedMeanwhile(typed: string): boolean {
    const { topic, resolved, question } = this.t.state;
    if (!topic || question || typed.length >= SHORT_ANSWER) return false;
    const cues = this.t.cues(typed);
    if (!mentions(cues, 'fixed') || mentions(cues, 'negation', 'not-fixed', 'still', 'question')) return false;
    if (this.t.reply(typed).acts.includes('send') || this.t.ctx.matcher.analyse(typed).reportsProblem) return false;
    // Said again after it was recorded ("ขอบคุณค่ะ" then "แก้ได้แล้วค่ะ"): glad, and nothing counted twice.
    if (resolved?.topic === topic) {
      this.t.say(this.t.tr(this.t.dialogs.feedback.feedbackKey('thanks')), 'resolved');
      return true;
    }
    return this.t.handled('feedback:yes');
  }

  /** The hand-over being prepared, when its question is the open one. */
  private handover() {
    return this.t.state.question?.kind === 'handover' ? this.t.state.draft : undefined;
  }
}
