/**
 * Direct Line side of bench/load.ts: opens conversations the way the widget does, polls them
 * like open widgets (each conversation every second, from its watermark) and matches every bot
 * answer to the message it answers (replyToId -> the user activity carrying our clientActivityID).
 */
import { sleep } from './lib';

/** The English half of the Direct Line channel's apology for a failed turn (src/channels/web/directline-turns.ts). */
const APOLOGY_EN = 'Sorry, something went wrong on our side';

interface Conversation {
  id: string;
  token: string;
  watermark: number;
}

/** The answers to one phase's messages: send time (epoch ms, ours) vs answer time (the bot's activity timestamp). */
export class AnswerPhase {
  /** clientActivityID -> Date.now() just before the POST was written. */
  readonly sentAt = new Map<string, number>();
  /** user activity id -> clientActivityID, as read back from the conversation. */
  readonly userActivity = new Map<string, string>();
  readonly answeredIds = new Set<string>();
  readonly latencies: number[] = [];
  answered = 0;
  /** Answers that were the bot's apology for a failed turn. */
  errorAnswers = 0;
  lastAnswerAt = NaN;
  constructor(readonly startedAt: number) {}
}

export class DirectLineDriver {
  readonly conversations: Conversation[] = [];
  phase?: AnswerPhase;
  polls = 0;
  pollErrors = 0;
  private polling = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly base: string) {}

  /** POST /directline/tokens/generate `count` times (a few at a time), as widgets opening. */
  async open(count: number, parallel = 10): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const res = await fetch(`${this.base}/directline/tokens/generate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        if (res.status !== 200) throw new Error(`tokens/generate answered ${res.status}: ${await res.text()}`);
        const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
        this.conversations.push({ id: conversationId, token, watermark: 0 });
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  }

  /** Every conversation polled every `intervalMs`, staggered, until stop(). */
  startPolling(intervalMs = 1000): void {
    this.polling = true;
    this.loops = this.conversations.map(async (c, i) => {
      await sleep((i * intervalMs) / this.conversations.length);
      while (this.polling) {
        await this.pollOnce(c);
        await sleep(intervalMs);
      }
    });
  }

  async stopPolling(): Promise<void> {
    this.polling = false;
    await Promise.all(this.loops);
    // One last read of everything, so nothing answered before now is missed.
    await Promise.all(this.conversations.map((c) => this.pollOnce(c)));
  }

  private async pollOnce(c: Conversation): Promise<void> {
    try {
      const res = await fetch(`${this.base}/directline/conversations/${c.id}/activities?watermark=${c.watermark}`, {
        headers: { authorization: `Bearer ${c.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      this.polls++;
      if (res.status !== 200) {
        this.pollErrors++;
        await res.arrayBuffer();
        return;
      }
      const { activities, watermark } = (await res.json()) as { activities: Record<string, unknown>[]; watermark: string };
      c.watermark = Number(watermark) || c.watermark;
      for (const a of activities) this.see(a);
    } catch {
      this.pollErrors++;
    }
  }

  private see(a: Record<string, unknown>): void {
    const phase = this.phase;
    if (!phase) return;
    const from = a.from as { role?: string } | undefined;
    if (from?.role === 'user') {
      const cid = (a.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
      if (typeof cid === 'string' && phase.sentAt.has(cid)) phase.userActivity.set(String(a.id), cid);
      return;
    }
    if (a.type !== 'message' || typeof a.replyToId !== 'string') return;
    const cid = phase.userActivity.get(a.replyToId);
    if (!cid || phase.answeredIds.has(cid)) return; // not ours, or a further message of the same answer
    phase.answeredIds.add(cid);
    const at = Date.parse(String(a.timestamp));
    phase.latencies.push(at - phase.sentAt.get(cid)!);
    phase.answered++;
    if (typeof a.text === 'string' && a.text.includes(APOLOGY_EN)) phase.errorAnswers++;
    if (!(at <= phase.lastAnswerAt)) phase.lastAnswerAt = at;
  }
}
