import { userHash } from '../channels/line/screenshots';
import { webPictureFolder } from '../channels/web/directline-pictures';
import type { ConversationStore } from '../conversation/ports';
import { hideContactsDeep } from '../escalation/redaction/contacts';
import type { Outbox } from '../escalation/outbox';
import type { DirectLineStore } from '../storage/directline-store';
import type { OutcomeStore } from '../storage/outcome-store';
import type { SellerFiles } from '../storage/seller-files';

/** A seller, as support knows them: their LINE user id, the widget's user id, or a ticket of theirs. */
export type SellerQuery = { line: string } | { web: string } | { ticket: string };

const LINE_USER = /^U[0-9a-f]{32}$/i;
const TICKET = /^BS-[0-9A-Z]{6}$/i;
/** Tickets of one seller read at most (the daily limit keeps them few). */
const MAX_TICKETS = 1000;

export class SellerDataError extends Error {}

export interface FoundSeller {
  /** `line:<user id>` or `web:<user id>`: the key their cases are filed under. */
  userKey: string;
  /** Their conversations' keys (`line:<user id>`, `web:<conversation id>`). */
  conversations: string[];
  tickets: string[];
}

/** The query as given in a request (`line`, `web` or `ticket`, one of them), checked. */
export function sellerQueryOf(q: Record<string, unknown>): SellerQuery {
  const given = (['line', 'web', 'ticket'] as const).filter((k) => typeof q[k] === 'string' && (q[k] as string).trim() !== '');
  if (given.length !== 1) throw new SellerDataError('give one of line (LINE user id), web (the widget user id) or ticket');
  const kind = given[0]!;
  const value = (q[kind] as string).trim();
  if (kind === 'line' && !LINE_USER.test(value)) throw new SellerDataError('line: a LINE user id is U and 32 hex digits');
  if (kind === 'ticket' && !TICKET.test(value)) throw new SellerDataError('ticket: a ticket number is BS- and 6 letters or digits');
  if (value.length > 200) throw new SellerDataError(`${kind}: too long`);
  if (kind === 'line') return { line: `U${value.slice(1).toLowerCase()}` };
  return kind === 'ticket' ? { ticket: value.toUpperCase() } : { web: value };
}

/**
 * A seller's data across the stores (Thailand's PDPA: access and erasure): found by LINE user,
 * web user or ticket; exported as JSON; deleted from the conversation store (state and
 * transcript), the Direct Line history, the outcome records, the hand-over outbox, and this
 * instance's disk (kept pictures, saved .eml files).
 */
export class SellerData {
  constructor(
    private readonly deps: {
      conversations: ConversationStore;
      directLine: DirectLineStore;
      outbox: Outbox;
      outcomes: OutcomeStore;
      files: SellerFiles;
    },
  ) {}

  async find(q: SellerQuery): Promise<FoundSeller | undefined> {
    let userKey: string;
    if ('ticket' in q) {
      const record = await this.deps.outbox.get(q.ticket);
      if (!record) return undefined;
      userKey = record.userKey;
    } else userKey = 'line' in q ? `line:${q.line}` : `web:${q.web}`;
    const [channel, userId] = [userKey.slice(0, userKey.indexOf(':')), userKey.slice(userKey.indexOf(':') + 1)];
    const conversations = channel === 'line' ? [userKey] : (await this.deps.directLine.conversationsOf(userId)).map((id) => `web:${id}`);
    const tickets = (await this.deps.outbox.ticketsOf(userKey, new Date(0), MAX_TICKETS)).map((t) => t.ticket);
    if ('ticket' in q && !tickets.includes(q.ticket)) tickets.push(q.ticket);
    return { userKey, conversations, tickets };
  }

  /**
   * Everything kept of the seller, redacted as it was stored, and with the e-mail addresses and
   * phone numbers hidden: the console shows redacted text only (the transcript and the case keep
   * them for support, who answer by e-mail).
   */
  async export(found: FoundSeller): Promise<Record<string, unknown>> {
    return hideContactsDeep(await this.everything(found));
  }

  private async everything(found: FoundSeller): Promise<Record<string, unknown>> {
    const conversations = await Promise.all(
      found.conversations.map(async (key) => {
        const conversationId = key.slice(key.indexOf(':') + 1);
        const state = await this.deps.conversations.get(key);
        return {
          key,
          state: state ? { startedAt: state.startedAt, lastActiveAt: state.lastActiveAt, lang: state.lang, contactEmail: state.contactEmail, ticket: state.ticket } : null,
          transcript: await this.deps.conversations.transcript(key),
          directLine: key.startsWith('web:') ? (await this.deps.directLine.listActivities(conversationId, 0)).activities : [],
          outcomes: (await this.deps.outcomes.ofConversation(key)).map((r) => r.summary ?? { id: r.meta.id, startedAt: r.meta.startedAt, lastAt: r.lastAt, facts: r.facts }),
          pictures: this.deps.files.picturesIn(this.folderOf(key)),
        };
      }),
    );
    const tickets = await Promise.all(found.tickets.map(async (ticket) => ({ ...(await this.deps.outbox.get(ticket)), mailFile: this.deps.files.hasMail(ticket) ? `${ticket}.eml` : null })));
    return { userKey: found.userKey, exportedAt: new Date().toISOString(), conversations, tickets };
  }

  /** Deletes it all; the files on other processes' disks (with Redis) are deleted as they hear of it, and not counted. */
  async delete(found: FoundSeller): Promise<Record<string, number>> {
    const counts = { conversations: 0, directLine: 0, outcomeRecords: 0, tickets: 0, mailFiles: 0, pictures: 0 };
    for (const key of found.conversations) {
      if (await this.deps.conversations.get(key)) counts.conversations++;
      await this.deps.conversations.delete(key);
      if (key.startsWith('web:') && (await this.deps.directLine.forgetConversation(key.slice('web:'.length)))) counts.directLine++;
      counts.outcomeRecords += await this.deps.outcomes.forgetConversation(key);
    }
    for (const ticket of found.tickets) if (await this.deps.outbox.forget(ticket)) counts.tickets++;
    const files = await this.deps.files.erase({ folders: found.conversations.map((key) => this.folderOf(key)), tickets: found.tickets });
    return { ...counts, ...files };
  }

  /** The folder of a conversation's pictures, as each channel names it. */
  private folderOf(key: string): string {
    const id = key.slice(key.indexOf(':') + 1);
    return key.startsWith('line:') ? userHash(id) : webPictureFolder(id);
  }
}
