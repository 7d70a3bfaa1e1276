import { randomUUID } from 'node:crypto';
import type { AccountStores } from '../status/connector';
import type { ConversationStore, EscalationCase, HeldConversation, TicketResult, TicketSummary } from './ports';
import type { Bot, TurnLookups } from './bot';
import { runTurn, type CoreContext } from './engine';
import type { Act, CoreEffect, CoreEvent, OutMessage, TranscriptEntry, Turn } from './messages';
import { KeyedLock } from './keyed-lock';
import { hear, shortEnoughForASecret } from './hearing';
import { onlySays, replyReaderFor } from './replies';
import { migrate, TRANSCRIPT_LIMIT, type StoredState } from './state';
import { keepUnanswered } from './unanswered';

/** How long after an announced password the next short message is taken for it, before its turn ran. */
const ANNOUNCEMENT_MS = 60_000;
/** How many handled messages a conversation remembers, against one of them being handled again late. */
const RECENT_REPLAY_IDS = 20;

export interface BotServiceOptions {
  core: CoreContext;
  store: ConversationStore;
  /** Idle conversations are forgotten after this long. */
  idleTtlSeconds: number;
  /**
   * Once per seller turn (its follow-ups included), with what the core reported, maybe nothing,
   * the acts of the replies, the turn's transcript lines (redacted), and when the conversation
   * started (it tells one from the next).
   */
  onEvents?: (turn: Turn, events: CoreEvent[], context: { startedAt: string; acts: Act[]; lines: TranscriptEntry[] }) => void;
  /** How long the turn took end to end (state, core, effects, save), in seconds. */
  onTurnDone?: (turn: Turn, seconds: number, messages: readonly OutMessage[]) => void;
  /** Files the hand-over durably (outbox) and answers with the ticket; the seller hears of it only after. */
  escalate?: (c: EscalationCase) => Promise<TicketResult>;
  /** Reads the seller's stores from the connector API (only for a proven account). */
  checkStatus?: (accountId: string) => Promise<AccountStores>;
  /** The seller's tickets in the outbox (by EscalationCase.userKey) filed after `since`: newest first, at most `limit`. */
  listTickets?: (userKey: string, since: Date, limit: number) => Promise<TicketSummary[]>;
  /** Saves the seller's choice about proactive reminders (LINE's expiry warning): off, or on again. */
  setReminders?: (turn: Turn, on: boolean) => Promise<void>;
  /** The redacted text of a kept picture (OCR), by its ref; undefined when nothing could be read. */
  readPicture?: (ref: string) => Promise<string | undefined>;
  onError?: (err: unknown, turn: Turn) => void;
}

/** When the conversation a turn belongs to started: the stored one's start, or this turn's time. */
function conversationStart(previous: StoredState | undefined, turn: Turn): string {
  return previous ? migrate(previous).startedAt : turn.at;
}

/** The Bot behind every channel: state in, pure core, state out, one turn at a time per conversation. */
export class BotService implements Bot {
  private readonly lock = new KeyedLock();
  /**
   * The conversations of this process whose last turn announced a password. hear() reads the
   * store only for them when the store is this process's alone (SQLite): a read per LINE event
   * cost a tenth of the bot's throughput. A shared store (Redis) is always read: the
   * announcement may have been answered by another instance.
   */
  private readonly expectingSecret = new Set<string>();
  /**
   * Conversations whose last message heard announced a password, since when: the message after
   * it is masked even before the announcement's own turn has run (it may wait behind a burst).
   */
  private readonly announcedAt = new Map<string, number>();

  constructor(private readonly opts: BotServiceOptions) {}

  static key(channel: string, conversationId: string): string {
    return `${channel}:${conversationId}`;
  }

  handle(given: Turn, lookups: TurnLookups = {}): Promise<OutMessage[]> {
    const turn = given.requestId ? given : { ...given, requestId: randomUUID() };
    const key = BotService.key(turn.channel, turn.conversationId);
    // A picture is read in its place in the conversation's order: "ขึ้นแบบนี้ค่ะ" typed after it
    // waits for its answer. It is read before the shared store's hold, which is short.
    return this.lock.run(key, async () => this.turn(key, await this.withPictureText(turn), lookups));
  }

  private async withPictureText(turn: Turn): Promise<Turn> {
    if (turn.kind !== 'image' || !turn.screenshot || turn.pictureText !== undefined || !this.opts.readPicture) return turn;
    const text = await this.opts.readPicture(turn.screenshot.ref).catch((err: unknown) => {
      this.opts.onError?.(err, turn);
      return undefined;
    });
    return text ? { ...turn, pictureText: text } : turn;
  }

  /** Within this process turns are serialised by `lock`; a shared store's hold adds the other instances. */
  private async turn(key: string, given: Turn, lookups: TurnLookups): Promise<OutMessage[]> {
    const [holding, looking] = await Promise.allSettled([this.opts.store.hold?.(key), lookups.accountId?.()]);
    const held = holding.status === 'fulfilled' ? holding.value : undefined;
    if (holding.status === 'rejected' || looking.status === 'rejected') {
      await held?.release();
      throw holding.status === 'rejected' ? holding.reason : (looking as PromiseRejectedResult).reason;
    }
    const turn = looking.value ? { ...given, accountId: looking.value } : given;
    try {
      return await this.heldTurn(key, turn, held);
    } finally {
      await held?.release();
    }
  }

  private async heldTurn(key: string, turn: Turn, held: HeldConversation | undefined): Promise<OutMessage[]> {
    const started = process.hrtime.bigint();
    const previous = held ? held.state : await this.opts.store.get(key);
    if (turn.replayId && previous?.lastTurn?.replayId === turn.replayId) return previous.lastTurn.messages;
    if (turn.replayId && previous?.recentReplayIds?.includes(turn.replayId)) return [];
    // The conversation this turn belongs to (a ticket starts the next one within the turn).
    const startedAt = conversationStart(previous, turn);
    // The state was just read for this turn: the core may change it in place. The last answer
    // is not the core's business.
    let result = runTurn(turn, previous && { ...previous, lastTurn: undefined }, this.opts.core, { owned: true });
    const messages = [...result.messages];
    const events = [...result.events];
    // The core asks for I/O as an effect and hears the outcome in a follow-up turn; a status
    // check before a hand-over chains two of them.
    for (let i = 0; result.effect && i < 4; i++) {
      const followUp = await this.perform(result.effect, turn, key, result.state.startedAt);
      result = runTurn({ ...turn, ...followUp, text: undefined, action: undefined }, result.state, this.opts.core, { owned: true });
      messages.push(...result.messages);
      events.push(...result.events);
    }
    const state = turn.replayId
      ? { ...result.state, lastTurn: { replayId: turn.replayId, messages }, recentReplayIds: [...(result.state.recentReplayIds ?? []), turn.replayId].slice(-RECENT_REPLAY_IDS) }
      : result.state;
    // The lines of this turn go to the stored transcript; the state is stored without them.
    if (held) await held.save(state, this.opts.idleTtlSeconds, result.state.transcript);
    else await this.opts.store.set(key, state, this.opts.idleTtlSeconds, result.state.transcript);
    if (state.question?.kind === 'secret-expected') this.expectingSecret.add(key);
    else this.expectingSecret.delete(key);
    this.opts.onEvents?.(turn, events, { startedAt, acts: messages.map((m) => m.act), lines: result.state.transcript });
    this.opts.onTurnDone?.(turn, Number(process.hrtime.bigint() - started) / 1e9, messages);
    return messages;
  }

  private async perform(effect: CoreEffect, turn: Turn, key: string, startedAt: string): Promise<Partial<Turn>> {
    try {
      if (effect.type === 'create-ticket') {
        if (!this.opts.escalate) throw new Error('hand-over by e-mail is not configured');
        // The core knows this turn's lines; the case gets the conversation's whole transcript.
        const earlier = (await this.opts.store.transcript(key)).filter((line) => line.at >= startedAt);
        const transcript = [...earlier, ...effect.case.transcript].slice(-TRANSCRIPT_LIMIT);
        const requestKey = turn.replayId ? { requestKey: turn.replayId } : {};
        return { kind: 'ticket', ticket: await this.opts.escalate({ ...effect.case, transcript, ...requestKey }) };
      }
      if (effect.type === 'list-tickets') {
        if (!this.opts.listTickets) throw new Error('no hand-over outbox configured');
        return { kind: 'tickets', tickets: await this.opts.listTickets(effect.userKey, new Date(effect.since), effect.limit) };
      }
      if (effect.type === 'set-reminders') {
        if (!this.opts.setReminders) throw new Error('no reminders on this channel');
        await this.opts.setReminders(turn, effect.on);
        return { kind: 'reminders', reminders: { on: effect.on } };
      }
      if (!this.opts.checkStatus) throw new Error('no connector configured');
      return { kind: 'status', status: await this.opts.checkStatus(effect.accountId) };
    } catch (err) {
      this.opts.onError?.(err, turn);
      const error = { error: err instanceof Error ? err.message : String(err) };
      const failed: Record<CoreEffect['type'], Partial<Turn>> = {
        'create-ticket': { kind: 'ticket', ticket: error },
        'check-status': { kind: 'status', status: error },
        'list-tickets': { kind: 'tickets', tickets: error },
        'set-reminders': { kind: 'reminders', reminders: error },
      };
      return failed[effect.type];
    }
  }

  /**
   * What the conversation will keep of this message (secrets masked, and all of it when a
   * password was announced): what a channel may store. Read under the caller's own ordering of
   * the conversation's turns, after the turns before it.
   */
  async hear(turn: Turn): Promise<string | undefined> {
    if (turn.text === undefined) return undefined;
    const key = BotService.key(turn.channel, turn.conversationId);
    const announced = this.announcedAt.get(key);
    this.announcedAt.delete(key);
    if (this.announcesSecret(turn.text)) this.announcedAt.set(key, Date.now());
    else if (announced !== undefined && Date.now() - announced < ANNOUNCEMENT_MS && shortEnoughForASecret(turn.text)) {
      return hear(turn.text, { kind: 'secret-expected' }).text;
    }
    if (!this.opts.store.hold && !this.expectingSecret.has(key)) return hear(turn.text, undefined).text;
    const stored = await this.opts.store.get(key);
    return hear(turn.text, stored ? migrate(stored).question : undefined).text;
  }

  announcesSecret(text: string): boolean {
    return onlySays(replyReaderFor(this.opts.core.kb.replies).read(text), 'password-next');
  }

  asksForTheBot(text: string): boolean {
    return onlySays(replyReaderFor(this.opts.core.kb.replies).read(text), 'bot');
  }

  /**
   * A turn the bot does not answer (LINE: a person of support has the chat): kept in the
   * conversation's transcript (a picture for the mail too), in turn with the others, and nothing
   * is said. See keepUnanswered.
   */
  note(turn: Turn): Promise<void> {
    const key = BotService.key(turn.channel, turn.conversationId);
    return this.lock.run(key, async () => {
      const held = await this.opts.store.hold?.(key);
      try {
        const state = keepUnanswered(turn, held ? held.state : await this.opts.store.get(key));
        if (held) await held.save(state, this.opts.idleTtlSeconds, state.transcript);
        else await this.opts.store.set(key, state, this.opts.idleTtlSeconds, state.transcript);
        if (state.question?.kind !== 'secret-expected') this.expectingSecret.delete(key);
      } finally {
        await held?.release();
      }
    });
  }

  async forget({ channel, conversationId }: { channel: Turn['channel']; conversationId: string }): Promise<void> {
    const key = BotService.key(channel, conversationId);
    this.expectingSecret.delete(key);
    this.announcedAt.delete(key);
    await this.lock.run(key, () => this.opts.store.delete(key));
  }
}
