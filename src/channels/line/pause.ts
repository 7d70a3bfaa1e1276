import type { Bot } from '../../conversation/bot';
import type { OutMessage, Turn } from '../../conversation/messages';
import type { Translate } from '../../i18n';
import type { Logger } from '../../logger';
import type { PauseStore } from '../../storage/pause-store';
import type { LineEvent, Receipt } from './event';
import { userHash } from './screenshots';

/**
 * A person of support answering a seller in the LINE Official Account Manager's chat, beside the
 * bot. LINE sends the bot every event of such a chat, as usual (mode "active"), and no event
 * when the person writes: left alone, the bot and the person would both answer. So the bot is
 * told instead, per seller: a pause (src/storage/pause-store.ts), set by `npm run line:pause`
 * or by a hand-over when LINE_HANDOVER=chat. While it lasts the bot answers nothing of that
 * seller's one-to-one chat; the channel keeps what support needs (the transcript, pictures).
 * It ends when it runs out, when it is lifted, or when the seller types "talk to the bot".
 */

export type LineHandoverMode = 'email' | 'chat';

export interface LinePauseDeps {
  store: PauseStore;
  bot: Pick<Bot, 'asksForTheBot' | 'note'>;
  /** LINE_HANDOVER and LINE_PAUSE_HOURS. */
  handover: { mode: LineHandoverMode; pauseHours: number };
  t: Translate;
  log: Logger;
  now?: () => number;
}

/** Who set a pause at a hand-over (npm run line:pause --list shows it). */
export const BY_HANDOVER = 'chat hand-over';

export class LinePause {
  private readonly now: () => number;

  constructor(private readonly deps: LinePauseDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Whether the bot keeps quiet for this seller's event. A typed `text` asking for the bot back
   * lifts the pause: that message is answered. A store that cannot be read: answered (a seller
   * answered twice is better than one never answered).
   */
  async quiet(userId: string, text?: string): Promise<boolean> {
    const { store, bot, log } = this.deps;
    try {
      if (!(await store.pausedUntil(userId))) return false;
      if (text === undefined || !bot.asksForTheBot?.(text)) return true;
      await store.lift(userId);
      log.info({ user: userHash(userId) }, 'LINE seller asked for the bot back: pause lifted');
      return false;
    } catch (err) {
      log.warn({ err, user: userHash(userId) }, 'LINE pause not read (the event is answered)');
      return false;
    }
  }

  /** What the seller did while paused goes into the conversation, unanswered (see BotService.note). */
  async keep(userId: string, part: Pick<Turn, 'kind'> & Partial<Turn>): Promise<void> {
    const { bot, log } = this.deps;
    const turn: Turn = { channel: 'line', conversationId: userId, userId, at: new Date(this.now()).toISOString(), ...part };
    await bot.note?.(turn).catch((err: unknown) => log.warn({ err, user: userHash(userId), kind: part.kind }, 'LINE turn while paused not kept'));
  }

  /**
   * With LINE_HANDOVER=chat, a reply that tells the seller their ticket also says that a person
   * will answer here, and the bot pauses for that seller. Otherwise the reply as it was.
   */
  async afterReply(userId: string, messages: OutMessage[]): Promise<OutMessage[]> {
    const { handover, store, t, log } = this.deps;
    const ticket = messages.find((m) => m.act === 'ticket');
    if (handover.mode !== 'chat' || !ticket) return messages;
    const until = new Date(this.now() + handover.pauseHours * 3600 * 1000);
    try {
      await store.pause(userId, until, BY_HANDOVER);
    } catch (err) {
      // Not paused: the bot would answer over the person, so it does not promise one.
      log.error({ err, user: userHash(userId) }, 'LINE chat hand-over: pause not set');
      return messages;
    }
    log.info({ user: userHash(userId), until: until.toISOString() }, 'LINE chat hand-over: bot paused for the seller');
    const lang = ticket.lang ?? 'th';
    return [...messages, { type: 'text', text: t(lang, 'line.chatHandover.note'), act: 'ticket', lang }];
  }
}

/**
 * The turn a paused seller's event would have been, as it is kept (a picture's reference is
 * added by the caller, who downloads it); undefined for what leaves nothing to keep (a follow).
 * A text as the inbox kept it (secrets masked), never as typed.
 */
export function unansweredTurn(event: LineEvent, rx: Receipt): (Pick<Turn, 'kind'> & Partial<Turn>) | undefined {
  if (event.type === 'postback') return event.postback?.data ? { kind: 'action', action: event.postback.data } : undefined;
  if (event.type !== 'message') return undefined;
  const m = event.message;
  switch (m?.type) {
    case 'text':
      return typeof m.text === 'string' ? { kind: 'message', text: rx.keptText ?? m.text } : undefined;
    case 'sticker':
      return { kind: 'sticker' };
    case 'image':
      return { kind: 'image' };
    case 'file':
    case 'video':
    case 'audio':
      return { kind: 'file' };
    default:
      return { kind: 'other' };
  }
}
