/**
 * The outcome records' I/O: each seller turn's fact appended as the core reports it, a job that
 * finalises the conversations quiet for a day and deletes what is older than the retention
 * limit, and the report read from them.
 */
import type { Act, CoreEvent, TranscriptEntry, Turn } from '../conversation/messages';
import type { Logger } from '../logger';
import type { OutcomeStore } from '../storage/outcome-store';
import { ASSUME_RESOLVED_AFTER_MS, factOfTurn, summarise, type EpisodeMeta, type EpisodeSummary, type TurnFact } from './outcomes';
import { buildReport, lastDays, type Report } from './report';

/** Finalised per pass at most: the rest wait for the next pass. */
const FINALISE_BATCH = 500;
const DAY_MS = 86_400_000;

export interface OutcomeRecordsOptions {
  store: OutcomeStore;
  log: Logger;
  retentionDays: number;
  /** What else is deleted with the records of the same age (the review marks of their misses). */
  alsoPurge?: (before: Date) => Promise<number>;
  now?: () => Date;
}

export class OutcomeRecords {
  private readonly writing = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private passing?: Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly opts: OutcomeRecordsOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * One seller turn, as BotService reports it. Written in the background: a record is never
   * worth a seller's wait, and a failure is logged, not the turn's. A widget opened and left
   * alone ('start') is no conversation.
   */
  record(turn: Turn, events: readonly CoreEvent[], context: { startedAt: string; acts: readonly Act[]; lines?: readonly TranscriptEntry[] }): void {
    if (turn.kind === 'start') return;
    const conversation = `${turn.channel}:${turn.conversationId}`;
    const meta = (startedAt: string) => ({ id: `${conversation}@${startedAt}`, channel: turn.channel, conversation, userId: turn.userId, startedAt });
    // A rating belongs to the conversation it rates (a ticket has closed it); given alone, it is
    // no conversation of its own.
    const ratings = events.filter((e): e is Extract<CoreEvent, { type: 'rated' }> => e.type === 'rated');
    for (const r of ratings) this.write(meta(r.of), factOfTurn(turn, [r], []), turn);
    const rest = events.filter((e) => e.type !== 'rated');
    if (ratings.length === 0 || rest.length > 0) this.write(meta(context.startedAt), factOfTurn(turn, rest, context.acts, context.lines), turn);
  }

  private write(meta: EpisodeMeta, fact: TurnFact, turn: Turn): void {
    const write = this.opts.store
      .append(meta, fact)
      .catch((err: unknown) => this.opts.log.warn({ err, requestId: turn.requestId }, 'outcome record not written'))
      .finally(() => this.writing.delete(write));
    this.writing.add(write);
  }

  /** The records being written have been (before the store closes, and in tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.writing]);
  }

  /** Conversations quiet for a day get their final outcome (assumed resolution included); returns how many. */
  async finaliseIdle(): Promise<number> {
    const now = this.now();
    const idle = await this.opts.store.idle(new Date(now.getTime() - ASSUME_RESOLVED_AFTER_MS), FINALISE_BATCH);
    for (const r of idle) await this.opts.store.finalise(r.meta.id, summarise(r.meta, r.lastAt, r.facts ?? [], now));
    return idle.length;
  }

  /** Deletes the records of conversations that started more than `retentionDays` ago; returns how many. */
  async purge(): Promise<number> {
    const before = new Date(this.now().getTime() - this.opts.retentionDays * DAY_MS);
    const [records, others] = await Promise.all([this.opts.store.purge(before), this.opts.alsoPurge?.(before) ?? 0]);
    return records + others;
  }

  /** The episodes that started in the last `days` days (today, the team's, and the days before), as they stand now. */
  async episodes(days: number): Promise<EpisodeSummary[]> {
    const now = this.now();
    const { from, to } = lastDays(days, now);
    const records = await this.opts.store.started(from, to);
    return records.map((r) => r.summary ?? summarise(r.meta, r.lastAt, r.facts ?? [], now));
  }

  async report(days: number): Promise<Report> {
    const { from, to } = lastDays(days, this.now());
    return buildReport(await this.episodes(days), from, to);
  }

  /** The finalising and retention pass, now and then every `everyMs` (every instance may run it: both are idempotent). */
  schedule(everyMs: number): void {
    const pass = async () => {
      try {
        const finalised = await this.finaliseIdle();
        const purged = await this.purge();
        if (finalised + purged > 0) this.opts.log.info({ finalised, purged }, 'outcome records pass');
      } catch (err) {
        this.opts.log.warn({ err }, 'outcome records pass failed');
      }
    };
    const run = () => {
      this.passing ??= pass().finally(() => (this.passing = undefined));
    };
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([this.idle(), this.passing]);
  }
}
