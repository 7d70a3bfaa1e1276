import { Router } from 'express';
import type { Platform } from '../knowledge/schema';

/**
 * The built-in sandbox connector, used when CONNECTOR_API_URL is unset: it serves the same HTTP
 * contract as the real connector API (../shared/CONTRACTS.md) so the real client, its schema
 * check and the diagnosis rules all run in a demo. Everything it answers is labelled sandbox
 * (header X-Sandbox: true, field sandbox: true), which the contract allows as an extra field.
 */

const DAY = 24 * 3600 * 1000;

export interface SandboxStore {
  storeId: string;
  platform: Platform;
  nickname: string;
  status: 'active' | 'expired' | 'error';
  /**
   * Days from the moment of the request; negative is in the past, null never expires. Kept
   * relative so a demo server left running for a week still shows the same cases.
   */
  expiresInDays: number | null;
  lastError: { code: string; message: string; hoursAgo: number } | null;
}

export interface SandboxSeller {
  accountId: string;
  /** Shown on the sandbox sign-in page. */
  displayName: { th: string; en: string };
  /** What this seller demonstrates, for the same page. */
  scenario: { th: string; en: string };
  stores: SandboxStore[];
}

export const SANDBOX_SELLERS: readonly SandboxSeller[] = [
  {
    accountId: 'demo-expired',
    displayName: { th: 'คุณมณี (ร้านแม่มณี)', en: 'Manee (Mae Manee shop)' },
    scenario: { th: 'ร้าน Shopee หมดอายุเมื่อ 3 วันก่อน ร้าน Lazada ปกติ', en: 'Shopee store expired 3 days ago, Lazada store fine' },
    stores: [
      { storeId: 'sbx-shopee-1', platform: 'shopee', nickname: 'ร้านแม่มณี', status: 'expired', expiresInDays: -3, lastError: null },
      { storeId: 'sbx-lazada-1', platform: 'lazada', nickname: 'แม่มณี Lazada', status: 'active', expiresInDays: 120, lastError: null },
    ],
  },
  {
    accountId: 'demo-password',
    displayName: { th: 'คุณสมชาย (ร้านสมชายไอที)', en: 'Somchai (Somchai IT)' },
    scenario: { th: 'ร้าน Lazada รหัสผ่านไม่ตรง (PASSWORD_NOT_MATCH)', en: 'Lazada store with PASSWORD_NOT_MATCH' },
    stores: [
      {
        storeId: 'sbx-lazada-2',
        platform: 'lazada',
        nickname: 'สมชายไอที',
        status: 'error',
        expiresInDays: 90,
        lastError: { code: 'PASSWORD_NOT_MATCH', message: 'Lazada rejected the saved password', hoursAgo: 5 },
      },
    ],
  },
  {
    accountId: 'demo-expiring',
    displayName: { th: 'คุณนิด (นิดแฟชั่น)', en: 'Nid (Nid Fashion)' },
    scenario: { th: 'ร้าน TikTok Shop ใช้งานได้ แต่จะหมดอายุใน 3 วัน', en: 'TikTok Shop store active but expiring in 3 days' },
    stores: [{ storeId: 'sbx-tiktok-1', platform: 'tiktok', nickname: 'Nid Fashion', status: 'active', expiresInDays: 3, lastError: null }],
  },
  {
    accountId: 'demo-active',
    displayName: { th: 'คุณวิชัย (วิชัยการค้า)', en: 'Wichai (Wichai Trading)' },
    scenario: { th: 'ทุกร้านเชื่อมต่อปกติ', en: 'Every store connected and fine' },
    stores: [
      { storeId: 'sbx-shopee-2', platform: 'shopee', nickname: 'วิชัยการค้า', status: 'active', expiresInDays: 150, lastError: null },
      { storeId: 'sbx-lazada-3', platform: 'lazada', nickname: 'Wichai Official', status: 'active', expiresInDays: 200, lastError: null },
      { storeId: 'sbx-woo-1', platform: 'woocommerce', nickname: 'wichai-trading.co.th', status: 'active', expiresInDays: null, lastError: null },
    ],
  },
  {
    accountId: 'demo-unknown-error',
    displayName: { th: 'คุณพิมพ์ (พิมพ์ช็อป)', en: 'Pim (Pim Shop)' },
    scenario: { th: 'ร้าน Shopify มีข้อผิดพลาดที่ไม่มีในคู่มือ', en: 'Shopify store with an error code no article covers' },
    stores: [
      {
        storeId: 'sbx-shopify-1',
        platform: 'shopify',
        nickname: 'Pim Shop',
        status: 'error',
        expiresInDays: null,
        lastError: { code: 'SHOP_LOCKED_BY_PARTNER', message: 'The store is locked by a partner app', hoursAgo: 20 },
      },
    ],
  },
  {
    accountId: 'demo-many',
    displayName: { th: 'คุณแก้ว (แก้วมาร์ท)', en: 'Kaew (Kaew Mart)' },
    scenario: {
      th: 'หลายปัญหา: Shopee หมดอายุ, Lazada INTERNAL_DATA_ERROR, TikTok Shop ใกล้หมดอายุ',
      en: 'Several problems: Shopee expired, Lazada INTERNAL_DATA_ERROR, TikTok Shop expiring soon',
    },
    stores: [
      { storeId: 'sbx-shopee-3', platform: 'shopee', nickname: 'แก้วมาร์ท', status: 'expired', expiresInDays: -1, lastError: null },
      {
        storeId: 'sbx-lazada-4',
        platform: 'lazada',
        nickname: 'Kaew Mart LZD',
        status: 'error',
        expiresInDays: 60,
        lastError: { code: 'INTERNAL_DATA_ERROR', message: 'Lazada returned an internal data error', hoursAgo: 2 },
      },
      { storeId: 'sbx-tiktok-2', platform: 'tiktok', nickname: 'Kaew Mart TikTok', status: 'active', expiresInDays: 2, lastError: null },
    ],
  },
];

/** Whole seconds read better in a demo and are still valid RFC 3339. */
function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The 200 body the sandbox sends for an account, or undefined for an unknown one. */
export function sandboxAccountStores(accountId: string, now: Date = new Date()) {
  const seller = SANDBOX_SELLERS.find((s) => s.accountId === accountId);
  if (!seller) return undefined;
  const t = now.getTime();
  return {
    accountId: seller.accountId,
    sandbox: true as const,
    stores: seller.stores.map((s) => ({
      storeId: s.storeId,
      platform: s.platform,
      nickname: s.nickname,
      status: s.status,
      expiresAt: s.expiresInDays === null ? null : iso(t + s.expiresInDays * DAY),
      lastError: s.lastError ? { code: s.lastError.code, message: s.lastError.message, at: iso(t - s.lastError.hoursAgo * 3600 * 1000) } : null,
    })),
  };
}

/**
 * Mount it anywhere (e.g. app.use('/sandbox/connector', createSandboxConnectorRouter())) and
 * point the client's baseUrl there. Any bearer token, or none, is accepted: it holds no real data.
 */
export function createSandboxConnectorRouter(options: { now?: () => Date } = {}): Router {
  const now = options.now ?? (() => new Date());
  const router = Router();
  router.get('/v1/accounts/:accountId/stores', (req, res) => {
    res.set('X-Sandbox', 'true');
    res.set('Cache-Control', 'no-store');
    const body = sandboxAccountStores(req.params.accountId, now());
    if (!body) {
      res.status(404).json({ sandbox: true, error: { code: 'ACCOUNT_NOT_FOUND', message: 'No sandbox seller with this account id' } });
      return;
    }
    res.json(body);
  });
  return router;
}
