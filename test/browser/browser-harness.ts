import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** What the browser tests share: Debian's Chromium (never a downloaded one) and the screenshots' folder. */

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../artifacts');
export const haveChromium = fs.existsSync(CHROMIUM);

/** `describe` when Chromium is there; otherwise `describe.skip`, with the reason printed once per file. */
export function describeInBrowser(): jest.Describe {
  if (!haveChromium) console.log(`skipped: the browser test needs Debian's Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-thai-tlwg); .ci/run installs it`);
  return haveChromium ? describe : describe.skip;
}

export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** The visible part of the page, into test/artifacts/. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: false });
}
