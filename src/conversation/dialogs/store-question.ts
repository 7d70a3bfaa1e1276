import { PLATFORM_NAMES, type Platform } from '../../knowledge/schema';
import type { AccountStores } from '../../status/connector';
import { diagnose, type Finding } from '../../status/diagnose';
import { mentions } from '../cues';
import type { Reading } from '../reading';
import type { TurnContext } from '../turn-context';

/** The lexicon's word for a store (ร้าน, shop, store). */
const STORE = 'store';

/**
 * "Is my Lazada store OK?", "แล้วร้าน lazada ปกติไหมคะ", "and shopee?" after a check: a signed-in
 * seller asks about one platform's stores. Told from the last check when it is fresh (one is
 * made otherwise), store by store, and a store that is fine is said to be fine; a problem gets
 * its article.
 */
export class StoreQuestion {
  constructor(private readonly t: TurnContext) {}

  /** The platform the message asks about, when it is such a question. */
  platformAsked(r: Reading): Platform | undefined {
    const a = r.m.analysis;
    const named = a.platforms.length === 1 ? a.platforms[0]! : undefined;
    if (!named || a.errorCodes.length > 0) return undefined;
    // Not signed in, "is my shopee connected?" asks for a check the bot can make once signed in;
    // with a problem said ("is my shopee ok? no OTP comes") the problem is answered instead.
    if (!this.t.turn.accountId) return mentions(this.t.cues(r.typed), 'store-ok') && !a.reportsProblem ? named : undefined;
    // "is my lazada ok?"; after a fresh check, the name alone ("and shopee?", "แล้วร้านลาซาด้าล่ะคะ",
    // with the word for a store) asks the same of it.
    const asksIfFine = mentions(this.t.cues(r.typed), 'store-ok');
    const nameAlone = !!this.t.platformNamedAlone(a, (w) => w === STORE) && this.t.dialogs.status.freshSnapshot();
    return asksIfFine || nameAlone ? named : undefined;
  }

  ask(platform: Platform): void {
    if (!this.t.turn.accountId) return this.t.dialogs.status.requestStatus('asked');
    const account = this.t.dialogs.status.freshAccount();
    if (account) return this.tell(platform, account);
    this.t.state.statusCheck = { purpose: 'asked', platform };
    this.t.effect = { type: 'check-status', accountId: this.t.turn.accountId! };
  }

  /** What the check shows of this platform's stores; the first problem's article after it. */
  tell(platform: Platform, account: AccountStores): void {
    const name = PLATFORM_NAMES[platform];
    const stores = account.stores.filter((s) => s.platform === platform);
    this.t.memory.addPlatform(platform);
    if (stores.length === 0) return this.t.offer(this.t.tr('status.noStoreOn', { platform: name }), this.t.menuChoices([platform]), 'status');
    const { problems, warnings } = diagnose({ ...account, stores }, this.t.ctx.kb, new Date(this.t.at));
    const told = new Set([...problems, ...warnings].map((f) => f.store));
    const fine = stores.filter((s) => !told.has(s)).map((s) => this.t.tr('status.storeFine', { platform: name, store: s.nickname || s.storeId }));
    const lines = [...problems, ...warnings].map((f) => this.t.dialogs.status.describeFinding(f));
    const first = problems.find((f): f is Extract<Finding, { topic: string }> => 'topic' in f);
    if (!first) return this.t.offer([...lines, ...fine].join('\n'), this.t.menuChoices([platform]), 'status');
    this.t.say([...lines, ...fine].join('\n'), 'status');
    this.t.dialogs.feedback.showArticle(this.t.ctx.kb.byId.get(first.topic)!);
  }
}
