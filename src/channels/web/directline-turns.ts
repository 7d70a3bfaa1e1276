import type { Bot } from '../../conversation/bot';
import { KeyedLock } from '../../conversation/keyed-lock';
import type { Turn } from '../../conversation/messages';
import { redactMessage } from '../../escalation/redact';
import type { Logger } from '../../logger';
import type { DirectLineStore } from '../../storage/directline-store';
import { InFlight } from '../in-flight';
import { BOT_NAME, toActivities } from './render';

export const BOT = { id: 'bot', name: BOT_NAME, role: 'bot' };
export const APOLOGY =
  'ขออภัยค่ะ ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง / Sorry, something went wrong on our side. Please try again.';

export interface TurnDeps {
  bot: Bot;
  store: DirectLineStore;
  log: Logger;
  now: () => Date;
  /** Relative image and link URLs in answers are made absolute with it. */
  publicBaseUrl?: string;
}

/** The bot's side of a Direct Line conversation: its turns, their answers and the activity log. */
export class DirectLineTurns {
  // Turns of one conversation run in arrival order, so replies never interleave.
  private readonly lock = new KeyedLock();
  private readonly inflight = new InFlight();

  constructor(private readonly deps: TurnDeps) {}

  // The store tells the conversation's open streams, here and on other instances.
  append(conversationId: string, draft: Record<string, unknown>) {
    return this.deps.store.appendActivity(conversationId, {
      timestamp: this.deps.now().toISOString(),
      channelId: 'directline',
      conversation: { id: conversationId },
      ...draft,
    });
  }

  /**
   * Runs a turn and appends the bot's answer. A failing bot costs the seller one apology, never
   * the server; a failing store is logged (the caller does not wait for this promise).
   */
  run(turn: Turn, replyToId?: string): Promise<void> {
    const { bot, log } = this.deps;
    return this.lock
      .run(turn.conversationId, async () => {
        const extra = replyToId ? { replyToId } : {};
        try {
          const messages = await bot.handle(turn);
          const ctx = { conversationId: turn.conversationId, botId: BOT.id, locale: turn.locale, baseUrl: this.deps.publicBaseUrl };
          for (const a of toActivities(messages, ctx)) await this.append(turn.conversationId, { ...a, ...extra });
        } catch (err) {
          log.error({ err, requestId: turn.requestId, conversation: turn.conversationId, kind: turn.kind }, 'web turn failed');
          await this.append(turn.conversationId, { type: 'message', from: BOT, text: APOLOGY, textFormat: 'plain', channelData: { act: 'error' }, ...extra });
        }
      })
      .catch((err: unknown) => log.error({ err, conversation: turn.conversationId }, 'storing the reply failed'));
  }

  /** Runs the turn after the HTTP answer has gone; idle() waits for it. */
  runLater(turn: Turn, replyToId: string): void {
    void this.inflight.track(this.run(turn, replyToId));
  }

  /** The conversation's reading of a message, under its lock: after the turns before it. */
  hear(turn: Turn, text: string): Promise<string> {
    return this.lock.run(turn.conversationId, () => this.heardText(turn, text));
  }

  /** Resolves once no turn is being answered (shutdown). */
  idle(): Promise<void> {
    return this.inflight.idle();
  }

  /** The conversation's own reading of a message; the shape rules alone if it cannot be had. */
  private async heardText(turn: Turn, text: string): Promise<string> {
    try {
      return (await this.deps.bot.hear?.(turn)) ?? redactMessage(text).text;
    } catch (err) {
      this.deps.log.warn({ err, conversation: turn.conversationId }, 'reading the conversation for its redaction failed');
      return redactMessage(text).text;
    }
  }
}
