import { PLATFORM_NAMES, type Topic } from '../../knowledge/schema';
import type { Explained } from '../../matching/matcher';
import type { EscalationCase } from '../ports';
import { parseEmailAddress } from '../../escalation/email-address';
import type { Choice, HandoverReason, Turn } from '../messages';
import { DEFAULT_TICKET_OPEN_SECONDS, MAX_DESCRIPTION, NOT_ABOUT_A_STORE } from '../phrases';
import { mentions, without } from '../cues';
import { onlySays, startsWith } from '../replies';
import type { HandoverDraft } from '../state';
import type { Reading } from '../reading';
import type { TurnContext } from '../turn-context';

/** The hand-over to support: the offer, the e-mail and description questions, the summary, and the ticket. */
export class HandoverDialog {
  constructor(private readonly t: TurnContext) {}

  /** The hand-over offer: the case goes to support by e-mail once the seller agrees. */
  handover(reason: HandoverReason): void {
    // "A person, please" again, with nothing new since the last ticket: that ticket, at once (the
    // seller went through the e-mail, description and summary to hear it exists).
    const ticket = this.t.state.ticket;
    const nothingNew = this.t.state.platforms.length === 0 && this.t.state.errorCodes.length === 0 && this.t.state.tried.length === 0;
    const openMs = (this.t.ctx.ticketOpenSeconds ?? DEFAULT_TICKET_OPEN_SECONDS) * 1000;
    if (reason === 'asked' && ticket && nothingNew && Date.parse(this.t.at) - Date.parse(ticket.at) < openMs) {
      this.t.events.push({ type: 'ticket', ticket: ticket.id, existing: true, limited: false });
      return this.t.offer(this.t.tr('handover.alreadyOpen', { ticket: ticket.id }), this.t.menuChoices(), 'ticket');
    }
    this.t.events.push({ type: 'handover-offered', reason });
    this.t.state.handoverOffered = { reason, at: this.t.at };
    this.t.state.misses = 0;
    this.t.state.question = { kind: 'handover' };
    this.t.state.draft = { step: 'offer', reason, email: this.t.state.contactEmail };
    const lead = this.t.tr(`handover.reason.${reason}`);
    this.t.say([lead, this.t.tr('handover.offer')].filter(Boolean).join(' '), 'handover-offer');
    this.t.offer(this.t.tr('handover.ask'), this.handoverChoices(), 'handover-offer');
  }

  /** The step's question again: the offer, the e-mail, the description or the summary. */
  askAgain(): void {
    const h = this.t.state.draft;
    if (h?.step === 'offer') return this.t.offer(this.t.tr('handover.ask'), this.handoverChoices(), 'handover-offer');
    if (h?.step === 'email') return this.askEmail();
    if (h?.step === 'description') return this.askDescription();
    if (h?.step === 'confirm') return this.confirmHandover();
    this.t.welcome(true);
  }

  /** The step's question answered in words: first those read alone, then with the matcher's reading. */
  takeReply(r: Reading): boolean {
    const h = this.t.state.draft;
    if (!h) return false;
    if (this.typed(r.typed, h)) return true;
    // What the seller says joins the memory first: the summary shows a platform named at it.
    r.remember();
    return this.matched(r.typed, r.text, r.m, h);
  }

  takeButton(arg: string): void {
    if (arg) this.handoverStep(arg);
    else this.handover('asked');
  }

  /** The offer's buttons, in the conversation's language of the moment. */
  handoverChoices(): Choice[] {
    return [
      { label: this.t.tr('handover.send'), action: 'handover:start' },
      { label: this.t.tr('handover.notNow'), action: 'handover:cancel' },
    ];
  }

  private handoverStep(step: string): void {
    const h = this.t.state.draft;
    if (step === 'cancel') {
      if (h) this.t.events.push({ type: 'handover-cancelled' });
      this.t.state.draft = undefined;
      this.t.state.question = undefined;
      this.t.say(this.t.tr('handover.cancelled', { email: this.t.ctx.supportEmail }), 'handover-cancelled');
      return this.t.welcome(true);
    }
    if (!h) return this.handover('asked');
    switch (step) {
      case 'start':
        if (!h.email) return this.askEmail();
        return h.description !== undefined ? this.confirmHandover() : this.askDescription();
      case 'email':
        return this.askEmail();
      case 'skip':
        return this.confirmHandover();
      case 'confirm':
        return this.requestTicket();
      default:
        return this.confirmHandover();
    }
  }

  askEmail(): void {
    this.t.state.question = { kind: 'handover' };
    this.t.state.draft!.step = 'email';
    this.t.offer(this.t.tr('handover.askEmail'), [this.t.cancelChoice()], 'ask-email');
  }

  handoverEmail(typed: string): void {
    const email = parseEmailAddress(typed);
    if (!email) return this.t.offer(this.t.tr('handover.badEmail'), [this.t.cancelChoice()], 'ask-email');
    this.t.state.draft!.email = email;
    this.t.state.contactEmail = email;
    if (this.t.state.draft!.description !== undefined) return this.confirmHandover();
    this.askDescription();
  }

  askDescription(): void {
    this.t.state.question = { kind: 'handover' };
    this.t.state.draft!.step = 'description';
    this.t.offer(this.t.tr('handover.askDescription'), [{ label: this.t.tr('handover.skip'), action: 'handover:skip' }, this.t.cancelChoice()], 'ask-description');
  }

  /** Adds what the seller typed at the summary to the problem and shows the summary again (false: it would be too long). */
  addToProblem(text: string): boolean {
    const h = this.t.state.draft!;
    const before = h.description ?? this.t.memory.firstWords().join(' / ');
    const description = before ? `${before} / ${text}` : text;
    if (description.length > MAX_DESCRIPTION) return false;
    h.description = description;
    this.confirmHandover();
    return true;
  }

  handoverDescription(typed: string, analysis: Explained['analysis']): void {
    if (typed.length > MAX_DESCRIPTION) {
      return this.t.offer(this.t.tr('handover.tooLong', { max: MAX_DESCRIPTION, length: typed.length }), [
        { label: this.t.tr('handover.skip'), action: 'handover:skip' },
        this.t.cancelChoice(),
      ], 'ask-description');
    }
    this.t.state.draft!.description = typed;
    // The description may name a platform or an error code the chat never did: support needs both.
    this.t.memory.rememberEntities(analysis);
    this.confirmHandover();
  }

  confirmHandover(): void {
    const h = this.t.state.draft!;
    this.t.state.question = { kind: 'handover' };
    h.step = 'confirm';
    const none = this.t.tr('handover.summary.none');
    const titles = this.t.state.tried.map((id) => this.t.ctx.kb.byId.get(id)?.[this.t.lang].title ?? id);
    const summary = [
      this.t.tr('handover.summary.title'),
      `${this.t.tr('handover.summary.email')}: ${h.email}`,
      `${this.t.tr('handover.summary.problem')}: ${this.problemInWords()}`,
      `${this.t.tr('handover.summary.platform')}: ${this.t.state.platforms.map((p) => PLATFORM_NAMES[p]).join(', ') || none}`,
      `${this.t.tr('handover.summary.errors')}: ${this.t.state.errorCodes.join(', ') || none}`,
      `${this.t.tr('handover.summary.tried')}: ${titles.join(', ') || none}`,
    ].join('\n');
    this.t.offer(summary, [
      { label: this.t.tr('handover.confirm'), action: 'handover:confirm' },
      { label: this.t.tr('handover.changeEmail'), action: 'handover:email' },
      this.t.cancelChoice(),
    ], 'handover-summary');
  }

  /** The seller's own words: the description, else the first things they typed. */
  problemInWords(): string {
    const h = this.t.state.draft;
    if (h?.description) return h.description;
    return this.t.memory.firstWords().join(' / ') || this.t.tr('handover.summary.none');
  }

  requestTicket(): void {
    const h = this.t.state.draft!;
    if (!h.email) return this.askEmail();
    // Support gets a snapshot of the stores with the case, taken now unless one is fresh.
    if (this.t.turn.accountId && !this.t.dialogs.status.freshSnapshot()) return this.t.dialogs.status.requestStatus('handover');
    this.fileTicket();
  }

  fileTicket(): void {
    const h = this.t.state.draft!;
    if (!h.email) return this.askEmail();
    const topics = this.t.state.tried.map((id) => this.t.ctx.kb.byId.get(id)).filter((t): t is Topic => !!t);
    const escalation: EscalationCase = {
      userKey: `${this.t.turn.channel}:${this.t.turn.userId}`,
      channel: this.t.turn.channel,
      userRef: `${this.t.turn.channel}:${this.t.turn.userId}`,
      lang: this.t.lang,
      contactEmail: h.email,
      problem: this.problemInWords(),
      reason: h.reason,
      platforms: this.t.state.platforms,
      errorCodes: this.t.state.errorCodes,
      articlesTried: topics.map((t) => ({
        topic: t.id,
        title: t.en.title,
        outcome: this.t.state.notFixed.includes(t.id) ? 'not fixed' : this.t.state.resolved?.topic === t.id ? 'fixed' : 'no answer',
      })),
      needsAccountCredentials: topics.some((t) => t.support.needsAccountCredentials),
      accountId: this.t.turn.accountId,
      statusSnapshot: this.t.state.statusSnapshot,
      transcript: this.t.state.transcript,
      screenshots: (this.t.state.screenshots ?? []).map(({ ref, contentType }) => ({ ref, contentType })),
      createdAt: this.t.at,
    };
    this.t.effect = { type: 'create-ticket', case: escalation };
  }

  /** The outbox has the case (or failed to take it): tell the seller. */
  ticketCreated(turn: Turn): void {
    const r = turn.ticket;
    const email = this.t.state.draft?.email ?? this.t.state.contactEmail ?? '';
    if (!r || 'error' in r) {
      // Nothing was queued: keep the prepared case so "Send" can be pressed again.
      this.t.offer(this.t.tr('handover.failed', { email: this.t.ctx.supportEmail }), [
        { label: this.t.tr('handover.confirm'), action: 'handover:confirm' },
        this.t.cancelChoice(),
      ], 'error');
      return;
    }
    this.t.events.push({ type: 'ticket', ticket: r.ticket, existing: r.existing, limited: r.limited });
    this.t.state.ticket = { id: r.ticket, at: this.t.at };
    this.t.state.draft = undefined;
    this.t.state.question = undefined;
    this.t.state.offered = [];
    this.t.memory.newProblem();
    const key = r.limited ? 'handover.limited' : r.existing ? 'handover.existing' : 'handover.created';
    this.t.say(this.t.tr(key, { ticket: r.ticket, email }), 'ticket');
  }

  /**
   * The hand-over's open question answered in words, before any matching: not now, an address,
   * "I have no e-mail", the description or a skip, yes / send / no / change the e-mail. True
   * when it was handled.
   */
  private typed(typed: string, h: HandoverDraft): boolean {
    const reply = this.t.reply(typed);
    // "ยกเลิก", "ไว้ก่อนค่ะ เดี๋ยวลองเปลี่ยนรหัสดูก่อน", "ไม่ได้จะส่งเรื่องค่ะ แค่บ่น": not now. At the
    // description a sentence starting so may be the problem itself ("ยกเลิกคำสั่งซื้อไม่ได้").
    if (onlySays(reply, 'cancel', 'later') || (h.step !== 'description' && startsWith(reply, 'cancel', 'later'))) return this.t.handled('handover:cancel');
    // "ขอบคุณค่า 🙏", "ขอบคุณค่ะ เดี๋ยวลองเองก่อน" at the offer or the e-mail question: the seller is
    // done for now, nothing to send.
    if ((h.step === 'offer' || h.step === 'email') && onlySays(reply, 'thanks', 'later', 'cancel')) return this.t.handled('handover:cancel');
    // An address typed at the offer says yes and answers the next question at once; at the
    // summary it replaces the one there. Anything else at the e-mail question is matched
    // first (questionAnswered).
    // At the description too: the address was known and not asked for, and the seller gives theirs.
    if ((h.step === 'email' || h.step === 'offer' || h.step === 'confirm' || h.step === 'description') && parseEmailAddress(typed)) {
      this.handoverEmail(typed);
      return true;
    }
    // "I have no e-mail, can you call me?" at the offer: support answers by e-mail only; said
    // before the seller is asked for an address they do not have (it was taken for a yes).
    const cues = this.t.cues(typed);
    if (h.step === 'offer' && mentions(cues, 'no-email')) {
      this.t.offer(this.t.tr('handover.noEmail'), [{ label: this.t.tr('handover.send'), action: 'handover:start' }, this.t.cancelChoice()], 'handover-offer');
      return true;
    }
    if (h.step === 'description') {
      // "ข้าม", "ไม่มีจ้า", and "ok", "ใช่ค่ะ", "send it": go ahead without one (they were taken for the description).
      if (onlySays(reply, 'skip', 'no', 'yes', 'send')) return this.t.handled('handover:skip');
      // "อืม", "hmm": nothing described yet, so the question again.
      const analysis = this.t.ctx.matcher.analyse(typed);
      if (analysis.content.length === 0) {
        this.askDescription();
        return true;
      }
      this.handoverDescription(typed, analysis);
      return true;
    }
    // "still not working", "ลองแล้วก็ยังไม่ได้ค่ะ" at the offer: it did not help, which is why it
    // is there; the offer again (it was "tell me more" with the menu, or "did you mean").
    if (h.step === 'offer' && mentions(cues, 'not-fixed', 'tried') && this.t.saysNothing(without(cues, 'not-fixed', 'tried'))) {
      this.t.askAgain();
      return true;
    }
    // Sellers often answer the question in words: "ได้คับ ส่งเลย", "ถูกต้องแล้วส่งได้เลยค่ะ", "ส่ง".
    if (h.step === 'offer' || h.step === 'confirm') {
      if (onlySays(reply, 'yes', 'send')) return this.t.handled(h.step === 'offer' ? 'handover:start' : 'handover:confirm');
      // "ไม่ค่ะ" / "no" to the offer, or to the summary's "send this?": not sent.
      if (onlySays(reply, 'no')) return this.t.handled('handover:cancel');
      if (h.step === 'confirm' && (onlySays(reply, 'change-email') || mentions(cues, 'change-email'))) return this.t.handled('handover:email');
    }
    return false;
  }

  /**
   * The hand-over's open question answered with words the matcher has read (m): at the e-mail
   * question, more about a problem already tried, another problem, or no address; at the
   * summary, more for support; at the offer, details that say yes. True when handled; false
   * to go on as a new message (at the e-mail question a known problem drops the hand-over).
   */
  private matched(typed: string, text: string, m: Explained, handover: HandoverDraft): boolean {
    const cues = this.t.cues(typed);
    // "no e-mail", "change my e-mail" are talk of e-mail too (the longer cue is the one read).
    const aboutEmail = mentions(cues, 'mentions-email', 'no-email', 'change-email');
    // At the e-mail question, a problem the matcher knows ("ร้าน lazada ขึ้น PASSWORD_NOT_MATCH")
    // is answered, and the hand-over being prepared dropped (nothing was sent; it is offered
    // again when the answer does not help); anything else is asked again for an address.
    if (handover.step === 'email') {
      // More about a problem whose article was already shown ("the OTP I got says expired when
      // I enter it", after the OTP article): for support, with the description; the address is
      // still asked for (the hand-over was dropped for that article again).
      if (m.decision === 'answer' && this.t.state.tried.includes(m.topic!) && !aboutEmail && text.length <= MAX_DESCRIPTION) {
        handover.description = handover.description ? `${handover.description} / ${text}` : text;
        this.t.offer(this.t.tr('handover.askEmail'), [this.t.cancelChoice()], 'ask-email');
        return true;
      }
      // How to reach support ("can't you answer me here?") is what the hand-over is doing.
      if (m.decision === 'answer' && !aboutEmail && !NOT_ABOUT_A_STORE.has(m.topic!)) {
        this.t.state.draft = undefined;
        this.t.state.question = undefined;
        return false;
      }
      // "I have no e-mail, can you call me?": support answers by e-mail only; say so, and what else there is.
      // A sentence, not an address ("can't you answer me here on LINE?", "I want a real person"):
      // why an address is needed, not "this e-mail looks invalid".
      const sentence = !typed.includes('@') && !aboutEmail && (/\s/.test(typed) || /[\u0E00-\u0E7F]/.test(typed));
      if (mentions(cues, 'no-email') || sentence) {
        this.t.offer(this.t.tr('handover.noEmail'), [this.t.cancelChoice()], 'ask-email');
        return true;
      }
      this.handoverEmail(typed);
      return true;
    }
    // At the summary, what the seller adds ("the shop is LZ-Bangkok and the login page just
    // spins", "changed the password and it still shows") is for support: it joins the problem's
    // words and the summary comes again (it was answered as off-topic, with "did you mean" or
    // with the article already tried, and the summary's buttons were gone). A problem the
    // matcher knows and the seller has not tried yet is still answered.
    const alreadyTried = m.decision === 'answer' && this.t.state.tried.includes(m.topic!);
    if (handover.step === 'confirm' && (m.decision === 'none' || m.decision === 'clarify' || alreadyTried) && !m.analysis.smallTalk && m.analysis.content.length > 0) {
      if (this.addToProblem(text)) return true;
    }
    if (m.decision !== 'none') return false;
    // Details typed at the hand-over offer ("the shop is LZ-Bangkok, the e-mail changed last
    // week") that answer nothing and are no other question (far from the out-of-scope
    // examples): written for support, so a yes with the description.
    const details = !m.analysis.smallTalk && m.analysis.content.length >= 3 && m.farFromOutOfScope && text.length <= MAX_DESCRIPTION;
    if (handover.step === 'offer' && details) {
      handover.description = text;
      return this.t.handled('handover:start');
    }
    return false;
  }
}
