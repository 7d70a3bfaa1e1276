import path from 'node:path';
import Database from 'better-sqlite3';
import type { Act, Choice, CoreEvent, OutMessage, Turn } from '../../src/conversation/messages';
import { BotService } from '../../src/conversation/service';
import { toPlainText } from '../../src/conversation/plain-text';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';
import { loadTranslations } from '../../src/i18n';
import { SqliteConversationStore } from '../../src/storage/conversation-store';
import type { CoreContext } from '../../src/conversation/engine';
import type { EscalationCase, TicketResult } from '../../src/escalation/case';
import type { AccountStores } from '../../src/status/connector';

const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
export const core: CoreContext = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'support@bigseller.com' };

/** A channel that records what the bot says, the way a test user would see it. */
export class RecordingChannel {
  readonly bot: BotService;
  readonly store: SqliteConversationStore;
  readonly events: CoreEvent[] = [];
  /** Told of every turn as the app's outcome records are (BotServiceOptions.onEvents). */
  recorded?: (turn: Turn, events: CoreEvent[], context: { startedAt: string; acts: Act[] }) => void;
  /** Cases the bot filed; `escalation` decides what the fake outbox answers. */
  readonly cases: EscalationCase[] = [];
  /** The proven account of this conversation (web identity, LINE link), if any. */
  accountId?: string;
  readonly statusChecks: string[] = [];
  stores: (accountId: string) => Promise<AccountStores> = async () => {
    throw new Error('connector down');
  };
  escalation: (c: EscalationCase) => Promise<TicketResult> = async () => ({ ticket: `BS-TEST0${this.cases.length}`, existing: false, limited: false });
  clock = Date.parse('2026-11-28T10:00:00Z');

  constructor(
    readonly conversationId = 'c1',
    readonly locale?: string,
  ) {
    this.store = new SqliteConversationStore(new Database(':memory:'), () => this.clock);
    this.bot = new BotService({
      core,
      store: this.store,
      idleTtlSeconds: 3600,
      onEvents: (t, e, context) => {
        this.events.push(...e);
        this.recorded?.(t, e, context);
      },
      escalate: async (c) => {
        this.cases.push(c);
        return this.escalation(c);
      },
      checkStatus: async (id) => {
        this.statusChecks.push(id);
        return this.stores(id);
      },
    });
  }

  private turn(part: Partial<Turn>): Turn {
    return {
      channel: 'test',
      conversationId: this.conversationId,
      userId: 'u1',
      kind: 'message',
      locale: this.locale,
      accountId: this.accountId,
      at: new Date(this.clock).toISOString(),
      ...part,
    };
  }

  start(): Promise<OutMessage[]> {
    return this.bot.handle(this.turn({ kind: 'start' }));
  }

  /** `extra`: more of the turn, e.g. the replayId a channel gives each seller message. */
  send(text: string, extra: Partial<Turn> = {}): Promise<OutMessage[]> {
    return this.bot.handle(this.turn({ kind: 'message', text, ...extra }));
  }

  press(action: string, extra: Partial<Turn> = {}): Promise<OutMessage[]> {
    return this.bot.handle(this.turn({ kind: 'action', action, ...extra }));
  }

  /** The stored transcript (kept apart from the state). */
  transcript() {
    return this.store.transcript(BotService.key('test', this.conversationId));
  }

  state() {
    return this.store.get(BotService.key('test', this.conversationId));
  }
}

export function plain(messages: OutMessage[]): string {
  return messages.map((m) => toPlainText(m)).join('\n---\n');
}

export function choicesOf(messages: OutMessage[]): Choice[] {
  return messages.flatMap((m) => (m.type === 'choices' || m.type === 'card' ? m.choices : []));
}
