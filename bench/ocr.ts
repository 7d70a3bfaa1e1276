/**
 * npm run bench:ocr — reads every picture of the screenshot set (test/data/screenshots, made by
 * bench/screenshots/render.ts) as the bot does (scaled, OCR in a worker thread, redacted) and
 * answers it with the conversation core. Prints per picture the time and the article answered,
 * then p50/p95 of the time per picture, the peak RSS of the process (its worker threads
 * included) while reading, and the share answered with the right article: over pictures with a
 * printed error code, over all, and pictures showing no problem left unanswered. Asserts nothing.
 *
 * OCR_CONCURRENCY, OCR_MAX_WIDTH, OCR_THAI_MODEL as for the bot.
 */
import path from 'node:path';
import type { CoreContext } from '../src/conversation/engine';
import { loadTranslations } from '../src/i18n';
import { loadKnowledge } from '../src/knowledge/load';
import { createLogger } from '../src/logger';
import { Matcher } from '../src/matching/matcher';
import { TesseractReader } from '../src/screenshots/ocr-reader';
import { num, percentile } from './load/lib';
import { readLabels, scorePictures, share } from './screenshots/score';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const kb = loadKnowledge(path.join(root, 'knowledge'));
  const ctx: CoreContext = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'support@bigseller.com' };
  const thaiModel = process.env.OCR_THAI_MODEL === 'none' ? '' : process.env.OCR_THAI_MODEL || undefined;
  const reader = new TesseractReader({ concurrency: num('OCR_CONCURRENCY', 1), queue: 1000, timeoutMs: 60_000, maxWidth: num('OCR_MAX_WIDTH', 1000), thaiModel, log: createLogger('warn') });
  const labels = readLabels();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const results = await scorePictures(labels, reader, ctx);
  clearInterval(sampler);
  await reader.close();
  for (const r of results) console.log(`${r.right ? 'ok  ' : 'MISS'} ${String(r.ms).padStart(5)} ms  ${r.file}  want ${r.topic}  got ${r.answered}`);
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const codes = share(results.filter((r) => r.code));
  const all = share(results);
  const none = share(results.filter((r) => r.topic === 'none'));
  console.log(`\nlanguages: ${reader.languages.join('+')}, max width ${num('OCR_MAX_WIDTH', 1000)} px, ${num('OCR_CONCURRENCY', 1)} at a time`);
  console.log(`pictures: ${results.length} (first one includes starting the OCR worker: ${times.length ? results[0]!.ms : 0} ms)`);
  console.log(`time per picture: p50 ${percentile(times, 50)} ms, p95 ${percentile(times, 95)} ms, max ${times[times.length - 1]} ms`);
  console.log(`RSS: ${Math.round(before / 1e6)} MB before, peak ${Math.round(peak / 1e6)} MB while reading`);
  console.log(`right article, pictures with a printed error code: ${codes.right}/${codes.total} (${codes.percent}%)`);
  console.log(`right article (or none for no problem), all pictures: ${all.right}/${all.total} (${all.percent}%)`);
  console.log(`pictures showing no problem left unanswered: ${none.right}/${none.total}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
