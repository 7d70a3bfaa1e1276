import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { persistentSecret } from '../../src/storage/sqlite';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { describeInBrowser, launchChromium, shot } from './browser-harness';

/**
 * The widget as a seller meets it: embedded by one script tag on a shop's own site, served from
 * another origin, under that site's everyday CSS and a strict Content-Security-Policy, at phone
 * and desktop sizes.
 */

const AXE = path.resolve(__dirname, '../../node_modules/axe-core/axe.min.js');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
// Uploads over this size get 413 from the server (the widget itself refuses over 5 MiB).
const SERVER_PICTURE_LIMIT = 4096;
const COOKIE_BANNER_HEIGHT = 80;

/** Rules a theme really has, each of which broke the widget while it lived in the page's DOM. */
const HOSTILE_CSS = `
  html { font-size: 22px; }
  * { box-sizing: content-box; }
  body { margin: 0; font: 24px/2.4 Georgia, serif; letter-spacing: 1px; color: #333; background: #f4efe6; }
  ol, ul { list-style: none; margin: 0; padding: 0; }
  li { padding: 6px 0; }
  div { padding: 10px; }
  p { margin: 2em 0; }
  button { min-width: 120px; text-transform: uppercase; letter-spacing: 2px; padding: 14px 28px; border-radius: 0; background: #222; color: #fff; font-size: 18px; }
  input { height: 50px; background: #ffc; border: 3px solid red; font-size: 20px; }
  svg { width: 100px; height: 100px; }
  a { color: red; font-weight: bold; }
  time { display: none; }
  .cookie { position: fixed; left: 0; right: 0; bottom: 0; height: ${COOKIE_BANNER_HEIGHT}px; padding: 0 20px; box-sizing: border-box; background: #222; color: #fff; font-size: 16px; line-height: ${COOKIE_BANNER_HEIGHT}px; z-index: 1000; }
`;

const NONCE = 'shop-nonce';

function hostPage(botBase: string): string {
  return `<!doctype html>
<html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ร้านของฉัน</title><style nonce="${NONCE}">${HOSTILE_CSS}</style></head>
<body>
  <h1>ร้านของฉัน</h1>
  <p>สินค้าใหม่ทุกวัน</p>
  <button id="help" type="button">ช่วยเหลือ</button>
  <div class="cookie">เว็บไซต์นี้ใช้คุกกี้</div>
  <script src="${botBase}/widget.js" data-locale="th" data-position="left" data-offset-bottom="${COOKIE_BANNER_HEIGHT + 20}" data-privacy-url="https://shop.example/privacy"></script>
  <script nonce="${NONCE}">document.getElementById('help').addEventListener('click', () => window.ConnectionHelp.open());</script>
</body></html>`;
}

/** A strict policy, as shops have: no inline style or script but the page's own (nonce). */
function hostPolicy(botBase: string): string {
  return [
    "default-src 'self'",
    `script-src ${botBase} 'nonce-${NONCE}'`,
    `style-src 'nonce-${NONCE}'`,
    `connect-src ${botBase}`,
    `img-src 'self' ${botBase} https: blob:`,
  ].join('; ');
}

/** A real PNG of a few pixels, made here (no fixture file). `padding` bytes after IEND make it bigger. */
function png(width = 8, height = 8, padding = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  // Orange and white stripes: something to see in the screenshots.
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows.set((x >> 4) % 2 ? [0xff, 0xff, 0xff] : [0xe0, 0x60, 0x10], y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
    Buffer.alloc(padding),
  ]);
}

/** What `read` gives once `ok` holds, or after `ms` whatever it gives then (for the assertion to show). */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface SavedChat {
  token: string;
  conversationId: string;
  userId: string;
  resumeKey?: string;
  expiresAt: number;
  history: unknown[];
}

describeInBrowser()('chat widget on a shop\'s own site', () => {
  let app: RunningApp;
  let host: http.Server;
  let hostBase: string;
  let browser: Browser;
  let storeKey: string;

  beforeAll(async () => {
    app = await startApp({ DIRECTLINE_UPLOAD_MAX_BYTES: String(SERVER_PICTURE_LIMIT) });
    storeKey = `bigseller-help:${app.base}:anon`;
    // Another origin: another port than the bot's.
    host = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': hostPolicy(app.base) }).end(hostPage(app.base)),
    );
    host.listen(0, '127.0.0.1');
    await new Promise((r) => host.once('listening', r));
    hostBase = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    host?.close();
    await app?.close();
  });

  async function shopPage(size: typeof PHONE | typeof DESKTOP = DESKTOP): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ ...size, locale: 'th-TH' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) errors.push(m.text());
    });
    await page.goto(`${hostBase}/`);
    return { context, page, errors };
  }

  async function openChat(page: Page) {
    await page.getByRole('button', { name: 'เปิดแชทช่วยเหลือ' }).click();
    await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();
  }

  async function say(page: Page, text: string) {
    await page.getByRole('textbox', { name: /พิมพ์ข้อความ|Type a message/ }).fill(text);
    await page.getByRole('button', { name: /^(ส่ง|Send)$/ }).click();
  }

  const saved = (page: Page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), storeKey) as Promise<SavedChat>;

  /** What the server holds for the page's conversation, read with the page's own token. */
  async function serverActivities(page: Page): Promise<any[]> {
    const s = await saved(page);
    const r = await fetch(`${app.base}/directline/conversations/${encodeURIComponent(s.conversationId)}/activities`, { headers: { authorization: `Bearer ${s.token}` } });
    return ((await r.json()) as { activities: any[] }).activities;
  }
  const userMessages = (all: any[], text: string) => all.filter((a) => a.type === 'message' && a.from?.role === 'user' && a.text === text);
  const answersTo = (all: any[], id: string) => all.filter((a) => a.type === 'message' && a.from?.role === 'bot' && a.replyToId === id);

  /**
   * The activities POSTs as the browser sends them (their bodies, in order). `post` may take one
   * over (true: it answered the route itself); `poll` may hold the polls back.
   */
  async function watchPosts(page: Page, take: { post?: (route: Route, body: any) => Promise<boolean>; poll?: () => Promise<void> } = {}) {
    const bodies: any[] = [];
    await page.route(
      (url) => url.pathname.endsWith('/activities'),
      async (route) => {
        if (route.request().method() !== 'POST') {
          await take.poll?.();
          return route.continue();
        }
        const body = route.request().postDataJSON();
        bodies.push(body);
        if (!(take.post && (await take.post(route, body)))) await route.continue();
      },
    );
    return bodies;
  }

  for (const [size, options] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`keeps the host page's CSS out, and moves and opens from the host's script (${size})`, async () => {
      const { context, page, errors } = await shopPage(options);
      const { width, height } = options.viewport;
      const launcher = page.getByRole('button', { name: 'เปิดแชทช่วยเหลือ' });
      // data-position="left", data-offset-bottom above the cookie banner: a round button, clear of it.
      const l = (await launcher.boundingBox())!;
      expect(l).toMatchObject({ x: 20, width: 60, height: 60 });
      expect(l.y + l.height).toBeLessThanOrEqual(height - COOKIE_BANNER_HEIGHT - 20);
      await expect(launcher.evaluate((n) => getComputedStyle(n).borderRadius)).resolves.toBe('50%');
      await shot(page, `widget-host-${size}-closed.png`);

      await page.evaluate(() => {
        const w = window as any;
        w.__events = [];
        for (const name of ['open', 'close']) window.addEventListener(`connectionhelp:${name}`, () => w.__events.push(name));
      });
      await page.locator('#help').click(); // the host's own button: window.ConnectionHelp.open()
      await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();
      await say(page, 'เชื่อมร้านลาซาด้าไม่ได้ ขึ้น internal data error ค่ะ');
      const steps = page.locator('.bsw-steps').last();
      await steps.waitFor();

      // Numbered steps, plain buttons, a plain input, a one-line title, the widget's own font.
      const ol = await steps.locator('ol').evaluate((n) => getComputedStyle(n).listStyleType);
      expect(ol).toBe('decimal');
      await expect(steps.locator('li').first().evaluate((n) => getComputedStyle(n).display)).resolves.toBe('list-item');
      const choice = page.locator('.bsw-choice').first();
      await expect(choice.evaluate((n) => { const c = getComputedStyle(n); return [c.textTransform, c.letterSpacing, c.minWidth]; })).resolves.toEqual(['none', 'normal', '0px']);
      const box = page.getByRole('textbox', { name: 'พิมพ์ข้อความ…' });
      await expect(box.evaluate((n) => { const c = getComputedStyle(n); return [c.backgroundColor, c.height]; })).resolves.toEqual(['rgb(255, 255, 255)', '44px']);
      const title = page.locator('.bsw-title');
      await expect(title.evaluate((n) => n.getBoundingClientRect().height)).resolves.toBeLessThan(30);
      await expect(page.locator('.bsw-log').evaluate((n) => { const c = getComputedStyle(n); return [c.fontSize, c.fontFamily.includes('Sarabun'), c.paddingTop]; })).resolves.toEqual(['15px', true, '12px']);
      await expect(page.locator('.bsw-meta time').first().isVisible()).resolves.toBe(true);

      // A long answer opens at its start: its title is in view, below the top of the log.
      const log = (await page.locator('.bsw-log').boundingBox())!;
      const top = (await steps.locator('.bsw-steps-title').boundingBox())!;
      expect(top.y).toBeGreaterThanOrEqual(log.y);
      expect(top.y + top.height).toBeLessThanOrEqual(log.y + log.height);

      // "Start over" and "close": 44 x 44 each, apart.
      const restart = (await page.getByRole('button', { name: 'เริ่มบทสนทนาใหม่' }).boundingBox())!;
      const close = (await page.locator('.bsw-head').getByRole('button', { name: 'ปิดแชท' }).boundingBox())!;
      for (const b of [restart, close]) expect([b.width, b.height]).toEqual([44, 44]);
      expect(close.x - (restart.x + restart.width)).toBeGreaterThanOrEqual(8);

      // The privacy line, with the host's link.
      const privacy = page.getByRole('link', { name: 'นโยบายความเป็นส่วนตัว' });
      await expect(privacy.getAttribute('href')).resolves.toBe('https://shop.example/privacy');
      await expect(page.getByText('แชทนี้จะถูกบันทึกไว้ไม่เกิน 90 วัน').isVisible()).resolves.toBe(true);

      if (size === 'phone') {
        expect(await page.locator('.bsw-panel').boundingBox()).toMatchObject({ x: 0, y: 0, width, height });
      } else {
        const p = (await page.locator('.bsw-panel').boundingBox())!;
        expect(p.x).toBe(20);
        expect(p.y + p.height).toBeLessThanOrEqual(l.y - 8);
      }
      await shot(page, `widget-host-${size}.png`);

      await page.evaluate(() => (window as any).ConnectionHelp.close());
      await expect(page.locator('.bsw-panel').isVisible()).resolves.toBe(false);
      await page.evaluate(() => (window as any).ConnectionHelp.toggle());
      await expect(page.locator('.bsw-panel').isVisible()).resolves.toBe(true);
      await expect(page.evaluate(() => (window as any).__events)).resolves.toEqual(['open', 'close', 'open']);
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);
  }

  it('shows the seller\'s message at once on a slow network, sends it once, and resends it when the connection is back', async () => {
    const { context, page, errors } = await shopPage(PHONE);
    await openChat(page);

    // Slow: the POST waits 1.5 s before it leaves the browser.
    const slowText = 'ร้าน shopee หมดอายุ ต้องทำยังไง';
    let released = false;
    const posts = await watchPosts(page, {
      post: async (route, body) => {
        if (body.text !== slowText) return false;
        await new Promise((r) => setTimeout(r, 1500));
        released = true;
        await route.continue();
        return true;
      },
    });
    await say(page, slowText);
    const mine = page.locator('.bsw-user', { hasText: 'ร้าน shopee หมดอายุ' });
    await mine.locator('.bsw-status', { hasText: 'กำลังส่ง…' }).waitFor({ timeout: 1000 });
    expect(released).toBe(false);
    await shot(page, 'widget-host-sending.png');
    await mine.locator('.bsw-status', { hasText: 'ส่งแล้ว' }).waitFor();
    await page.locator('.bsw-steps').last().waitFor();
    expect(posts.filter((b) => b.text === slowText)).toHaveLength(1);
    let all = await serverActivities(page);
    expect(userMessages(all, slowText)).toHaveLength(1);

    // The answer to the POST is lost after the server took it: "not sent", one tap resends it
    // with the same clientActivityID, and the server answers it once. The polls are held back
    // meanwhile, so that the retry, not the server's echo, is what settles it.
    await page.unrouteAll({ behavior: 'wait' });
    const lostText = 'ร้าน lazada เชื่อมไม่ได้ ขึ้น PASSWORD_NOT_MATCH';
    let releasePolls = () => {};
    const pollsHeld = new Promise<void>((r) => (releasePolls = r));
    let lost = 0;
    const retried = await watchPosts(page, {
      post: async (route, body) => {
        if (body.text !== lostText || lost > 0) return false;
        lost += 1;
        await route.fetch(); // the server has it...
        await route.abort('failed'); // ...the page never hears back
        return true;
      },
      poll: () => pollsHeld,
    });
    await say(page, lostText);
    const lostRow = page.locator('.bsw-user', { hasText: 'PASSWORD_NOT_MATCH' });
    await lostRow.locator('.bsw-status', { hasText: 'ส่งไม่สำเร็จ' }).waitFor();
    await shot(page, 'widget-host-not-sent.png');
    await lostRow.getByRole('button', { name: 'ลองส่งอีกครั้ง' }).click();
    await lostRow.locator('.bsw-status', { hasText: 'ส่งแล้ว' }).waitFor();
    releasePolls();
    await page.waitForFunction((text) => {
      const rows = Array.from(document.querySelector('bigseller-help')!.shadowRoot!.querySelectorAll('.bsw-row'));
      const i = rows.findIndex((r) => r.textContent!.includes(text));
      return i >= 0 && rows.slice(i + 1).some((r) => r.classList.contains('bsw-bot') && !r.classList.contains('bsw-typing'));
    }, 'PASSWORD_NOT_MATCH');
    const sent = retried.filter((b) => b.text === lostText);
    expect(sent).toHaveLength(2);
    expect(sent[0].channelData.clientActivityID).toMatch(/^bsw-/);
    expect(sent[1].channelData.clientActivityID).toBe(sent[0].channelData.clientActivityID);
    all = await serverActivities(page);
    const stored = all.filter((a) => a.from?.role === 'user' && a.channelData?.clientActivityID === sent[0].channelData.clientActivityID);
    expect(stored).toHaveLength(1);
    expect(answersTo(all, stored[0].id).filter((a) => /^answer:/.test(a.channelData?.act))).toHaveLength(1);

    // Offline: kept as "not sent", and sent by itself once the connection is back.
    await page.unrouteAll({ behavior: 'wait' });
    await context.setOffline(true);
    await say(page, 'ขอบคุณค่ะ');
    const offlineRow = page.locator('.bsw-user', { hasText: 'ขอบคุณค่ะ' });
    await offlineRow.locator('.bsw-status', { hasText: 'ส่งไม่สำเร็จ' }).waitFor();
    await context.setOffline(false);
    await offlineRow.locator('.bsw-status', { hasText: 'ส่งแล้ว' }).waitFor({ timeout: 10_000 });
    expect(await eventually(async () => userMessages(await serverActivities(page), 'ขอบคุณค่ะ').length, (n) => n > 0)).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('keeps a message whose answer never came across a reload, and the server answers it once', async () => {
    const { context, page, errors } = await shopPage(DESKTOP);
    await openChat(page);
    const text = 'ร้าน tiktok เชื่อมไม่ได้';
    // The server takes the first POST, the page never hears back, and no poll brings the copy
    // before the reload.
    let taken = 0;
    let hold = true;
    const bodies = await watchPosts(page, {
      post: async (route, body) => {
        if (body.text !== text || taken > 0) return false;
        taken += 1;
        await route.fetch();
        return true; // left unanswered: the reload cancels it
      },
      poll: () => (hold ? new Promise(() => {}) : Promise.resolve()),
    });
    await say(page, text);
    await page.locator('.bsw-user .bsw-status', { hasText: 'กำลังส่ง…' }).waitFor();
    await eventually(async () => taken, (n) => n > 0);
    expect(JSON.parse((await page.evaluate((key) => localStorage.getItem(key), storeKey))!).outbox).toMatchObject([{ text }]);
    hold = false;
    await page.reload();
    const row = page.locator('.bsw-user', { hasText: text });
    await row.locator('.bsw-status', { hasText: 'ส่งแล้ว' }).waitFor();
    await page.locator('.bsw-row.bsw-bot:not(.bsw-typing)').nth(1).waitFor();
    // Sent again after the reload, with the same clientActivityID.
    const sent = bodies.filter((b) => b.text === text).map((b) => b.channelData.clientActivityID);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    const all = await serverActivities(page);
    const stored = all.filter((a) => a.from?.role === 'user' && a.text === text);
    expect(stored).toHaveLength(1);
    expect(answersTo(all, stored[0].id).length).toBeGreaterThan(0);
    await expect(row.count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('counts replies that come while the chat is closed on the launcher, and clears them on opening', async () => {
    const { context, page, errors } = await shopPage(DESKTOP);
    await openChat(page);
    await page.evaluate(() => {
      const w = window as any;
      w.__unread = [];
      window.addEventListener('connectionhelp:unread', (e) => w.__unread.push((e as CustomEvent).detail.count));
    });
    await page.getByRole('textbox', { name: 'พิมพ์ข้อความ…' }).fill('ร้าน tiktok หมดอายุ');
    // Sent, and the chat closed before the answer can come.
    await page.evaluate(() => {
      (document.querySelector('bigseller-help')!.shadowRoot!.querySelector('.bsw-send') as HTMLButtonElement).click();
      (window as any).ConnectionHelp.close();
    });
    const badge = page.locator('.bsw-badge');
    await badge.waitFor();
    const count = Number(await badge.textContent());
    expect(count).toBeGreaterThanOrEqual(1);
    await expect(page.getByRole('button', { name: /เปิดแชทช่วยเหลือ \(ข้อความใหม่ \d+ ข้อความ\)/ }).count()).resolves.toBe(1);
    await page.getByRole('status').filter({ hasText: 'ข้อความใหม่' }).waitFor({ state: 'attached' });
    await expect(page.evaluate(() => (window as any).__unread.length)).resolves.toBeGreaterThanOrEqual(1);
    await shot(page, 'widget-host-unread.png');
    await page.getByRole('button', { name: /เปิดแชทช่วยเหลือ/ }).click();
    await expect(badge.isVisible()).resolves.toBe(false);
    await expect(saved(page).then((s: any) => s.unread)).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('sends a picture that reaches the bot and is shown back, and says why one is refused', async () => {
    const { context, page, errors } = await shopPage(PHONE);
    await openChat(page);
    const picker = page.locator('bigseller-help input[type=file]');
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/upload?')) uploads.push(r.url());
    });

    const picture = png(200, 120);
    expect(picture.length).toBeLessThan(SERVER_PICTURE_LIMIT);
    await picker.setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: picture });
    const shown = page.locator('.bsw-user img[src*="/directline/attachments/"]');
    await shown.waitFor();
    expect(await eventually(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), (w) => w === 200)).toBe(200);
    await expect(shown.getAttribute('alt')).resolves.toBe('รูปที่คุณส่ง');
    expect(uploads[0]).toContain(`userId=${encodeURIComponent((await saved(page)).userId)}`);
    const all = await serverActivities(page);
    const echoed = all.find((a) => a.from?.role === 'user' && a.attachments?.length);
    expect(echoed.attachments[0]).toMatchObject({ contentType: 'image/png' });
    expect(echoed.channelData.clientActivityID).toMatch(/^bsw-/);
    const acts = () => serverActivities(page).then((all) => answersTo(all, echoed.id).map((a) => a.channelData.act));
    expect(await eventually(acts, (a) => a.length > 0)).toContain('image-received');
    await page.locator('.bsw-row.bsw-bot:not(.bsw-typing)').last().waitFor();
    await shot(page, 'widget-host-picture.png');

    // Refused in the browser: nothing is uploaded.
    await picker.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: png(8, 8, 5 * 1024 * 1024) });
    await page.locator('.bsw-error.bsw-on', { hasText: 'รูปใหญ่เกินไป' }).waitFor();
    await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.locator('.bsw-error.bsw-on', { hasText: 'ส่งได้เฉพาะรูป JPEG, PNG, WebP หรือ HEIC' }).waitFor();
    expect(uploads).toHaveLength(1);

    // Refused by the server: not a picture inside (415), larger than its limit (413).
    await picker.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await page.locator('.bsw-rejected .bsw-status', { hasText: 'ส่งได้เฉพาะรูป' }).waitFor();
    await picker.setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: png(8, 8, SERVER_PICTURE_LIMIT * 2) });
    await page.locator('.bsw-rejected .bsw-status', { hasText: 'รูปใหญ่เกินกว่าที่ระบบรับได้' }).waitFor();
    await shot(page, 'widget-host-picture-refused.png');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('asks before starting over, inside the widget', async () => {
    const { context, page } = await shopPage(DESKTOP);
    await openChat(page);
    await say(page, 'ร้าน shopee หมดอายุ ต้องทำยังไง');
    await page.locator('.bsw-steps').last().waitFor();
    const before = (await saved(page)).conversationId;
    let dialogs = 0;
    page.on('dialog', () => dialogs++);

    await page.getByRole('button', { name: 'เริ่มบทสนทนาใหม่' }).click();
    const question = page.getByRole('alertdialog', { name: 'เริ่มบทสนทนาใหม่ไหมคะ' });
    await question.waitFor();
    await expect(page.getByRole('button', { name: 'ยกเลิก' }).evaluate((n) => n === (n.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);
    await shot(page, 'widget-host-confirm.png');
    await page.keyboard.press('Escape');
    await expect(question.isVisible()).resolves.toBe(false);
    await expect(page.locator('.bsw-steps').count()).resolves.toBe(1);
    expect((await saved(page)).conversationId).toBe(before);

    await page.getByRole('button', { name: 'เริ่มบทสนทนาใหม่' }).click();
    await page.getByRole('button', { name: 'เริ่มใหม่', exact: true }).click();
    await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();
    await expect(page.locator('.bsw-steps').count()).resolves.toBe(0);
    expect(await eventually(async () => (await saved(page)).conversationId, (id) => id !== before)).not.toBe(before);
    expect(dialogs).toBe(0);
    await context.close();
  }, 60_000);

  it('speaks the language of the bot\'s last reply', async () => {
    const { context, page } = await shopPage(PHONE);
    await openChat(page);
    await expect(page.locator('.bsw-root').getAttribute('lang')).resolves.toBe('th');
    await say(page, 'my lazada store cannot connect, it says internal data error');
    await page.locator('.bsw-steps[lang="en"]').last().waitFor();
    await page.getByRole('textbox', { name: 'Type a message…' }).waitFor();
    await expect(page.getByRole('button', { name: 'Send', exact: true }).count()).resolves.toBe(1);
    await expect(page.locator('.bsw-root').getAttribute('lang')).resolves.toBe('en');
    await expect(page.getByText('This chat is recorded, kept for up to 90 days').isVisible()).resolves.toBe(true);
    await expect(page.locator('.bsw-user .bsw-status').last().textContent()).resolves.toBe('Sent');
    await shot(page, 'widget-host-english.png');
    await context.close();
  }, 60_000);

  it('continues the conversation after its token expired, and says so when it cannot', async () => {
    const { context, page } = await shopPage(DESKTOP);
    await openChat(page);
    await say(page, 'ร้าน shopee หมดอายุ ต้องทำยังไง');
    await page.locator('.bsw-steps').last().waitFor();
    const first = await saved(page);
    expect(first.resumeKey).toBeTruthy();

    // Honestly expired: the server's own key signs a token for this conversation and user that
    // ended an hour ago; the page still believes it has twenty minutes left, so the server's 403
    // is what sends it to resume.
    const secret = persistentSecret(app.bot.db, 'directline-token');
    const iat = Math.floor(Date.now() / 1000) - 3 * 3600;
    const expired = jwt.sign({ conv: first.conversationId, user: first.userId, iat, exp: iat + 1800 }, secret, { algorithm: 'HS256' });
    const probe = await fetch(`${app.base}/directline/conversations/${encodeURIComponent(first.conversationId)}/activities`, { headers: { authorization: `Bearer ${expired}` } });
    expect(probe.status).toBe(403);
    await page.evaluate(
      ([key, token]) => {
        const s = JSON.parse(localStorage.getItem(key)!);
        localStorage.setItem(key, JSON.stringify({ ...s, token, expiresAt: Date.now() + 20 * 60 * 1000 }));
      },
      [storeKey, expired],
    );
    const generated: any[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/tokens/generate')) generated.push(r.postDataJSON());
    });
    await page.reload();
    await page.locator('.bsw-steps').first().waitFor();
    await say(page, 'ขอคุยกับเจ้าหน้าที่');
    await page.getByRole('button', { name: 'ส่งให้ทีมซัพพอร์ต' }).waitFor();
    expect(generated).toEqual([{ resume: first.resumeKey, user: { id: first.userId }, locale: 'th' }]);
    const after = await saved(page);
    expect(after.conversationId).toBe(first.conversationId);
    expect(after.token).not.toBe(expired);
    await expect(page.locator('.bsw-notice').count()).resolves.toBe(0);
    await expect(page.locator('.bsw-steps').count()).resolves.toBe(1);

    // A key the server does not know (a conversation it no longer keeps): a new one, said so.
    await page.evaluate(
      ([key, token]) => {
        const s = JSON.parse(localStorage.getItem(key)!);
        localStorage.setItem(key, JSON.stringify({ ...s, token, resumeKey: 'not-a-key', expiresAt: Date.now() + 20 * 60 * 1000 }));
      },
      [storeKey, expired],
    );
    await page.reload();
    await page.getByText('บทสนทนาก่อนหน้าหมดเวลาแล้ว').waitFor();
    await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();
    await expect(page.locator('.bsw-steps').count()).resolves.toBe(0);
    expect((await saved(page)).conversationId).not.toBe(first.conversationId);
    await shot(page, 'widget-host-new-chat.png');
    await context.close();
  }, 60_000);

  it('passes axe with an answer, its buttons and the hand-over summary on screen, and is usable from the keyboard', async () => {
    const { context, page } = await shopPage(DESKTOP);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openChat(page);
    await say(page, 'เชื่อมร้านลาซาด้าไม่ได้ ขึ้น internal data error ค่ะ');
    await page.locator('.bsw-steps').last().waitFor();
    await page.getByRole('button', { name: 'ยังไม่ได้' }).click();
    await page.getByRole('button', { name: 'ส่งให้ทีมซัพพอร์ต' }).click();
    await say(page, 'somchai@example.com');
    await say(page, 'ข้าม');
    await page.getByText('รบกวนตรวจสอบก่อนส่งให้ทีมซัพพอร์ต').waitFor();
    await page.getByRole('button', { name: 'แก้อีเมล' }).waitFor();
    await shot(page, 'widget-host-summary.png');

    // Evaluated rather than added as a tag: the page's policy forbids inline scripts.
    await page.evaluate(fs.readFileSync(AXE, 'utf8'));
    const run = () =>
      page.evaluate(async () => {
        const axe = (window as any).axe;
        const r = await axe.run(document.querySelector('bigseller-help'));
        const contrast = r.passes.find((p: any) => p.id === 'color-contrast');
        return {
          violations: r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => JSON.stringify(n.target)).slice(0, 3) })),
          contrastChecked: contrast ? contrast.nodes.length : 0,
        };
      });
    const serious = (r: { violations: { impact: string }[] }) => r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical');
    const first = await run();
    // axe did look inside the shadow root: the messages' colours were checked.
    expect(first.contrastChecked).toBeGreaterThan(10);
    expect(serious(first)).toEqual([]);
    // With the "start over" question open, too.
    await page.getByRole('button', { name: 'เริ่มบทสนทนาใหม่' }).click();
    await page.getByRole('alertdialog').waitFor();
    expect(serious(await run())).toEqual([]);
    await page.keyboard.press('Escape');

    // The log: a labelled, focusable log; the typing dots are not a live region inside it.
    const log = page.getByRole('log', { name: 'บทสนทนากับผู้ช่วย' });
    await expect(log.getAttribute('tabindex')).resolves.toBe('0');
    await expect(page.locator('.bsw-log [role=status], .bsw-log [aria-live]').count()).resolves.toBe(0);
    await expect(page.locator('.bsw-typing').getAttribute('aria-hidden')).resolves.toBe('true');
    await expect(page.locator('.bsw-dots span').first().evaluate((n) => getComputedStyle(n).animationName)).resolves.toBe('none');
    // Each message says who said it, and when.
    await expect(page.locator('.bsw-user .bsw-sr').first().textContent()).resolves.toBe('คุณพิมพ์:');
    await expect(page.locator('.bsw-bot .bsw-sr').first().textContent()).resolves.toBe('น้องบิ๊กตอบ:');
    await expect(page.locator('.bsw-user time').first().getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);

    // The launcher's focus ring, from the keyboard.
    await page.locator('.bsw-head').getByRole('button', { name: 'ปิดแชท' }).click();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await page.getByRole('button', { name: /เปิดแชทช่วยเหลือ/ }).evaluate((n) => {
      const c = getComputedStyle(n);
      return [n.matches(':focus-visible'), c.outlineStyle, c.outlineWidth, c.outlineColor];
    });
    expect(ring).toEqual([true, 'solid', '3px', 'rgb(31, 41, 51)']);
    await shot(page, 'widget-host-focus.png');
    await context.close();
  }, 90_000);
});
