import { BoundedCache } from '../../../bounded-cache';
import type { Language } from '../../../knowledge/schema';
import type { Logger } from '../../../logger';
import type { RichMenuStore } from '../../../storage/richmenu-store';
import { userHash } from '../screenshots';
import type { RichMenuApi } from './api';
import { DEFAULT_MENU_KEY } from './publish';

/** How long this process trusts the published menus' ids it read (a new run replaces them). */
const IDS_TTL_MS = 60_000;

/**
 * Gives each seller the rich menu that fits them: linked or not, in their conversation's
 * language. Asked after every LINE turn, it calls LINE only when that changes (a seller links,
 * unlinks, or switches language, or the menu they had was published again under a new id),
 * and does nothing while no menu was published (`npm run line:richmenu`). The default menu
 * needs no link of its own: a seller who should have it loses their per-seller link.
 *
 * What a seller was given is remembered as `<menu key>@<menu id>` (the default as its key
 * alone), so a menu deleted on LINE and created again is linked again on the seller's next turn.
 */
export class SellerMenus {
  /** What this process knows each seller was given, so a turn reads no storage. */
  private readonly known = new BoundedCache<string, string>(20_000);
  private ids?: { at: number; byKey: Map<string, string | undefined> };

  constructor(private readonly deps: { api: RichMenuApi; store: RichMenuStore; log: Logger; now?: () => number }) {}

  /**
   * `lang` undefined: the language of the menu the seller has, else Thai. `fresh`: read what the
   * seller has from storage, not this process's memory (linking and unlinking, which another
   * instance may have seen before).
   */
  async follow(lineUserId: string, seller: { linked: boolean; lang?: Language; fresh?: boolean }): Promise<void> {
    const { api, store, log } = this.deps;
    let key = '';
    try {
      const known = (seller.fresh ? undefined : this.known.get(lineUserId)) ?? (await store.sellerMenu(lineUserId));
      const lang = seller.lang ?? (known?.split('@')[0]?.endsWith('-en') ? 'en' : 'th');
      key = `${seller.linked ? 'linked' : 'unlinked'}-${lang}`;
      const id = key === DEFAULT_MENU_KEY ? undefined : await this.currentId(key, seller.fresh);
      // Not published yet: the seller keeps what they have, and is looked at again next turn.
      if (key !== DEFAULT_MENU_KEY && !id) return;
      const wanted = id ? `${key}@${id}` : key;
      if (known === wanted || (known === undefined && key === DEFAULT_MENU_KEY)) {
        this.known.set(lineUserId, wanted);
        return;
      }
      if (id) await api.linkSeller(lineUserId, id);
      else await api.unlinkSeller(lineUserId);
      await store.setSellerMenu(lineUserId, wanted);
      this.known.set(lineUserId, wanted);
      log.info({ user: userHash(lineUserId), menu: key, id }, 'LINE rich menu of a seller changed');
    } catch (err) {
      // The menu is a convenience: the seller's next turn tries again.
      log.warn({ err, user: userHash(lineUserId), menu: key }, 'LINE rich menu of a seller not changed (tried again next turn)');
    }
  }

  /** The published menu's id for `key`, read from storage at most once a minute per process. */
  private async currentId(key: string, fresh = false): Promise<string | undefined> {
    const now = (this.deps.now ?? Date.now)();
    if (fresh || !this.ids || now - this.ids.at > IDS_TTL_MS) this.ids = { at: now, byKey: new Map() };
    const byKey = this.ids.byKey;
    if (!byKey.has(key)) byKey.set(key, (await this.deps.store.get(key)).current?.id);
    return byKey.get(key);
  }
}
