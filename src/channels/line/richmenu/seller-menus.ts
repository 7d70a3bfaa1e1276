import { BoundedCache } from '../../../bounded-cache';
import type { Language } from '../../../knowledge/schema';
import type { Logger } from '../../../logger';
import type { RichMenuStore } from '../../../storage/richmenu-store';
import type { RichMenuApi } from './api';
import { DEFAULT_MENU_KEY } from './publish';

/**
 * Gives each seller the rich menu that fits them: linked or not, in their conversation's
 * language. Asked after every LINE turn, it calls LINE only when that changes (a seller links,
 * unlinks, or switches language), and does nothing while no menu was published
 * (`npm run line:richmenu`). The default menu needs no link of its own: a seller who should
 * have it loses their per-seller link.
 */
export class SellerMenus {
  /** What this process knows each seller was given, so a turn reads no storage. */
  private readonly known = new BoundedCache<string, string>(20_000);

  constructor(private readonly deps: { api: RichMenuApi; store: RichMenuStore; log: Logger }) {}

  /**
   * `lang` undefined: the language of the menu the seller has, else Thai. `fresh`: read what the
   * seller has from storage, not this process's memory (linking and unlinking, which another
   * instance may have seen before).
   */
  async follow(lineUserId: string, seller: { linked: boolean; lang?: Language; fresh?: boolean }): Promise<void> {
    const { api, store, log } = this.deps;
    try {
      const known = (seller.fresh ? undefined : this.known.get(lineUserId)) ?? (await store.sellerMenu(lineUserId));
      const lang = seller.lang ?? (known?.endsWith('-en') ? 'en' : 'th');
      const key = `${seller.linked ? 'linked' : 'unlinked'}-${lang}`;
      if (known === key || (known === undefined && key === DEFAULT_MENU_KEY)) {
        this.known.set(lineUserId, key);
        return;
      }
      if (key === DEFAULT_MENU_KEY) {
        await api.unlinkSeller(lineUserId);
      } else {
        const id = (await store.get(key)).current?.id;
        // Not published yet: the seller keeps what they have, and is looked at again next turn.
        if (!id) return;
        await api.linkSeller(lineUserId, id);
      }
      await store.setSellerMenu(lineUserId, key);
      this.known.set(lineUserId, key);
      log.info({ menu: key }, 'LINE rich menu of a seller changed');
    } catch (err) {
      // The menu is a convenience: the seller's next turn tries again.
      log.warn({ err }, 'LINE rich menu of a seller not changed');
    }
  }
}
