import { PLATFORM_NAMES, type Topic } from '../../knowledge/schema';
import type { Explained } from '../../matching/matcher';
import type { EscalationCase } from '../ports';
import { parseEmailAddress, suggestEmailAddress } from '../../escalation/email-address';
import { caseUserKey, type Act, type Choice, type HandoverReason, type Turn } from '../messages';
import type { Reading } from '../reading';
import { mentions } from '../cues';
import { HandoverAnswers } from './handover-answers';
import { DEFAULT_TICKET_OPEN_SECONDS, MAX_DESCRIPTION } from '../phrases';
import type { TurnContext } from '../turn-context';

/** The hand-over to support: the offer, the e-mail and description questions, the summary, and the ticket. */
export class HandoverDialog {
  private readonly answers: HandoverAnswers;

  constructor(private readonly t: TurnContext) {
    this.answers = new HandoverAnswers(t, this);
  }

  /** The hand-over offer: the case goes to support by e-mail once the seller agrees. */
  /** `lead`: the locale key of the line before the offer, when it is not the reason's own. */
  handover(reason: HandoverReason, lead?: { key: string; act: Act }): void {
    if (!this.open(reason)) return;
    this.t.say(this.whatIsSent(lead?.key ?? `handover.reason.${reason}`), lead?.act ?? 'handover-offer');
    this.t.offer(this.t.tr('handover.ask'), this.handoverChoices(), 'handover-offer');
  }

  /**
   * "send it to support", "ส่งเรื่องเลยค่ะ" typed before any offer: the seller agreed already, so
   * what is sent and how support answers introduces the first question (usually the e-mail)
   * rather than asking "shall I send it?" again; Cancel stays on every step.
   */
  consented(reason: HandoverReason): void {
    if (!this.open(reason)) return;
    const h = this.t.state.draft!;
    const next: Act = !h.email ? 'ask-email' : h.description !== undefined ? 'handover-summary' : 'ask-description';
    this.t.say(this.whatIsSent(`handover.reason.${reason}`), next);
    this.handoverStep('start');
  }

  /** The reason's line (a locale key), then what is sent to support and how it answers. */
  private whatIsSent(leadKey: string): string {
    return [this.t.tr(leadKey), this.t.tr('handover.offer')].filter(Boolean).join(' ');
  }

  /**
   * A hand-over begins: false when the seller's recent ticket is told instead ("a person,
   * please" again, with nothing new since it: the seller went through the e-mail, description
   * and summary to hear it exists).
   */
  private open(reason: HandoverReason): boolean {
    const ticket = this.t.state.ticket;
    const nothingNew = this.t.state.platforms.length === 0 && this.t.state.errorCodes.length === 0 && this.t.state.tried.length === 0;
    const openMs = (this.t.ctx.ticketOpenSeconds ?? DEFAULT_TICKET_OPEN_SECONDS) * 1000;
    if (reason === 'asked' && ticket && nothingNew && Date.parse(this.t.at) - Date.parse(ticket.at) < openMs) {
      this.t.events.push({ type: 'ticket', ticket: ticket.id, existing: true, limited: false });
      this.t.offer(this.t.tr('handover.alreadyOpen', { ticket: ticket.id }), this.t.menuChoices(), 'ticket');
      return false;
    }
    this.t.events.push({ type: 'handover-offered', reason });
    this.t.state.handoverOffered = { reason, at: this.t.at };
    this.t.state.misses = 0;
    this.t.state.question = { kind: 'handover' };
    this.t.state.draft = { step: 'offer', reason, email: this.t.state.contactEmail };
    return true;
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

  /** The step's question answered in words (handover-answers.ts). */
  takeReply(r: Reading): boolean {
    return this.answers.takeReply(r);
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
    if (step === 'cancel' || step === 'later') {
      if (h) this.t.events.push({ type: 'handover-cancelled' });
      this.t.state.draft = undefined;
      this.t.state.question = undefined;
      // Later: "take your time", as at "did this fix it?"; cancelled: where else support answers, and the menu.
      if (step === 'later') return this.t.say(this.t.tr('feedback.later'), 'small-talk');
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
        // Skipped is answered: a new address later goes back to the summary, not to this question.
        h.description ??= '';
        return this.confirmHandover();
      case 'email-fix':
        return this.emailChecked(false);
      case 'email-keep':
        return this.emailChecked(true);
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

  /**
   * An address typed: taken, or asked again when it is no address ("kanya@yahoo"), or checked
   * when it looks mistyped ("somchai@gmial.con": support's answer would bounce).
   */
  handoverEmail(typed: string): void {
    const email = parseEmailAddress(typed);
    const h = this.t.state.draft!;
    h.step = 'email';
    this.t.state.question = { kind: 'handover' };
    if (!email) return this.t.offer(this.t.tr('handover.badEmail'), [this.t.cancelChoice()], 'ask-email');
    const suggested = suggestEmailAddress(email);
    if (suggested) {
      h.emailCheck = { typed: email, suggested };
      return this.t.offer(this.t.tr('handover.emailTypo', { typed: email, suggested }), [
        { label: this.t.tr('handover.emailFix'), action: 'handover:email-fix' },
        { label: this.t.tr('handover.emailKeep'), action: 'handover:email-keep' },
        this.t.cancelChoice(),
      ], 'ask-email');
    }
    this.takeEmail(email, typed);
  }

  /** "Did you mean …?" answered: the suggested address, or the one typed. */
  emailChecked(keep: boolean): void {
    const check = this.t.state.draft?.emailCheck;
    if (!check) return this.askEmail();
    this.t.state.draft!.emailCheck = undefined;
    this.takeEmail(keep ? check.typed : check.suggested);
  }

  private takeEmail(email: string, typed?: string): void {
    const h = this.t.state.draft!;
    h.emailCheck = undefined;
    h.email = email;
    this.t.state.contactEmail = email;
    // "ติดต่อกลับที่ … ได้เลยค่ะ ไม่มีอะไรเพิ่มแล้ว": the address, and nothing to add (it was asked for).
    if (typed && mentions(this.t.cues(typed), 'nothing-more')) h.description ??= '';
    if (h.description !== undefined) return this.confirmHandover();
    this.askDescription();
  }

  /** The description asked for; asked again from the summary, what to add to it. */
  askDescription(): void {
    this.t.state.question = { kind: 'handover' };
    this.t.state.draft!.step = 'description';
    const key = this.t.state.draft!.description === undefined ? 'handover.askDescription' : 'handover.askAddition';
    this.t.offer(this.t.tr(key), [{ label: this.t.tr('handover.skip'), action: 'handover:skip' }, this.t.cancelChoice()], 'ask-description');
  }

  /** Adds what the seller typed at the summary to the problem and shows the summary again (false: it would be too long). */
  addToProblem(text: string): boolean {
    const h = this.t.state.draft!;
    const before = h.description || this.t.memory.firstWords().join(' / ');
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
    // Asked from the summary what to add: added, the description kept.
    const before = this.t.state.draft!.description;
    if (before && `${before} / ${typed}`.length <= MAX_DESCRIPTION) this.t.state.draft!.description = `${before} / ${typed}`;
    else this.t.state.draft!.description = typed;
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
      userKey: caseUserKey(this.t.turn),
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
    const handedOver = this.t.state.startedAt;
    this.t.memory.newProblem();
    const key = r.limited ? 'handover.limited' : r.existing ? 'handover.existing' : 'handover.created';
    this.t.say(this.t.tr(key, { ticket: r.ticket, email }), 'ticket');
    if (!r.limited && !r.existing) this.t.dialogs.rating.ask(handedOver);
  }
}
