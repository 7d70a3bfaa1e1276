import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { CoreEvent, OutMessage, Turn } from '../../src/conversation/messages';
import { BotService } from '../../src/conversation/service';
import { toPlainText } from '../../src/conversation/plain-text';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';
import { loadTranslations } from '../../src/i18n';
import { openDatabase } from '../../src/storage/sqlite';
import { SqliteConversationStore } from '../../src/storage/conversation-store';
import type { CoreContext } from '../../src/conversation/engine';
import type { EscalationCase, TicketResult } from '../../src/escalation/case';

const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
export const core: CoreContext = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'support@bigseller.com' };

/** A channel that records what the bot says, the way a test user would see it. */
export class RecordingChannel {
  readonly bot: BotService;
  readonly store: SqliteConversationStore;
  readonly events: CoreEvent[] = [];
  /** Cases the bot filed; `escalation` decides what the fake outbox answers. */
  readonly cases: EscalationCase[] = [];
  escalation: (c: EscalationCase) => Promise<TicketResult> = async () => ({ ticket: `BS-TEST0${this.cases.length}`, existing: false, limited: false });
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-'));
  clock = Date.parse('2026-11-28T10:00:00Z');

  constructor(
    readonly conversationId = 'c1',
    readonly locale?: string,
  ) {
    this.store = new SqliteConversationStore(openDatabase(this.dataDir), () => this.clock);
    this.bot = new BotService({
      core,
      store: this.store,
      idleTtlSeconds: 3600,
      onEvents: (_t, e) => this.events.push(...e),
      escalate: async (c) => {
        this.cases.push(c);
        return this.escalation(c);
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
      at: new Date(this.clock).toISOString(),
      ...part,
    };
  }

  start(): Promise<OutMessage[]> {
    return this.bot.handle(this.turn({ kind: 'start' }));
  }

  send(text: string): Promise<OutMessage[]> {
    return this.bot.handle(this.turn({ kind: 'message', text }));
  }

  press(action: string): Promise<OutMessage[]> {
    return this.bot.handle(this.turn({ kind: 'action', action }));
  }

  state() {
    return this.store.get(BotService.key('test', this.conversationId));
  }
}

export function plain(messages: OutMessage[]): string {
  return messages.map((m) => toPlainText(m)).join('\n---\n');
}

export function choicesOf(messages: OutMessage[]): { label: string; action: string }[] {
  return messages.flatMap((m) => (m.type === 'choices' || m.type === 'card' ? m.choices : []));
}
