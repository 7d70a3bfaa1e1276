import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { describeInBrowser, launchChromium, shot } from './browser-harness';

describeInBrowser()('chat widget in a real browser', () => {
  let app: RunningApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    base = app.base;
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('answers a Thai symptom, offers the hand-over after "No", and keeps the conversation across a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'th-TH' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'เปิดแชทช่วยเหลือ' }).click();
    await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();

    await page.getByRole('textbox', { name: 'พิมพ์ข้อความ…' }).fill('เชื่อมร้านลาซาด้าไม่ได้ ขึ้น internal data error ค่ะ');
    await page.getByRole('button', { name: 'ส่ง', exact: true }).click();
    const steps = page.locator('.bsw-steps').last();
    await steps.waitFor();
    await expect(steps.locator('.bsw-steps-title').textContent()).resolves.toMatch(/INTERNAL_DATA_ERROR/);
    await expect(steps.locator('li').count()).resolves.toBeGreaterThan(0);
    await shot(page, 'widget-answer.png');

    await page.getByRole('button', { name: 'ยังไม่ได้' }).click();
    await page.getByRole('button', { name: 'ส่งให้ทีมซัพพอร์ต' }).waitFor();
    await expect(page.getByText('น้องบิ๊กส่งเรื่องของคุณให้ทีมซัพพอร์ต').count()).resolves.toBeGreaterThan(0);
    await shot(page, 'widget-handover-offer.png');

    await page.reload();
    await page.locator('.bsw-steps').first().waitFor();
    await expect(page.getByText('น้องบิ๊กส่งเรื่องของคุณให้ทีมซัพพอร์ต').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByRole('button', { name: 'ส่งให้ทีมซัพพอร์ต' }).count()).resolves.toBe(1);
    await shot(page, 'widget-after-reload.png');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('reads a screenshot uploaded on a phone and answers with the article it shows', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'th-TH' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'เปิดแชทช่วยเหลือ' }).click();
    await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();
    const picture = fs.readFileSync(path.join(__dirname, '..', 'data', 'screenshots', 'lazada-pnm-modal-th--phone.png'));
    await page.locator('bigseller-help input[type=file]').setInputFiles({ name: 'error.png', mimeType: 'image/png', buffer: picture });
    await page.getByText('ในรูปเห็นข้อความ PASSWORD_NOT_MATCH ค่ะ').waitFor();
    const steps = page.locator('.bsw-steps').last();
    await steps.waitFor();
    await expect(steps.locator('.bsw-steps-title').textContent()).resolves.toMatch(/PASSWORD_NOT_MATCH/);
    await page.getByRole('button', { name: 'ยังไม่ได้' }).waitFor();
    await shot(page, 'widget-screenshot-read.png');
    await context.close();
  }, 60_000);

  it('returns the keyboard to the message box after a choice pressed with Enter, and keeps a message too long to send', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'th-TH' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'เปิดแชทช่วยเหลือ' }).click();
    await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();
    const box = page.getByRole('textbox', { name: 'พิมพ์ข้อความ…' });
    await page.locator('.bsw-choice').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('.bsw-steps').first().waitFor();
    // The widget lives in a shadow root: the document sees its host as the focused element.
    await expect(box.evaluate((n) => n === (n.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);

    // A pasted log longer than the limit is neither cut nor lost: refused, left in the box.
    const long = 'ร้าน lazada เชื่อมไม่ได้ log: ' + 'x'.repeat(2100);
    await box.fill(long);
    await page.getByRole('button', { name: 'ส่ง', exact: true }).click();
    await page.locator('.bsw-error', { hasText: 'ข้อความยาวเกิน 2000' }).waitFor();
    await expect(box.inputValue()).resolves.toBe(long);
    // The notice outlives the polls that follow (a good poll cleared every notice).
    const polled = page.waitForResponse((r) => r.url().includes('/activities?watermark='));
    await polled;
    await page.waitForTimeout(300);
    await expect(page.locator('.bsw-error.bsw-on', { hasText: 'ข้อความยาวเกิน 2000' }).count()).resolves.toBe(1);
    await context.close();
  }, 60_000);

  it('renders text from users as text, never as HTML, and fits a phone screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'th-TH' });
    const page = await context.newPage();
    let injected = false;
    await page.exposeFunction('__pwned', () => (injected = true));
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'เปิดแชทช่วยเหลือ' }).click();
    await page.getByText('สวัสดีค่ะ น้องบิ๊กยินดีช่วย').waitFor();
    const attack = '<img src=x onerror="window.__pwned()"><b>bold</b>';
    await page.getByRole('textbox', { name: 'พิมพ์ข้อความ…' }).fill(attack);
    await page.getByRole('button', { name: 'ส่ง', exact: true }).click();
    await page.locator('.bsw-user .bsw-bubble', { hasText: '<b>bold</b>' }).waitFor();
    await expect(page.locator('.bsw-log img').count()).resolves.toBe(0);
    expect(injected).toBe(false);
    const box = await page.locator('.bsw-panel').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    await shot(page, 'widget-phone.png');
    await context.close();
  }, 60_000);
});
