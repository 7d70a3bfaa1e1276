import { pushBudget, type PushQuota } from '../../notify/expiry-rules';

/** How long LINE's figures are taken as they were read: pushes made since are counted here. */
const QUOTA_MAX_AGE_MS = 60_000;

/**
 * The one guard every push of this process passes (LineClient.push): an answer pushed because
 * its reply window had passed (a picture read slowly, a crash), the pieces of a long answer, and
 * the proactive expiry warnings. Answers owed to a seller are never held back by it, but each is
 * counted; a proactive message may go out only while the month's pushes, LINE's count at its
 * last read plus those made here since, stay under LINE_PUSH_BUDGET_PERCENT of the quota.
 */
export class PushGuard {
  private seen?: { at: number; quota: PushQuota; pushedSince: number };
  /** Why LINE's figures could not be read, the last time they were not (for the log). */
  readError?: unknown;

  constructor(
    private readonly deps: { readQuota: () => Promise<PushQuota>; budgetPercent: number; now?: () => number },
  ) {}

  /** A push went out. */
  pushed(): void {
    if (this.seen) this.seen.pushedSince++;
  }

  /**
   * The proactive pushes still allowed, LINE's figures read again when older than a minute;
   * undefined when they cannot be read (nothing proactive is pushed blind).
   */
  async proactiveLeft(): Promise<number | undefined> {
    const now = (this.deps.now ?? Date.now)();
    if (!this.seen || now - this.seen.at > QUOTA_MAX_AGE_MS) {
      try {
        this.seen = { at: now, quota: await this.deps.readQuota(), pushedSince: 0 };
      } catch (err) {
        this.seen = undefined;
        this.readError = err;
        return undefined;
      }
    }
    const { quota, pushedSince } = this.seen;
    return pushBudget({ ...quota, used: quota.used + pushedSince }, this.deps.budgetPercent);
  }

  /** LINE's figures at the last read (for the pass's log and report). */
  get quota(): PushQuota | undefined {
    return this.seen?.quota;
  }
}
