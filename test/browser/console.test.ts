import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { StaffAuth } from '../../src/admin/staff';
import { SqliteStaffStore } from '../../src/storage/staff-store';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { actsAnswering, fetcherFor, openChat } from '../helpers/directline-chat';
import { describeInBrowser, launchChromium, shot } from './browser-harness';

const AXE = path.resolve(__dirname, '../../node_modules/axe-core/axe.min.js');
const EMAIL = 'ploy@bigseller.example';
const PASSWORD = 'correct horse battery';

/**
 * The support team's console in Debian's Chromium, on a laptop and a phone: sign in, read the
 * report of conversations played through the widget, accept a group of the review queue as a
 * phrasing, and see the bot answer that kind of message. Screenshots in test/artifacts/.
 */
describeInBrowser()('the console in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;

  async function say(text: string, then?: string, user?: string): Promise<string[]> {
    const chat = await openChat(fetcherFor(app.base), user ? { user: { id: user } } : {});
    const r = await chat.send(text);
    const acts = await actsAnswering(chat.activities, ((await r.json()) as { id: string }).id);
    if (then) {
      const pressed = await fetch(`${app.base}/directline/conversations/${chat.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', from: { id: 'u' }, value: { action: then } }),
      });
      await actsAnswering(chat.activities, ((await pressed.json()) as { id: string }).id);
    }
    return acts;
  }

  beforeAll(async () => {
    app = await startApp();
    await new StaffAuth(new SqliteStaffStore(app.bot.db)).setPassword(EMAIL, PASSWORD);
    await say('ร้าน shopee หมดอายุ ต้องทำยังไง', 'feedback:yes');
    await say('my lazada login says PASSWORD_NOT_MATCH');
    for (const text of ['ร้านขึ้นสีแดงค่ะ', 'ร้านขึ้นสีแดงอีกแล้วค่ะ รหัสผ่าน Sunflower#2020']) await say(text);
    await say('how do I print shipping labels');
    await say('ลาซาด้าเชื่อมไม่ได้ค่ะ', undefined, 'seller-x');
    await app.bot.outcomes.idle();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${app.base}/admin`);
    await page.getByRole('heading', { name: 'เข้าสู่ระบบ' }).waitFor();
    await page.getByLabel('อีเมล').fill(EMAIL);
    await page.getByLabel('รหัสผ่าน').fill('wrong password');
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.getByText('อีเมลหรือรหัสผ่านไม่ถูกต้อง').waitFor();
    await page.getByLabel('รหัสผ่าน').fill(PASSWORD);
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.getByText(`เข้าสู่ระบบเป็น ${EMAIL}`).waitFor();
  }

  it('signs in, shows the report of the conversations played, and teaches the bot from the review queue (laptop)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'th-TH' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page);

    // Report: 6 conversations, 1 confirmed (16.7%), and the chart's bars.
    const figures = page.locator('#figures .figure');
    await expect(figures.first().locator('b').textContent()).resolves.toBe('6');
    await expect(figures.nth(1).locator('b').textContent()).resolves.toBe('16.7%');
    await expect(page.locator('#chart svg rect').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#topics').textContent()).resolves.toContain('ร้านค้าหมดอายุการเชื่อมต่อ');
    await shot(page, 'console-report.png');

    // Review queue: the "red store" group, accepted as a phrasing of the expired article.
    await page.getByRole('tab', { name: 'คิวตรวจทาน' }).click();
    const group = page.locator('article.group', { hasText: 'ร้านขึ้นสีแดงค่ะ' });
    await group.waitFor();
    await expect(group.locator('h3').textContent()).resolves.toContain('2 ข้อความ');
    await expect(page.locator('#review').textContent()).resolves.not.toContain('Sunflower');
    await group.getByLabel('เพิ่มเป็นประโยคของ').selectOption('connection-expired');
    await shot(page, 'console-review.png');
    await group.getByRole('button', { name: 'เพิ่ม', exact: true }).click();
    await page.getByText('สอนแล้ว บอทตอบข้อความแบบนี้ได้แล้ว').waitFor();
    await expect(page.locator('article.group', { hasText: 'ร้านขึ้นสีแดงค่ะ' }).count()).resolves.toBe(0);
    expect(await say('ร้านขึ้นสีแดงค่ะ')).toContain('answer:connection-expired');

    // Seller data: found by the widget's user id, then deleted everywhere.
    await page.getByRole('tab', { name: 'ข้อมูลผู้ขาย' }).click();
    await page.getByLabel('ค้นหาจาก').selectOption('web');
    await page.getByLabel('ค่า', { exact: true }).fill('seller-x');
    await page.getByRole('button', { name: 'ค้นหา' }).click();
    await page.getByText('web:seller-x — 1 บทสนทนา, 0 ticket').waitFor();
    await page.locator('#seller-result summary').first().click();
    await page.locator('#seller-result').getByText('ผู้ขาย: ลาซาด้าเชื่อมไม่ได้ค่ะ', { exact: true }).waitFor();
    await shot(page, 'console-sellers.png');
    page.once('dialog', (d) => void d.accept());
    const counted = () => page.evaluate(async () => ((await (await fetch('/admin/api/report?days=30')).json()) as { conversations: number }).conversations);
    const before = await counted();
    await page.getByRole('button', { name: 'ลบทั้งหมด' }).click();
    await page.getByText('ลบแล้ว: 1 บทสนทนา, 0 ticket, 0 รูป').waitFor();
    expect(await counted()).toBe(before - 1);

    // English, and every text of the page in it.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'Review queue' }).waitFor();
    await page.getByText(`Signed in as ${EMAIL}`).waitFor();
    await page.getByRole('tab', { name: 'Report' }).click();
    await page.getByRole('heading', { name: 'Conversations per day' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await shot(page, 'console-report-en.png');

    // axe: no serious or critical problem, in the report and in the queue.
    await page.evaluate(fs.readFileSync(AXE, 'utf8'));
    const serious = () =>
      page.evaluate(async () => {
        const r = await (window as any).axe.run(document);
        return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target).join(' ')}`);
      });
    expect(await serious()).toEqual([]);
    await page.getByRole('tab', { name: 'Review queue' }).click();
    expect(await serious()).toEqual([]);
    await page.getByRole('tab', { name: 'Seller data' }).click();
    expect(await serious()).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('fits a phone: nothing wider than the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'th-TH', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page);
    await expect(page.locator('#figures .figure').first().locator('b').textContent()).resolves.toMatch(/^\d+$/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'console-phone.png');
    await page.locator('#chart').scrollIntoViewIfNeeded();
    await shot(page, 'console-phone-chart.png');
    await page.getByRole('tab', { name: 'คิวตรวจทาน' }).click();
    await page.locator('#groups article.group, #groups p.card').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(page, 'console-phone-review.png');
    await context.close();
  }, 60_000);
});
