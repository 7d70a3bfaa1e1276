import type { OutMessage } from '../conversation/messages';
import type { Translate } from '../i18n';
import type { KnowledgeBase } from '../knowledge/load';
import { PLATFORM_NAMES, type Language, type Platform } from '../knowledge/schema';
import type { DueStore } from './expiry-rules';

/**
 * The warning itself, in the core's vocabulary (act `expiry-warning`), so each channel renders
 * it as it renders any answer (LINE: a flex bubble with buttons). Pure. Its buttons are actions
 * the conversation already understands: the reconnect article, the status check, and "stop
 * reminders".
 */

/** The action of the "stop reminders" button; `reminders:on` turns them on again. */
export const STOP_REMINDERS_ACTION = 'reminders:off';

/**
 * The article that tells how to reconnect a store of each platform: the platform's own article
 * of the connection-expired family where it has one (the same steps, and what is special about
 * that platform's authorisation), else the general one.
 */
const RECONNECT_TOPICS: Partial<Record<Platform, string>> = {
  shopee: 'shopee-authorization-yearly',
  lazada: 'lazada-token-lifetime',
  tiktok: 'tiktok-renew-authorization',
};
export const GENERAL_RECONNECT_TOPIC = 'connection-expired';

export function reconnectTopic(kb: KnowledgeBase, platform: string): string {
  const id = RECONNECT_TOPICS[platform as Platform];
  return id && kb.byId.has(id) ? id : GENERAL_RECONNECT_TOPIC;
}

function dateOf(iso: string, lang: Language): string {
  return new Date(iso).toLocaleDateString(lang === 'th' ? 'th-TH' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Bangkok' });
}

export function expiryWarning(due: DueStore, lang: Language, ctx: { t: Translate; kb: KnowledgeBase }): OutMessage {
  const { t, kb } = ctx;
  const vars = {
    platform: PLATFORM_NAMES[due.store.platform as Platform] ?? due.store.platform,
    store: due.store.nickname || due.store.storeId,
    date: dateOf(due.expiresAt, lang),
    days: due.days,
  };
  const when = due.expired ? 'expired' : due.days === 0 ? 'today' : 'soon';
  return {
    type: 'card',
    act: 'expiry-warning',
    lang,
    title: t(lang, due.expired ? 'expiry.title.expired' : 'expiry.title.soon', vars),
    text: t(lang, `expiry.text.${when}`, vars),
    choices: [
      { label: t(lang, 'expiry.button.reconnect'), action: `topic:${reconnectTopic(kb, due.store.platform)}` },
      { label: t(lang, 'expiry.button.check'), action: 'status:check' },
      { label: t(lang, 'expiry.button.stop'), action: STOP_REMINDERS_ACTION },
    ],
  };
}
