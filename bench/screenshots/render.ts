/**
 * Renders the screenshot set: error dialogs and seller-centre pages as sellers photograph them
 * on their phones, in Thai and English, labelled with what they show. Debian's Chromium draws
 * them (never a downloaded browser); sharp adds what phones do to a picture (JPEG, a slight
 * turn). Writes test/data/screenshots/*.jpg|png and labels.jsonl; run it again after a change:
 *
 *   npx tsx bench/screenshots/render.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { PAGES, type Shot } from './pages';

const OUT = path.resolve(__dirname, '..', '..', 'test', 'data', 'screenshots');

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) if (/\.(png|jpg)$/.test(f)) fs.rmSync(path.join(OUT, f));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const labels: string[] = [];
  try {
    for (const shot of PAGES) {
      const context = await browser.newContext({
        viewport: { width: shot.width, height: shot.height },
        deviceScaleFactor: shot.scale,
        colorScheme: shot.dark ? 'dark' : 'light',
        locale: shot.lang === 'th' ? 'th-TH' : 'en-US',
      });
      const page = await context.newPage();
      await page.setContent(shot.html, { waitUntil: 'load' });
      const png = await page.screenshot({ type: 'png', ...(shot.clip ? { clip: shot.clip } : {}) });
      await context.close();
      const file = `${shot.id}.${shot.jpeg ? 'jpg' : 'png'}`;
      await finish(png, shot).toFile(path.join(OUT, file));
      labels.push(JSON.stringify({ file, topic: shot.topic, ...(shot.code ? { code: shot.code } : {}), lang: shot.lang, looks: shot.looks, ...(shot.secret ? { secret: shot.secret } : {}) }));
    }
  } finally {
    await browser.close();
  }
  fs.writeFileSync(path.join(OUT, 'labels.jsonl'), `${labels.join('\n')}\n`);
  console.log(`${labels.length} pictures in ${path.relative(process.cwd(), OUT)}`);
}

/** What a phone and a chat app do to a screenshot: turned a little when photographed, JPEG. */
function finish(png: Buffer, shot: Shot): sharp.Sharp {
  let image = sharp(png);
  if (shot.rotate) image = sharp(png).rotate(shot.rotate, { background: shot.dark ? '#000' : '#fff' });
  return shot.jpeg ? image.jpeg({ quality: shot.jpeg }) : image.png();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
