import { randomUUID } from 'node:crypto';
import { LineApiError, retryKeyFor, type LineClient } from '../channels/line/client';
import { renderPlain, renderReply, type LineMessage } from '../channels/line/render';
import { PushGuard } from '../channels/line/push-guard';
import { userHash } from '../channels/line/screenshots';
import type { OutMessage } from '../conversation/messages';
import type { Translate } from '../i18n';
import type { KnowledgeBase } from '../knowledge/load';
import type { Language } from '../knowledge/schema';
import type { Logger } from '../logger';
import type { ConnectorClient } from '../status/connector-port';
import type { LinkedSeller, LinkStore } from '../storage/link-store';
import type { NotifyStore } from '../storage/notify-store';
import { expiryWarning } from './expiry-message';
import { bangkokDay, dueStores, isQuietTime, keepSeconds, pickStore, sellerSkip, type DueStore, type SkipReason } from './expiry-rules';

/**
 * One pass of the proactive expiry warning (the rules are expiry-rules.ts): the quota first,
 * then every linked seller's stores through the connector API, and at most one push each.
 *
 * A push carries a retry key derived from the warning's key (LINE user, store, expiry day) and
 * is remembered only once LINE took it: a pass that dies in between pushes it again next time
 * with the same key, which LINE accepts once (409 after, taken as sent).
 */

/** How the pass ended: done; not started (quiet hours, another pass holds the lock, no quota figures); stopped early (budget, LINE's 429, shutdown). */
export type PassResult = 'done' | 'quiet-hours' | 'locked' | 'quota-unavailable' | 'budget' | 'rate-limited' | 'aborted';

export interface PassReport {
  result: PassResult;
  /** Linked sellers looked at. */
  sellers: number;
  pushed: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Pushes the budget allowed when the pass started (Infinity: LINE sets no limit). */
  budget?: number;
}

export interface ExpiryPassDeps {
  links: Pick<LinkStore, 'linkedSellers'>;
  notices: NotifyStore;
  connector: ConnectorClient;
  line: Pick<LineClient, 'push' | 'pushQuota'>;
  kb: KnowledgeBase;
  t: Translate;
  /** A person of support has the seller's chat (LINE's pause): the bot says nothing, warnings included. */
  paused?: (lineUserId: string) => Promise<boolean>;
  /** The language of the seller's conversation, when one is remembered. */
  languageOf: (lineUserId: string) => Promise<Language | undefined>;
  /** LINE_PUSH_BUDGET_PERCENT: pushes stop before they would use more of the month's quota. */
  budgetPercent: number;
  /**
   * The guard every push of the process passes (`line` counts its pushes into it): the pass asks
   * it before each warning, so pushes made meanwhile (late answers) count. Without one, the pass
   * keeps its own, counting its own pushes.
   */
  guard?: PushGuard;
  log: Logger;
  now?: () => Date;
  /** Each warning LINE took, as the core's message (act-tagged). */
  onPushed?: (lineUserId: string, message: OutMessage) => void;
  onPassEnd?: (report: PassReport) => void;
}

/** The pass lock's lifetime, renewed while the pass runs: a pass whose process died frees it soon. */
const LOCK_MS = 10 * 60_000;

type Outcome = 'pushed' | SkipReason | 'budget' | 'rate-limited';

export class ExpiryPass {
  private readonly now: () => Date;
  private readonly guard: PushGuard;
  private readonly line: Pick<LineClient, 'push'>;

  constructor(private readonly deps: ExpiryPassDeps) {
    this.now = deps.now ?? (() => new Date());
    if (deps.guard) {
      this.guard = deps.guard;
      this.line = deps.line;
    } else {
      const guard = new PushGuard({ readQuota: () => deps.line.pushQuota(), budgetPercent: deps.budgetPercent });
      this.guard = guard;
      this.line = { push: (...args) => deps.line.push(...args).then(() => guard.pushed()) };
    }
  }

  async run(signal?: AbortSignal): Promise<PassReport> {
    const report: PassReport = { result: 'done', sellers: 0, pushed: 0, skipped: {} };
    const started = this.now();
    if (isQuietTime(started)) return this.end(report, 'quiet-hours');
    const owner = randomUUID();
    if (!(await this.deps.notices.lock(owner, LOCK_MS))) return this.end(report, 'locked');
    try {
      report.budget = await this.budget();
      if (report.budget === undefined) return this.end(report, 'quota-unavailable');
      const result = report.budget > 0 ? await this.warnAll(report, owner, signal) : 'budget';
      // Done for today, unless stopped by shutdown (the next start catches up).
      if (result !== 'aborted' && result !== 'locked') await this.deps.notices.setLastPassDay(bangkokDay(started));
      return this.end(report, result);
    } finally {
      await this.deps.notices.unlock(owner).catch((err: unknown) => this.deps.log.warn({ err }, 'expiry warning: pass lock not released (it lapses on its own)'));
    }
  }

  /** Pushes the pass may make, or undefined when LINE's figures could not be read (nothing is pushed blind). */
  private async budget(): Promise<number | undefined> {
    const budget = await this.guard.proactiveLeft();
    const quota = this.guard.quota;
    if (budget === undefined || !quota) {
      this.deps.log.error({ err: this.guard.readError }, 'expiry warning: LINE message quota not readable, no pass');
      return undefined;
    }
    this.deps.log.info({ limit: quota.limit ?? 'none', used: quota.used, budgetPercent: this.deps.budgetPercent, budget }, 'expiry warning: LINE message quota read');
    return budget;
  }

  private async warnAll(report: PassReport, owner: string, signal?: AbortSignal): Promise<PassResult> {
    // SSCAN may return a member twice: each seller is looked at once.
    const seen = new Set<string>();
    let lockedAt = Date.now();
    for await (const seller of this.deps.links.linkedSellers()) {
      if (signal?.aborted) return 'aborted';
      if (seen.has(seller.lineUserId)) continue;
      seen.add(seller.lineUserId);
      const now = this.now();
      if (isQuietTime(now)) return 'quiet-hours';
      if (Date.now() - lockedAt > LOCK_MS / 3) {
        if (!(await this.deps.notices.lock(owner, LOCK_MS))) return 'locked';
        lockedAt = Date.now();
      }
      report.sellers++;
      const outcome = await this.warnSeller(seller, now, ((await this.guard.proactiveLeft()) ?? 0) > 0);
      if (outcome === 'budget' || outcome === 'rate-limited') return outcome;
      if (outcome === 'pushed') report.pushed++;
      else report.skipped[outcome] = (report.skipped[outcome] ?? 0) + 1;
    }
    return 'done';
  }

  private async warnSeller({ lineUserId, accountId }: LinkedSeller, now: Date, mayPush: boolean): Promise<Outcome> {
    const { notices, connector, kb, log } = this.deps;
    const skip = sellerSkip(await notices.seller(lineUserId), now);
    if (skip) return skip;
    if (await this.deps.paused?.(lineUserId)) return 'paused';
    let due: DueStore[];
    try {
      due = dueStores(lineUserId, await connector.getStores(accountId), kb, now);
    } catch (err) {
      log.warn({ err, user: userHash(lineUserId) }, 'expiry warning: stores not read');
      return 'connector-error';
    }
    const pick = pickStore(due, await notices.sentOf(due.map((d) => d.key)));
    if (typeof pick === 'string') return pick;
    if (!mayPush) return 'budget';
    const lang = (await this.deps.languageOf(lineUserId).catch(() => undefined)) ?? 'th';
    const message = expiryWarning(pick, lang, this.deps);
    const outcome = await this.push(lineUserId, message, pick.key, lang);
    if (outcome !== 'pushed') return outcome;
    await notices.recordSent(lineUserId, pick.key, bangkokDay(now), keepSeconds(pick, now));
    this.deps.onPushed?.(lineUserId, message);
    return 'pushed';
  }

  private async push(to: string, message: OutMessage, key: string, lang: Language): Promise<Outcome> {
    const { log, t } = this.deps;
    const opts = { choiceHint: t(lang, 'choiceHint') };
    const send = (rendered: LineMessage[][], seed: string) => this.line.push(to, rendered.flat().slice(0, 5), retryKeyFor(seed));
    let failure: unknown;
    try {
      await send(renderReply([message], opts), `expiry-warning:${key}`);
      return 'pushed';
    } catch (err) {
      failure = err;
    }
    // Refused as rendered (a limit not known here): plain text still says it.
    if (failure instanceof LineApiError && failure.status === 400) {
      try {
        await send(renderPlain([message], opts), `expiry-warning:${key}:plain`);
        return 'pushed';
      } catch (again) {
        failure = again;
      }
    }
    if (failure instanceof LineApiError && failure.status === 429) {
      log.warn({ err: failure }, 'expiry warning: LINE refused pushes (429: rate or monthly limit), pass stopped');
      return 'rate-limited';
    }
    log.warn({ err: failure, user: userHash(to) }, 'expiry warning not delivered');
    return 'push-failed';
  }

  private end(report: PassReport, result: PassResult): PassReport {
    report.result = result;
    const line = { result, sellers: report.sellers, pushed: report.pushed, skipped: report.skipped, budget: report.budget };
    if (result === 'budget') this.deps.log.warn(line, `expiry warning: LINE_PUSH_BUDGET_PERCENT (${this.deps.budgetPercent}%) of the month's quota reached, pushes stop`);
    else this.deps.log.info(line, 'expiry warning pass');
    this.deps.onPassEnd?.(report);
    return report;
  }
}
