import { PLATFORM_NAMES } from '../../knowledge/schema';
import { caseUserKey, type ChannelId, type TicketSummary, type Turn } from '../messages';
import type { TurnContext } from '../turn-context';

/** How far back "my tickets" looks (the Redis outbox keeps a ticket this long). */
export const TICKETS_DAYS = 30;
/** The newest this many are listed; one more is asked for, to know there are older ones. */
export const TICKETS_SHOWN = 5;
const DAY_MS = 24 * 3600 * 1000;
/**
 * Channels that prove who the seller is (LINE signs its webhooks): there all the seller's
 * tickets are listed. Elsewhere the user id is the client's word (the web widget's `user.id`),
 * and anyone could give another seller's: only this conversation's own ticket is told.
 */
const PROVEN_SELLERS: ReadonlySet<ChannelId> = new Set(['line']);

/**
 * "p***@gmail.com": enough for the seller to know which address support writes to, not enough
 * for whoever sees the phone's screen to write to it.
 */
export function maskEmailAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const first = [...address][0];
  return at > 0 && first ? `${first}***${address.slice(at)}` : '***';
}

/**
 * "My tickets" (the LINE rich menu's `tickets`, or typed): the seller's hand-overs from this
 * chat in the last TICKETS_DAYS days, each with what became of it in the outbox, told honestly.
 */
export class TicketsDialog {
  constructor(private readonly t: TurnContext) {}

  /** The list opens no question of its own (the one open is asked again after it): the menu. */
  askAgain(): void {
    this.t.welcome(true);
  }

  /** The list asks nothing the seller answers in words. */
  takeReply(): boolean {
    return false;
  }

  takeButton(): void {
    this.requestTickets();
  }

  /** Asks the outbox for this seller's tickets, under the key their cases are filed with. */
  requestTickets(): void {
    if (!this.provenSeller() && !this.t.state.ticket) return this.tell([]);
    const since = new Date(Date.parse(this.t.at) - TICKETS_DAYS * DAY_MS).toISOString();
    this.t.effect = { type: 'list-tickets', userKey: caseUserKey(this.t.turn), since, limit: TICKETS_SHOWN + 1 };
  }

  /** The outbox answered (or failed): the tickets, then the open question again or the menu. */
  ticketsListed(turn: Turn): void {
    const r = turn.tickets;
    const own = this.t.state.ticket?.id;
    this.tell(!r || 'error' in r || this.provenSeller() ? r : r.filter((x) => x.ticket === own));
  }

  private provenSeller(): boolean {
    return PROVEN_SELLERS.has(this.t.turn.channel);
  }

  private tell(r: Turn['tickets']): void {
    const days = TICKETS_DAYS;
    if (!r || 'error' in r) this.t.say(this.t.tr('tickets.unavailable'), 'error');
    else if (r.length === 0) this.t.say(this.t.tr('tickets.none', { days }), 'ticket');
    else {
      // A ticket support never got is not open: "a person, please" files it anew, rather than
      // telling the seller support has it.
      const current = this.t.state.ticket;
      if (current && r.some((x) => x.ticket === current.id && x.status === 'failed')) this.t.state.ticket = undefined;
      const lines = r.slice(0, TICKETS_SHOWN).map((x) => this.describe(x));
      if (r.length > TICKETS_SHOWN) lines.push(this.t.tr('tickets.older', { shown: TICKETS_SHOWN }));
      this.t.say([this.t.tr('tickets.intro', { days }), ...lines].join('\n'), 'ticket');
    }
    this.t.askAgain();
  }

  /** "BS-7K3M9Q — filed 5 Dec 14:02 about Lazada PASSWORD_NOT_MATCH — sent to support; …" */
  describe(x: TicketSummary): string {
    const subject = [...x.platforms.map((p) => PLATFORM_NAMES[p] ?? p), ...x.errorCodes].join(' ');
    const about = subject ? this.t.tr('tickets.about', { subject }) : '';
    return this.t.tr('tickets.line', { ticket: x.ticket, date: this.when(x.createdAt), about, state: this.stateOf(x) });
  }

  /** What the seller is told of each state: only what is known to have happened. */
  private stateOf(x: TicketSummary): string {
    switch (x.status) {
      case 'sent':
        return this.t.tr('tickets.state.sent', { email: maskEmailAddress(x.contactEmail) });
      case 'sending':
        return this.t.tr('tickets.state.sending');
      case 'failed':
        // Given up for good (refused, or undeliverable for two days): support never got it.
        return this.t.tr('tickets.state.failed', { email: this.t.ctx.supportEmail });
      default:
        // Pending after a try that did not go through: it is tried again by itself.
        return this.t.tr(x.attempts > 0 ? 'tickets.state.retrying' : 'tickets.state.waiting');
    }
  }

  /** "5 Dec 14:02" / "5 ธ.ค. 14:02", in Bangkok time. */
  private when(iso: string): string {
    const at = new Date(iso);
    const timeZone = 'Asia/Bangkok';
    const day = at.toLocaleDateString(this.t.lang === 'th' ? 'th-TH' : 'en-GB', { day: 'numeric', month: 'short', timeZone });
    const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone });
    return `${day} ${time}`;
  }
}
