import type { Logger } from '../logger';
import { bangkokDay, bangkokTimeOn, isQuietTime, nextRunAt, type TimeOfDay } from './expiry-rules';

export interface DailyScheduleOptions {
  /** When the pass runs, Bangkok time. */
  at: TimeOfDay;
  run: (signal: AbortSignal) => Promise<unknown>;
  /** The Bangkok day of the last finished pass (by any process sharing the storage). */
  lastPassDay: () => Promise<string | undefined>;
  log: Logger;
  now?: () => Date;
  /**
   * A process started after today's time, with no pass finished today (it was down, or the pass
   * died with it), runs one this long after start-up, outside quiet hours.
   */
  catchUpAfterMs?: number;
}

/**
 * The daily pass on an in-process timer. Every instance keeps one; the pass's lock in storage
 * (SQLite or Redis) lets one run at a time, and a pass finished today is not run again. The
 * timer holds no process open and is cleared on stop, which also waits for a pass under way
 * (told to stop after its current seller).
 */
export class DailySchedule {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly abort = new AbortController();
  private readonly now: () => Date;

  constructor(private readonly opts: DailyScheduleOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  start(): void {
    const now = this.now();
    const missed = now.getTime() >= bangkokTimeOn(now, this.opts.at).getTime() && !isQuietTime(now);
    this.schedule(missed ? (this.opts.catchUpAfterMs ?? 60_000) : nextRunAt(now, this.opts.at).getTime() - now.getTime());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => void this.fire(), Math.max(0, ms));
    this.timer.unref();
  }

  private async fire(): Promise<void> {
    this.running = (async () => {
      try {
        if ((await this.opts.lastPassDay()) !== bangkokDay(this.now())) await this.opts.run(this.abort.signal);
      } catch (err) {
        this.opts.log.error({ err }, 'expiry warning pass failed');
      }
    })();
    await this.running;
    this.running = undefined;
    const now = this.now();
    this.schedule(nextRunAt(now, this.opts.at).getTime() - now.getTime());
  }
}
