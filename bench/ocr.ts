/**
 * npm run bench:ocr — reads every picture of the screenshot set (test/data/screenshots, made by
 * bench/screenshots/render.ts) as the bot does (scaled, OCR in a worker thread, redacted) and
 * answers it with the conversation core. Prints per picture the time and the article answered,
 * then p50/p95 of the time per picture, the peak RSS of the process (its worker threads
 * included) while reading, and the share answered with the right article: over pictures with a
 * printed error code, over all, and pictures showing no problem left unanswered. Asserts nothing.
 *
 * Then the same pictures through the bot as production runs it (`npm run build`, then
 * `node dist/server.js` with its defaults and npm start's MALLOC_ARENA_MAX=2): each uploaded over Direct Line as the widget does, the
 * time until its answer, and the server process's peak RSS (/proc, every 50 ms) while reading.
 *
 * OCR_CONCURRENCY, OCR_MAX_WIDTH, OCR_THAI_MODEL as for the bot; OCR_SET: another folder of
 * pictures with its labels.jsonl (a held-out set).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CoreContext } from '../src/conversation/engine';
import { loadTranslations } from '../src/i18n';
import { knownErrorCodes, loadKnowledge } from '../src/knowledge/load';
import { createLogger } from '../src/logger';
import { Matcher } from '../src/matching/matcher';
import { TesseractReader } from '../src/screenshots/ocr-reader';
import { freePort, killAll, num, percentile, ServerProcess } from './load/lib';
import { readLabels, scorePictures, share, SCREENSHOTS_DIR, type Label } from './screenshots/score';

const root = path.resolve(__dirname, '..');
const SET = process.env.OCR_SET ? path.resolve(process.env.OCR_SET) : SCREENSHOTS_DIR;

function rssKbOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Uploads a picture in a new web chat; milliseconds until the bot's first answer to it, and its act. */
async function uploadAndWait(base: string, label: Label): Promise<{ ms: number; act: string }> {
  const opened = (await (await fetch(`${base}/directline/tokens/generate`, { method: 'POST' })).json()) as { conversationId: string; token: string };
  const auth = { authorization: `Bearer ${opened.token}` };
  const conversation = `${base}/directline/conversations/${opened.conversationId}`;
  const form = new FormData();
  form.append('file', new Blob([fs.readFileSync(path.join(SET, label.file))], { type: label.file.endsWith('.png') ? 'image/png' : 'image/jpeg' }), label.file);
  const started = Date.now();
  const { id } = (await (await fetch(`${conversation}/upload?userId=u`, { method: 'POST', headers: auth, body: form })).json()) as { id: string };
  for (;;) {
    const { activities } = (await (await fetch(`${conversation}/activities`, { headers: auth })).json()) as { activities: { replyToId?: string; channelData?: { act?: string } }[] };
    const answer = activities.find((a) => a.replyToId === id);
    if (answer) return { ms: Date.now() - started, act: answer.channelData?.act ?? '' };
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function throughTheServer(labels: Label[]): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ocr-'));
  // MALLOC_ARENA_MAX as npm start sets it (see docs/screenshots.md).
  const env = { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', MESSAGE_BURST_WAIT_MS: '0', REDIS_URL: '', SMTP_URL: '', CONNECTOR_API_URL: '' };
  const server = new ServerProcess('bot', port, ['dist/server.js'], { cwd: root, env });
  try {
    await server.ready();
    const before = rssKbOf(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKbOf(server.pid))), 50);
    const times: number[] = [];
    let right = 0;
    for (const label of labels) {
      const { ms, act } = await uploadAndWait(`http://127.0.0.1:${port}`, label);
      times.push(ms);
      if (act === (label.topic === 'none' ? 'image-received' : `answer:${label.topic}`)) right++;
    }
    clearInterval(sampler);
    times.sort((a, b) => a - b);
    console.log(`\nthe bot (node dist/server.js), pictures uploaded over Direct Line one after another:`);
    console.log(`upload to answer: p50 ${percentile(times, 50)} ms, p95 ${percentile(times, 95)} ms; right first act ${right}/${labels.length}`);
    console.log(`server RSS: ${Math.round(before / 1024)} MB before the first picture, peak ${Math.round(peak / 1024)} MB while reading`);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const kb = loadKnowledge(path.join(root, 'knowledge'));
  const ctx: CoreContext = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'support@bigseller.com' };
  const thaiModel = process.env.OCR_THAI_MODEL === 'none' ? '' : process.env.OCR_THAI_MODEL || undefined;
  const reader = new TesseractReader({ concurrency: num('OCR_CONCURRENCY', 1), queue: 1000, timeoutMs: 60_000, maxWidth: num('OCR_MAX_WIDTH', 1000), thaiModel, codes: knownErrorCodes(kb), log: createLogger('warn') });
  const labels = readLabels(SET);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const results = await scorePictures(labels, reader, ctx, SET);
  clearInterval(sampler);
  await reader.close();
  for (const r of results) console.log(`${r.right ? 'ok  ' : 'MISS'} ${String(r.ms).padStart(5)} ms  ${r.file}  want ${r.topic}  got ${r.answered}`);
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const codes = share(results.filter((r) => r.code));
  const all = share(results);
  const none = share(results.filter((r) => r.topic === 'none'));
  console.log(`\nlanguages: ${reader.languages.join('+')}, max width ${num('OCR_MAX_WIDTH', 1000)} px, ${num('OCR_CONCURRENCY', 1)} at a time`);
  console.log(`set: ${path.relative(root, SET) || SET}; pictures: ${results.length} (first one includes starting the OCR worker: ${times.length ? results[0]!.ms : 0} ms)`);
  console.log(`time per picture: p50 ${percentile(times, 50)} ms, p95 ${percentile(times, 95)} ms, max ${times[times.length - 1]} ms`);
  console.log(`RSS: ${Math.round(before / 1e6)} MB before, peak ${Math.round(peak / 1e6)} MB while reading`);
  console.log(`right article, pictures with a printed error code: ${codes.right}/${codes.total} (${codes.percent}%)`);
  console.log(`right article (or none for no problem), all pictures: ${all.right}/${all.total} (${all.percent}%)`);
  console.log(`pictures showing no problem left unanswered: ${none.right}/${none.total}`);
  const secrets = results.filter((r) => r.secret);
  if (secrets.length > 0) console.log(`pictures showing a password: ${secrets.length}; the password in the text read: ${secrets.filter((r) => r.leaked).length}`);
  await throughTheServer(labels);
}

main().catch((err: unknown) => {
  console.error(err);
  killAll();
  process.exit(1);
});
