import type { Logger } from '../logger';
import type { BurstStore, Fragment } from '../storage/burst-store';

/**
 * Sellers type a problem in pieces ("ร้านลาซาด้า" / "เชื่อมไม่ได้" / "ขึ้น password not match" /
 * "ช่วยหน่อยค่ะ"), and four answers to four pieces bury the one that matters. A message waits
 * briefly for more before it is answered; the pieces that came in a row are answered once, as
 * one message, by the turn of the last piece.
 *
 * A channel calls note() when the message arrives, before it queues behind the conversation's
 * lock, and settle() under the lock. The pieces are kept in the shared store, so a burst spread
 * over instances behind a load balancer is still answered once.
 *
 * Only plain text joins a burst: a message the conversation reads as a secret (or that
 * redaction would change) is answered alone and never kept, and button presses, pictures and
 * commands never wait.
 */
export class BurstGate {
  constructor(
    private readonly store: BurstStore,
    /** How long a message waits for the next piece (0: every message is answered at once). */
    private readonly waitMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  get waits(): boolean {
    return this.waitMs > 0;
  }

  /** The message arrived: it joins its conversation's burst. Failing costs the burst, not the message. */
  async note(conversationId: string, fragment: Fragment): Promise<void> {
    if (!this.waits) return;
    await this.store.add(conversationId, fragment).catch((err: unknown) => this.log.warn({ err, conversation: conversationId }, 'burst piece not kept (answered alone)'));
  }

  /**
   * Under the conversation's lock, for a piece that will not be answered (a person of support has
   * the chat): it and the pieces before it are taken, so they never join what the seller types later.
   */
  async discard(conversationId: string, id: string): Promise<void> {
    if (!this.waits) return;
    await this.store.take(conversationId, id).catch((err: unknown) => this.log.warn({ err, conversation: conversationId }, 'unanswered burst piece not taken'));
  }

  /**
   * Under the conversation's lock: the text to answer (this piece and the pieces before it, one
   * per line) once no piece has come for `waitMs`; undefined when a later piece came, whose turn
   * answers them all. A turn played again (an event adopted from a stopped instance) gets the
   * same text as the first time.
   */
  async settle(conversationId: string, fragment: Fragment): Promise<string | undefined> {
    if (!this.waits) return fragment.text;
    try {
      for (;;) {
        const { mine, newest } = await this.store.position(conversationId, fragment.id);
        // Never kept (its note failed, or the burst expired): answered alone.
        if (!mine) return fragment.text;
        if (mine.takenBy !== undefined && mine.takenBy !== fragment.id) return undefined;
        if (mine.takenBy === undefined) {
          if (newest && newest.id !== fragment.id) return undefined;
          const due = fragment.at + this.waitMs - this.now();
          if (due > 0) {
            await this.sleep(due);
            continue;
          }
        }
        const pieces = await this.store.take(conversationId, fragment.id);
        return pieces.length > 0 ? pieces.map((p) => p.text).join('\n') : fragment.text;
      }
    } catch (err) {
      this.log.warn({ err, conversation: conversationId }, 'burst not read (the piece is answered alone)');
      return fragment.text;
    }
  }
}
