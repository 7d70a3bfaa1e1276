import { PLATFORM_NAMES, type Platform, type Topic } from '../../knowledge/schema';
import type { AccountStores, StoreStatus } from '../../status/connector';
import { diagnose, type Finding } from '../../status/diagnose';
import { linkAction, type Turn } from '../messages';
import type { ConversationState } from '../state';
import { SNAPSHOT_FRESH_MS } from '../phrases';
import type { TurnContext } from '../turn-context';
import { StoreQuestion } from './store-question';

/**
 * The matcher's confidence from which an answered message names its problem ("lazada ขึ้น
 * internal data error": 0.9) rather than guesses it ("why cant my store connect?": 0.1).
 */
const NAMED_CONFIDENCE = 0.3;

/** The live status check of a signed-in seller's stores, and what it tells. */
export class StatusDialog {
  /** "Is my Lazada store OK?" (store-question.ts). */
  readonly stores: StoreQuestion;

  constructor(private readonly t: TurnContext) {
    this.stores = new StoreQuestion(t);
  }

  /** The check has no question of its own to ask again. */
  askAgain(): void {
    this.t.welcome(true);
  }

  /** The check asks nothing the seller answers in words. */
  takeReply(): boolean {
    return false;
  }

  /** "Check my stores"; or a sign-in button pressed where the channel does not link (an old button, another channel). */
  takeButton(arg: string): void {
    if (arg === 'account') this.askToSignIn();
    else this.requestStatus('asked');
  }

  askToSignIn(): void {
    this.t.offer(this.t.tr('status.signIn'), this.t.menuChoices(), 'ask-link');
  }

  /** The article of the problem the last, fresh status check found on this platform's store. */
  checkedProblem(platform: Platform): Topic | undefined {
    const account = this.freshAccount();
    if (!account) return undefined;
    const { problems } = diagnose(account, this.t.ctx.kb, new Date(this.t.at));
    const withArticle = (f: Finding): f is Extract<Finding, { kind: 'expired' | 'known-error' }> => f.kind === 'expired' || f.kind === 'known-error';
    const found = problems.filter(withArticle).find((f) => f.store.platform === platform && !this.t.state.notFixed.includes(f.topic));
    return found && this.t.ctx.kb.byId.get(found.topic);
  }

  /** The last status check as the connector gave it, while it is fresh. */
  freshAccount(): AccountStores | undefined {
    const snapshot = this.t.state.statusSnapshot;
    if (!snapshot || !this.freshSnapshot()) return undefined;
    return { accountId: this.t.turn.accountId ?? '', fetchedAt: snapshot.at, stores: snapshot.stores as StoreStatus[] };
  }

  freshSnapshot(): boolean {
    const at = this.t.state.statusSnapshot?.at;
    return !!at && Date.parse(this.t.at) - Date.parse(at) < SNAPSHOT_FRESH_MS;
  }

  requestStatus(purpose: 'asked' | 'handover'): void {
    if (!this.t.turn.accountId) {
      if (purpose === 'handover') return this.t.dialogs.handover.fileTicket();
      // The channel starts the linking itself on this action (LINE); the language rides along.
      if (this.t.turn.accountLinking) {
        const link = { label: this.t.tr('status.linkButton'), action: linkAction(this.t.state.lang ?? 'th') };
        return this.t.offer(this.t.tr('status.linkFirst'), [link, ...this.t.menuChoices()], 'ask-link');
      }
      return this.askToSignIn();
    }
    this.t.state.statusCheck = { purpose };
    this.t.effect = { type: 'check-status', accountId: this.t.turn.accountId };
  }

  /** The connector answered (or failed): say what it shows, then carry on with the conversation. */
  statusChecked(turn: Turn): void {
    const check = this.t.state.statusCheck ?? { purpose: 'asked' as const };
    this.t.state.statusCheck = undefined;
    const r = turn.status;
    if (!r || 'error' in r) {
      this.t.events.push({ type: 'status-checked', ok: false, problems: 0 });
      if (check.purpose === 'handover') return this.t.dialogs.handover.fileTicket();
      this.t.say(this.t.tr('status.failed'), 'error');
      return this.continueAfterCheck(check);
    }
    const diagnosis = diagnose(r, this.t.ctx.kb, new Date(this.t.at));
    this.t.state.statusSnapshot = { at: this.t.at, stores: r.stores };
    this.t.events.push({ type: 'status-checked', ok: true, problems: diagnosis.problems.length });
    if (check.purpose === 'handover') return this.t.dialogs.handover.fileTicket();
    if (check.platform) return this.stores.tell(check.platform, r);

    const lines = [...diagnosis.problems, ...diagnosis.warnings].map((f) => this.describeFinding(f));
    if (diagnosis.allActive) {
      // "I keep getting 'store already bound to another account' when I add my Shopify store":
      // a problem the seller names, which the stores already connected do not show, has its article.
      const told = namedTopic(check, []);
      if (told && this.t.ctx.kb.byId.has(told)) {
        this.t.say(this.t.tr('status.allActiveNamed', { count: diagnosis.storeCount }), 'status');
        return this.t.dialogs.feedback.showArticle(this.t.ctx.kb.byId.get(told)!);
      }
      this.t.offer(this.t.tr('status.allActive', { count: diagnosis.storeCount }), [
        ...(check.topic ? [this.t.topicChoice(check.topic)] : []),
        { label: this.t.tr('menu.handover'), action: 'handover' },
      ], 'status');
      return;
    }
    this.t.say([this.t.tr('status.intro'), ...lines].join('\n'), 'status');
    // The platform and code of every problem found, an unknown error's too: the hand-over's
    // summary said "Platform: —" for a Shopify store's unknown error.
    for (const f of diagnosis.problems) {
      this.t.memory.addPlatform(f.store.platform);
      if ((f.kind === 'known-error' || f.kind === 'unknown-error') && !this.t.state.errorCodes.includes(f.code)) this.t.state.errorCodes.push(f.code);
    }
    this.answerProblems(check, diagnosis.problems);
  }

  /** The article of the problem the seller named, or of the first problem found; the others one tap away. */
  private answerProblems(check: NonNullable<ConversationState['statusCheck']>, problems: Finding[]): void {
    const first = problems[0];
    if (!first) return this.continueAfterCheck(check);
    const articles = [...new Set(problems.flatMap((f) => (f.kind === 'expired' || f.kind === 'known-error' ? [f.topic] : [])))];
    const told = namedTopic(check, articles);
    if (told && this.t.ctx.kb.byId.has(told)) {
      this.t.state.alternatives = articles.filter((id) => id !== told);
      return this.t.dialogs.feedback.showArticle(this.t.ctx.kb.byId.get(told)!);
    }
    if (first.kind !== 'expired' && first.kind !== 'known-error') return this.t.dialogs.handover.handover('unknown-error');
    this.t.state.alternatives = articles.slice(1);
    this.t.dialogs.feedback.showArticle(this.t.ctx.kb.byId.get(first.topic)!);
  }

  describeFinding(f: Finding): string {
    const platform = PLATFORM_NAMES[f.store.platform as Platform] ?? f.store.platform;
    const store = f.store.nickname || f.store.storeId;
    const date = (iso: string) =>
      new Date(iso).toLocaleDateString(this.t.lang === 'th' ? 'th-TH' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Bangkok' });
    switch (f.kind) {
      case 'expired':
        return f.expiredAt ? this.t.tr('status.expired', { platform, store, date: date(f.expiredAt) }) : this.t.tr('status.expiredNoDate', { platform, store });
      case 'known-error':
        return this.t.tr('status.knownError', { platform, store, code: f.code });
      case 'unknown-error':
        return this.t.tr('status.unknownError', { platform, store, code: f.code });
      case 'expiring-soon':
        return this.t.tr('status.expiring', { platform, store, date: date(f.expiresAt), days: f.days });
    }
  }

  /** After a failed or uneventful check, answer what the seller wrote as if there were no check. */
  continueAfterCheck(check: NonNullable<ConversationState['statusCheck']>): void {
    if (check.purpose !== 'problem') return this.t.welcome(true);
    if (check.decision === 'vague') return this.t.dialogs.more.askForMore();
    if (check.decision === 'answer' && check.topic) return this.t.dialogs.feedback.showArticle(this.t.ctx.kb.byId.get(check.topic)!);
    const candidates = (check.candidates ?? []).slice(0, 3);
    if (candidates.length === 0) return this.t.welcome(true);
    this.t.state.question = { kind: 'clarify' };
    this.t.offer(this.t.tr('clarify.ask'), [
      ...candidates.map((id) => this.t.topicChoice(id)),
      { label: this.t.tr('clarify.none'), action: 'none-of-these' },
    ], 'clarify');
  }
}

/**
 * The seller said what is wrong ("my lazada says internal data error"): that article, though the
 * check found another problem first. A guess from a message that names nothing ("why cant my
 * store connect?") gives way to what was found.
 */
function namedTopic(check: NonNullable<ConversationState['statusCheck']>, found: string[]): string | undefined {
  if (check.purpose !== 'problem' || check.decision !== 'answer' || !check.topic) return undefined;
  return found.includes(check.topic) || (check.confidence ?? 1) >= NAMED_CONFIDENCE ? check.topic : undefined;
}
