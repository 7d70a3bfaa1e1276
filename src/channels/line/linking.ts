import crypto from 'node:crypto';
import express from 'express';
import type { Logger } from '../../logger';
import type { LinkStore } from '../../storage/link-store';

/**
 * LINE account linking (LINE's account-link flow):
 * 1. the seller asks to link; the bot gets a link token from LINE for that user and sends the
 *    sign-in URL of the back office (LINE_LINK_LOGIN_URL, or the sandbox page) with it;
 * 2. the back office signs the seller in and confirms it to the bot (POST /line/link/confirm,
 *    Bearer LINK_CONFIRM_SECRET) with the link token and the account id, and gets a one-time
 *    nonce and the LINE URL to send the seller to;
 * 3. LINE then sends the bot an `accountLink` event with that nonce, which links the LINE user
 *    to the account: only once, only fresh, only for the user the link token was issued for.
 */

export const LINK_TOKEN_TTL_SECONDS = 600;
export const NONCE_TTL_SECONDS = 600;
const LINE_ACCOUNT_LINK_URL = 'https://access.line.me/dialog/bot/accountLink';

export function accountLinkRedirect(linkToken: string, nonce: string): string {
  return `${LINE_ACCOUNT_LINK_URL}?linkToken=${encodeURIComponent(linkToken)}&nonce=${encodeURIComponent(nonce)}`;
}

/** Step 1: asks LINE for a link token for this user and returns the sign-in URL to send them. */
export async function startLinking(deps: {
  lineUserId: string;
  links: LinkStore;
  apiBaseUrl: string;
  channelAccessToken: string;
  loginUrl: string;
}): Promise<string> {
  const res = await fetch(`${deps.apiBaseUrl.replace(/\/+$/, '')}/v2/bot/user/${encodeURIComponent(deps.lineUserId)}/linkToken`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${deps.channelAccessToken}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`LINE refused a link token (HTTP ${res.status})`);
  const { linkToken } = (await res.json()) as { linkToken?: unknown };
  if (typeof linkToken !== 'string' || !linkToken) throw new Error('LINE answered without a link token');
  await deps.links.rememberLinkToken(linkToken, deps.lineUserId, LINK_TOKEN_TTL_SECONDS);
  const url = new URL(deps.loginUrl);
  url.searchParams.set('linkToken', linkToken);
  return url.toString();
}

function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Step 2, for the back office: POST /line/link/confirm. */
export function createLinkConfirmRouter(deps: { links: LinkStore; confirmSecret: () => string; log: Logger }): express.Router {
  const router = express.Router();
  router.post('/line/link/confirm', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!given || !sameSecret(given, deps.confirmSecret())) {
        res.status(401).json({ error: { code: 'unauthorized', message: 'Bearer LINK_CONFIRM_SECRET required' } });
        return;
      }
      const { linkToken, accountId } = (req.body ?? {}) as { linkToken?: unknown; accountId?: unknown };
      if (typeof linkToken !== 'string' || typeof accountId !== 'string' || !linkToken || !/^[\w.:@-]{1,128}$/.test(accountId)) {
        res.status(400).json({ error: { code: 'bad_request', message: 'linkToken and accountId (string) are required' } });
        return;
      }
      const nonce = await deps.links.issueNonce(linkToken, accountId, NONCE_TTL_SECONDS);
      if (!nonce) {
        res.status(404).json({ error: { code: 'unknown_link_token', message: 'Unknown, used or expired link token' } });
        return;
      }
      deps.log.info({ accountId }, 'LINE link confirmed by the back office');
      res.json({ nonce, redirectUrl: accountLinkRedirect(linkToken, nonce) });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/**
 * The sandbox stand-in for the back office's sign-in page: pick a sample seller, and it confirms
 * exactly as the back office would, then sends the browser on to LINE.
 */
export function createSandboxLineLoginRouter(deps: {
  links: LinkStore;
  sellers: readonly { accountId: string; displayName: { th: string; en: string } }[];
}): express.Router {
  const router = express.Router();
  const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  router.get('/sandbox/line-login', (req, res) => {
    const linkToken = typeof req.query.linkToken === 'string' ? req.query.linkToken : '';
    const buttons = deps.sellers
      .map((s) => `<button name="accountId" value="${esc(s.accountId)}">${esc(s.displayName.th)} / ${esc(s.displayName.en)}</button>`)
      .join('<br>');
    res.type('html').send(`<!doctype html><html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sandbox sign-in</title><style>body{font-family:"Sarabun","Noto Sans Thai",Tahoma,sans-serif;padding:20px;line-height:1.6}button{margin:6px 0;padding:10px 14px;font:inherit}</style></head>
<body><h1>BigSeller (sandbox)</h1><p>เข้าสู่ระบบเพื่อเชื่อมบัญชีกับ LINE — ร้านค้าตัวอย่าง ไม่ใช่ข้อมูลจริง<br>Sign in to link LINE — sample sellers, not real data.</p>
<form method="post" action="/sandbox/line-login"><input type="hidden" name="linkToken" value="${esc(linkToken)}">${buttons}</form></body></html>`);
  });
  router.post('/sandbox/line-login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const { linkToken, accountId } = req.body as { linkToken?: unknown; accountId?: unknown };
      // A repeated field arrives as an array: only one plain value of each is a sign-in.
      if (typeof linkToken !== 'string' || !linkToken || typeof accountId !== 'string' || !deps.sellers.some((s) => s.accountId === accountId)) {
        res.status(400).type('text').send('Unknown sample seller or missing link token');
        return;
      }
      const nonce = await deps.links.issueNonce(linkToken, accountId, NONCE_TTL_SECONDS);
      if (!nonce) {
        res.status(410).type('text').send('This sign-in link has expired or was used: ask the bot for a new one.');
        return;
      }
      res.redirect(303, accountLinkRedirect(linkToken, nonce));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
