import type { Bot } from '../../conversation/bot';
import { KeyedLock } from '../../conversation/keyed-lock';
import type { Turn } from '../../conversation/messages';
import { redactMessage } from '../../escalation/redact';
import type { Logger } from '../../logger';
import type { DirectLineStore } from '../../storage/directline-store';
import type { BurstGate } from '../burst-gate';
import { InFlight } from '../in-flight';
import type { Fragment } from '../../storage/burst-store';
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
  bursts?: BurstGate;
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
  run(turn: Turn, replyToId?: string, piece?: Fragment): Promise<void> {
    const { bot, log } = this.deps;
    return this.lock
      .run(turn.conversationId, async () => {
        const extra = replyToId ? { replyToId } : {};
        try {
          // A piece of a burst: a later piece's turn answers them all, or this one does, with all.
          const burst = piece && this.deps.bursts ? await this.deps.bursts.settle(turn.conversationId, piece) : undefined;
          if (piece && burst === undefined) return;
          const messages = await bot.handle(burst === undefined ? turn : { ...turn, text: burst });
          const ctx = { conversationId: turn.conversationId, botId: BOT.id, locale: turn.locale, baseUrl: this.deps.publicBaseUrl };
          for (const a of toActivities(messages, ctx)) await this.append(turn.conversationId, { ...a, ...extra });
        } catch (err) {
          log.error({ err, requestId: turn.requestId, conversation: turn.conversationId, kind: turn.kind }, 'web turn failed');
          await this.append(turn.conversationId, { type: 'message', from: BOT, text: APOLOGY, textFormat: 'plain', channelData: { act: 'error' }, ...extra });
        }
      })
      .catch((err: unknown) => log.error({ err, conversation: turn.conversationId }, 'storing the reply failed'));
  }

  /**
   * Runs the turn after the HTTP answer has gone; idle() waits for it. `heard`: the message as
   * the conversation keeps it; typed text it did not change may join the seller's burst.
   */
  runLater(turn: Turn, replyToId: string, heard?: string): void {
    const bursts = this.deps.bursts;
    const joins = bursts?.waits && turn.kind === 'message' && turn.text !== undefined && heard === turn.text && !this.deps.bot.announcesSecret?.(turn.text);
    const piece = joins ? { id: replyToId, text: turn.text!, at: this.deps.now().getTime() } : undefined;
    // Noted before the lock: a piece waiting for more must see the pieces queued behind it.
    const noted = piece ? bursts!.note(turn.conversationId, piece) : Promise.resolve();
    void this.inflight.track(noted.then(() => this.run(turn, replyToId, piece)));
  }

  /**
   * The conversation's reading of a message, in arrival order but not behind the turns before it
   * (a piece of a burst waits there): an announced password is noticed when it is heard.
   */
  hear(turn: Turn, text: string): Promise<string> {
    return this.heardText(turn, text);
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
