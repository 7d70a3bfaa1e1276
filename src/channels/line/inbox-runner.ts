import crypto from 'node:crypto';
import os from 'node:os';
import type { Bot } from '../../conversation/bot';
import { shortEnoughForASecret } from '../../conversation/hearing';
import { KeyedLock } from '../../conversation/keyed-lock';
import { redactMessage } from '../../escalation/redact';
import type { Logger } from '../../logger';
import type { EventInbox } from '../../storage/event-inbox';
import type { InFlight } from '../in-flight';
import { chatOf, eventIdOf, type LineEvent, type Receipt } from './event';

/**
 * The durable side of the webhook: the events LINE was promised an answer for wait in the inbox
 * until they are answered. This instance answers its own, one chat's events in order, and
 * adopts those of instances that stopped before answering theirs.
 */

export interface InboxRunnerDeps {
  /** Events from their 200 to their answer, so that a live instance finishes what a dead one acknowledged. */
  inbox: EventInbox;
  /** How often this instance says it is alive and adopts orphans, and how long it counts as alive. */
  adoption?: { everyMs: number; aliveMs: number };
  /** Reads a short message as the conversation would, before the inbox keeps it. */
  bot: Pick<Bot, 'hear'>;
  log: Logger;
  /** The work after the HTTP answer, which a graceful stop waits for. */
  inflight: InFlight;
  /** Answers one event (a failure thrown is logged here). */
  handleEvent: (event: LineEvent, rx: Receipt) => Promise<void>;
  /** Called with the number of events adopted from a stopped instance (metrics). */
  onAdopted?: (count: number) => void;
  /** Told of each new event before it waits for its chat's earlier events (message bursts). */
  onQueued?: (item: Accepted) => Promise<void>;
}

/** An event kept in the inbox, with the time LINE handed it to us. */
export interface Accepted {
  event: LineEvent;
  /** Its inbox entry (none for an event without webhookEventId, or when the inbox failed). */
  inboxId?: string;
  rx: Receipt;
  /** A text message as the inbox keeps it: without what the conversation reads as a secret. */
  keptText?: string;
}

/** An instance silent for 15 s is taken for dead: its events are answered by another within ~20 s. */
const DEFAULT_ADOPTION = { everyMs: 5_000, aliveMs: 15_000 };
/** How long handled events wait to leave the inbox together. */
const DONE_BATCH_MS = 20;
/** LINE redelivers for a while after a failed delivery; remembering ids for a week is plenty. */
const EVENT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The event as the inbox keeps it: what a seller typed is stored only with secrets removed, as
 * the conversation reads it when it is given (`heard`: the whole message masked after an
 * announced password), else by the shape rules.
 */
function keptBody(event: LineEvent, keptText: string | undefined): string {
  return JSON.stringify(keptText !== undefined ? { ...event, message: { ...event.message, text: keptText } } : event);
}

export class LineInboxRunner {
  private readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  private readonly adoption: { everyMs: number; aliveMs: number };
  private readonly lock = new KeyedLock();
  private unansweredCount = 0;
  private finishedIds: string[] = [];
  private flushing: Promise<void> | undefined;
  private adopting = false;
  private readonly adopter: NodeJS.Timeout;

  constructor(private readonly deps: InboxRunnerDeps) {
    this.adoption = deps.adoption ?? DEFAULT_ADOPTION;
    this.adopter = setInterval(() => void this.adoptOrphans(), this.adoption.everyMs);
    this.adopter.unref();
    void this.adoptOrphans();
  }

  /** Events accepted and not yet answered (the backpressure measure). */
  get unanswered(): number {
    return this.unansweredCount;
  }

  /**
   * Keeps the request's new events in the inbox: what LINE's 200 promises. Repeats (LINE's
   * redeliveries) and standby events are left out.
   */
  async accept(events: unknown[], receivedAt: number): Promise<Accepted[]> {
    const { inbox, log } = this.deps;
    const accepted: Accepted[] = [];
    for (const raw of events) {
      if (!raw || typeof raw !== 'object') continue;
      const event = raw as LineEvent;
      // Standby: a module channel holds LINE's Chat Control for this chat, and the others must not
      // send. The LINE Official Account Manager's own chat never makes events standby: a person
      // answering there is told to the bot by a pause (./pause.ts).
      if (event.mode === 'standby') {
        log.debug({ type: event.type }, 'LINE event in standby mode ignored');
        continue;
      }
      const id = eventIdOf(event);
      let inboxId: string | undefined;
      let keptText: string | undefined;
      if (id) {
        let fresh = true;
        try {
          const key = `line:event:${id}`;
          const text = event.message?.text;
          if (typeof text === 'string') keptText = (await this.heardBeforeKept(event, receivedAt)) ?? redactMessage(text).text;
          fresh = await inbox.accept(key, keptBody(event, keptText), receivedAt, this.owner, EVENT_TTL_SECONDS);
          inboxId = key;
        } catch (err) {
          // Better to risk answering twice (or losing it in a crash) than to drop it now.
          log.error({ err }, 'LINE event could not be kept in the inbox, handling it anyway');
        }
        if (!fresh) {
          log.info({ eventId: id, type: event.type, redelivery: event.deliveryContext?.isRedelivery === true }, 'LINE event already handled');
          continue;
        }
      }
      accepted.push({ event, inboxId, rx: { at: receivedAt, adopted: false }, ...(keptText !== undefined ? { keptText } : {}) });
    }
    return accepted;
  }

  /** Resolves once every event has been handled (answered, or failed and logged) and left the inbox. */
  async answer(items: Accepted[]): Promise<void> {
    await Promise.all(
      items.map((item) => {
        const { event, inboxId, rx, keptText } = item;
        const chat = chatOf(event.source);
        const key = chat ? `${chat.kind}:${chat.id}` : 'unknown';
        this.unansweredCount++;
        // Before the lock: a message waiting for a later piece of its burst must see that piece.
        const queued = rx.adopted ? undefined : this.deps.onQueued?.(item).catch((err: unknown) => this.deps.log.warn({ err }, 'LINE event not queued'));
        return this.deps.inflight.track(
          this.lock
            .run(key, async () => {
              await queued;
              await this.deps.handleEvent(event, keptText === undefined ? rx : { ...rx, keptText });
            })
            .catch((err) => this.deps.log.error({ err, type: event.type }, 'LINE event failed'))
            .then(() => {
              if (inboxId) this.finished(inboxId);
            })
            .finally(() => this.unansweredCount--),
        );
      }),
    );
  }

  /** Graceful shutdown: stops adopting, finishes what it holds, lets others adopt at once. */
  async close(): Promise<void> {
    clearInterval(this.adopter);
    await this.deps.inflight.idle();
    await this.deps.inbox.release(this.owner).catch((err: unknown) => this.deps.log.warn({ err }, 'LINE inbox release failed'));
  }

  /**
   * A short message of one seller (SECRET_EXPECTED_MAX_WORDS words at most: the only kind the
   * conversation may take whole for a password it was told was coming) as the conversation
   * reads it, so the inbox never keeps that password. Longer ones, groups and a failing store:
   * the shape rules alone (keptBody).
   */
  private async heardBeforeKept(event: LineEvent, receivedAt: number): Promise<string | undefined> {
    const text = event.message?.type === 'text' ? event.message.text : undefined;
    const userId = event.source?.type === 'user' ? event.source.userId : undefined;
    if (typeof text !== 'string' || typeof userId !== 'string' || !shortEnoughForASecret(text)) return undefined;
    try {
      return await this.deps.bot.hear?.({ channel: 'line', conversationId: userId, userId, kind: 'message', text, at: new Date(receivedAt).toISOString() });
    } catch {
      return undefined;
    }
  }

  /**
   * Handled events leave the inbox together, a few milliseconds later: one write for many
   * instead of one each. Dying meanwhile is harmless: an event adopted again gets the stored
   * answer of its turn, and its used reply token stops a second reply.
   */
  private finished(inboxId: string): void {
    this.finishedIds.push(inboxId);
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setTimeout(resolve, DONE_BATCH_MS)).then(async () => {
      const ids = this.finishedIds;
      this.finishedIds = [];
      this.flushing = undefined;
      await this.deps.inbox.done(ids).catch((err: unknown) => this.deps.log.warn({ err, count: ids.length }, 'LINE events handled but still in the inbox (they may be answered again)'));
    });
    void this.deps.inflight.track(this.flushing);
  }

  /** Takes over the events of instances that stopped before answering them, and answers them. */
  private async adoptOrphans(): Promise<void> {
    if (this.adopting) return;
    this.adopting = true;
    const { inbox, log } = this.deps;
    try {
      const orphans = await inbox.adoptOrphans(this.owner, this.adoption.aliveMs);
      if (orphans.length === 0) return;
      log.warn({ count: orphans.length }, 'LINE events adopted from an instance that stopped before answering them');
      this.deps.onAdopted?.(orphans.length);
      const items: Accepted[] = [];
      for (const o of orphans) {
        try {
          items.push({ event: JSON.parse(o.body) as LineEvent, inboxId: o.id, rx: { at: o.receivedAt, adopted: true } });
        } catch (err) {
          log.error({ err, inboxId: o.id }, 'LINE inbox entry unreadable, dropped');
          this.finished(o.id);
        }
      }
      // answer() tracks each event in flight itself (a graceful stop waits for them).
      await this.answer(items);
    } catch (err) {
      log.warn({ err }, 'LINE inbox check failed (retrying)');
    } finally {
      this.adopting = false;
    }
  }
}
