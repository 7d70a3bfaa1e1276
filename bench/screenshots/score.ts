/**
 * Scores the screenshot set: each picture is read (OCR, as the bot reads it) and sent to the
 * conversation core as a seller's picture; the article the bot answers with is compared with
 * the picture's label. Used by `npm run bench:ocr` (every picture) and a test (a few).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTurn, type CoreContext } from '../../src/conversation/engine';
import type { ScreenshotReader } from '../../src/screenshots/ocr-reader';

export const SCREENSHOTS_DIR = path.resolve(__dirname, '..', '..', 'test', 'data', 'screenshots');

export interface Label {
  file: string;
  /** The article the picture should get; 'none' when it shows no problem. */
  topic: string;
  code?: string;
  lang: 'th' | 'en';
  looks: string;
  /** A password the picture shows in clear: it must not be in what is read. */
  secret?: string;
}

export interface PictureResult extends Label {
  /** The article answered, 'none' when the bot only acknowledged the picture. */
  answered: string;
  right: boolean;
  ms: number;
  /** What was read (redacted), for a look at the misses. */
  read: string;
  /** The picture shows a secret (`secret`) and it was in the text read. */
  leaked: boolean;
}

export function readLabels(dir = SCREENSHOTS_DIR): Label[] {
  return fs
    .readFileSync(path.join(dir, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Label);
}

/** Reads each picture from a copy (reading blacks out secrets in the file it reads). */
export async function scorePictures(labels: readonly Label[], reader: ScreenshotReader, ctx: CoreContext, dir = SCREENSHOTS_DIR): Promise<PictureResult[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-score-'));
  try {
    const results: PictureResult[] = [];
    for (const [i, label] of labels.entries()) {
      const copy = path.join(work, label.file);
      fs.copyFileSync(path.join(dir, label.file), copy);
      const started = Date.now();
      const read = await reader.read(copy);
      const ms = Date.now() - started;
      const turn = { channel: 'web', conversationId: `ocr-${i}`, userId: `ocr-${i}`, at: '2026-12-01T03:00:00Z', kind: 'image', locale: label.lang, ...(read?.text ? { pictureText: read.text } : {}) } as const;
      const { messages } = runTurn(turn, undefined, ctx);
      const answer = messages.map((m) => m.act).find((a) => a.startsWith('answer:'));
      const answered = answer ? answer.slice('answer:'.length) : 'none';
      const leaked = !!label.secret && (read?.text ?? '').includes(label.secret);
      results.push({ ...label, answered, right: answered === label.topic, ms, read: read?.text ?? '', leaked });
    }
    return results;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function share(results: readonly PictureResult[]): { right: number; total: number; percent: number } {
  const right = results.filter((r) => r.right).length;
  return { right, total: results.length, percent: results.length ? Math.round((1000 * right) / results.length) / 10 : 0 };
}
