import fs from 'node:fs';
import { bulkhead, BulkheadRejectedError, timeout, TimeoutStrategy, TaskCancelledError, wrap } from 'cockatiel';
import sharp from 'sharp';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { Logger } from '../logger';
import { ocrLanguages, type OcrLanguages } from './ocr-languages';
import { printedCodes } from '../matching/printed-codes';
import { mayHideCodes, needsEnglishReading } from './latin-in-thai';
import { codesTakenForSecrets, redactPictureText, tidyReadText, type PictureText } from './picture-text';

// libvips keeps recent operations (50 MB by default): pictures are read once, nothing to reuse.
sharp.cache(false);

/**
 * Reads the text in a seller's picture with tesseract.js, off the event loop: tesseract runs in
 * worker threads, sharp's scaling in libuv's pool. At most `concurrency` pictures are read at a
 * time, `queue` more wait, the rest are refused; each has `timeoutMs`, after which its worker is
 * ended (a stuck recognition cannot be cancelled otherwise) and a new one started when needed.
 */

export interface PictureReading extends PictureText {
  /** How long reading took, scaling included. */
  ms: number;
  /** Tesseract's mean word confidence, 0 to 100. */
  confidence: number;
  /** How many lines were blacked out in the kept picture (they showed a secret, an e-mail, a phone). */
  maskedLines: number;
}

export interface ScreenshotReader {
  /** The OCR languages on this machine ('eng', 'tha'). */
  readonly languages: readonly string[];
  /**
   * The redacted text of the picture at `file`, which is rewritten with the lines that showed a
   * secret blacked out. Undefined when it cannot be read now (busy, too slow, not a picture).
   */
  read(file: string): Promise<PictureReading | undefined>;
  close(): Promise<void>;
}

export interface OcrOptions {
  concurrency: number;
  queue: number;
  timeoutMs: number;
  /**
   * Pictures are scaled down first so that their shorter side is at most this: a phone
   * screenshot's width (1080 px and more), a laptop screenshot's height.
   */
  maxWidth: number;
  /** The Thai model's file; undefined looks in Debian's places, '' reads English only. */
  thaiModel?: string;
  /**
   * The error codes the knowledge base knows. A picture read with Thai in which none of them is
   * found is read again for them with English alone (latin-in-thai.ts).
   */
  codes?: readonly string[];
  log: Logger;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Line {
  text: string;
  bbox: Box;
}

/** A picture as tesseract gets it: scaled, grey, PNG. */
interface Prepared {
  data: Buffer;
  info: sharp.OutputInfo;
}

/**
 * The lines of tesseract's TSV (level 4 rows give a line's box, level 5 its words, in order).
 * Columns: level page block par line word left top width height conf text.
 */
export function linesOfTsv(tsv: string): Line[] {
  const lines: Line[] = [];
  for (const row of tsv.split('\n')) {
    const cells = row.split('\t');
    if (cells.length < 12) continue;
    const [level, , , , , , left, top, width, height] = cells.map(Number);
    if (level === 4) lines.push({ text: '', bbox: { x0: left!, y0: top!, x1: left! + width!, y1: top! + height! } });
    else if (level === 5 && lines.length > 0) {
      const line = lines[lines.length - 1]!;
      line.text = line.text ? `${line.text} ${cells.slice(11).join('\t')}` : cells.slice(11).join('\t');
    }
  }
  return lines;
}

const squeezed = (line: string) => line.replace(/\s+/g, '');

/** Pixels around a line's box when it is read again on its own. */
const LINE_PAD = 6;

/**
 * The boxes of the lines whose text changed under redaction (`read`: what OCR read, `redacted`:
 * redactPictureText's text): what must not be seen in the kept picture. Lines are compared
 * without their spaces: the TSV's words are joined by one, the text keeps Thai unspaced.
 */
function linesToHide(lines: readonly Line[], read: string, redacted: string): Box[] {
  const tidy = tidyReadText(read).split('\n');
  const after = redacted.split('\n');
  // A secret can hide across lines (a label, the value below): then every line is hidden.
  if (after.length !== tidy.length) return lines.map((l) => l.bbox);
  const changed = new Set(tidy.filter((line, i) => line !== after[i]).map(squeezed));
  return lines.filter((l) => changed.has(squeezed(tidyReadText(l.text)))).map((l) => l.bbox);
}

/** How far above a hidden line the line before it may end, in the hidden line's heights. */
const MAX_GAP_LINES = 8;

/**
 * The space above each hidden line, across the picture, down from the line before it. A value
 * can sit in an input box OCR did not read, between its label and the line redaction took for
 * the value: "รหัสผ่าน", a box showing the password, then the error printed under the field.
 */
function gapsAbove(lines: readonly Line[], hidden: readonly Box[]): Box[] {
  return hidden.flatMap((box) => {
    const before = lines.filter((l) => l.bbox.y1 <= box.y0).reduce<Box | undefined>((last, l) => (!last || l.bbox.y1 > last.y1 ? l.bbox : last), undefined);
    // The line before must stay readable: blackOut pads every box, so the gap starts well below.
    const top = (before?.y1 ?? 0) + 2 * LINE_PAD;
    if (!before || top >= box.y0 || box.y0 - before.y1 > MAX_GAP_LINES * (box.y1 - box.y0)) return [];
    return [{ x0: 0, y0: top, x1: Number.MAX_SAFE_INTEGER, y1: box.y0 }];
  });
}

export class TesseractReader implements ScreenshotReader {
  readonly languages: readonly string[];
  private readonly langs: OcrLanguages;
  private readonly idle: Worker[] = [];
  /** Every worker started and not ended, reading or idle. */
  private readonly live = new Set<Worker>();
  /** Workers loading their models. */
  private readonly starting = new Set<Promise<Worker>>();
  private closed = false;
  private readonly policy;

  constructor(private readonly opts: OcrOptions) {
    this.langs = ocrLanguages(opts.thaiModel);
    this.languages = this.langs.codes;
    this.policy = wrap(bulkhead(opts.concurrency, opts.queue), timeout(opts.timeoutMs, TimeoutStrategy.Aggressive));
  }

  async read(file: string): Promise<PictureReading | undefined> {
    const started = Date.now();
    try {
      return await this.policy.execute(async ({ signal }) => {
        // The shorter side: a phone screenshot's width, but a laptop's height. Scaled to the same
        // width, a laptop's 13 px type became 9 px, too small to read ("Authorized" read as Thai).
        const size = { width: this.opts.maxWidth, height: this.opts.maxWidth, fit: 'outside' as const, withoutEnlargement: true };
        const prepared = await sharp(file, { failOn: 'none' }).rotate().resize(size).grayscale().png().toBuffer({ resolveWithObject: true });
        const worker = this.idle.pop() ?? (await this.startWorker());
        const ended = () => void this.end(worker);
        if (signal.aborted || this.closed) ended();
        else signal.addEventListener('abort', ended, { once: true });
        // TSV rather than blocks for the lines' boxes: the blocks (every word and letter with its
        // box and choices) cost the bot more memory on a page full of text than the reading did.
        const { data } = await worker.recognize(prepared.data, {}, { text: true, tsv: true });
        const lines = linesOfTsv(data.tsv ?? '');
        const text = redactPictureText(data.text);
        const hide = text.hidden ? linesToHide(lines, data.text, text.text) : [];
        const known = this.opts.codes ?? [];
        // A worker that could not be switched back to its languages is not used again.
        const inEnglish = await this.codesInEnglish(worker, prepared, { text: data.text, lines, hidden: hide }).catch(async (err: unknown) => {
          await this.end(worker);
          throw err;
        });
        signal.removeEventListener('abort', ended);
        if (signal.aborted || this.closed) throw new TaskCancelledError();
        this.idle.push(worker);
        if (hide.length > 0) await this.blackOut(file, [...hide, ...gapsAbove(lines, hide)], prepared.info.width);
        // Only the codes are added, as the knowledge base spells them: never what a line hid.
        const codes = [...new Set([...codesTakenForSecrets(data.text, text.text, known), ...inEnglish])];
        const read = { ...text, text: [text.text, ...(codes.length > 0 ? [codes.join(' ')] : [])].join('\n'), ms: Date.now() - started, confidence: data.confidence, maskedLines: hide.length };
        this.opts.log.info({ ms: read.ms, confidence: read.confidence, chars: read.text.length, maskedLines: read.maskedLines }, 'picture read');
        return read;
      });
    } catch (err) {
      const why = err instanceof BulkheadRejectedError ? 'busy' : err instanceof TaskCancelledError ? 'timed out' : 'failed';
      this.opts.log.warn({ err: why === 'failed' ? err : undefined, ms: Date.now() - started }, `picture not read (${why})`);
      return undefined;
    }
  }

  /**
   * The known codes a first reading with Thai may have taken for Thai letters (latin-in-thai.ts),
   * read again with English alone: first the lines that show capitals among Thai letters, each
   * on its own, then, when they give none, the whole picture. The worker is switched to English
   * for it and back. Lines that showed a secret are not read again; only the codes are kept.
   */
  private async codesInEnglish(worker: Worker, prepared: Prepared, first: { text: string; lines: readonly Line[]; hidden: readonly Box[] }): Promise<string[]> {
    const known = this.opts.codes ?? [];
    if (!this.languages.includes('tha') || !mayHideCodes(first.text, known)) return [];
    await worker.reinitialize('eng', OEM.LSTM_ONLY);
    try {
      const found = new Set<string>();
      for (const { text, bbox } of first.lines) {
        if (first.hidden.includes(bbox) || !needsEnglishReading(text, known)) continue;
        const left = Math.max(0, bbox.x0 - LINE_PAD);
        const top = Math.max(0, bbox.y0 - LINE_PAD);
        const width = Math.min(prepared.info.width - left, bbox.x1 - bbox.x0 + 2 * LINE_PAD);
        const height = Math.min(prepared.info.height - top, bbox.y1 - bbox.y0 + 2 * LINE_PAD);
        const line = await sharp(prepared.data).extract({ left, top, width, height }).png().toBuffer();
        for (const code of printedCodes((await worker.recognize(line, {}, { text: true })).data.text, known)) found.add(code);
      }
      if (found.size === 0) for (const code of printedCodes((await worker.recognize(prepared.data, {}, { text: true })).data.text, known)) found.add(code);
      return [...found];
    } finally {
      await worker.reinitialize(this.languages.join('+'), OEM.LSTM_ONLY);
      await worker.setParameters({ preserve_interword_spaces: '1' });
    }
  }

  /** Ends every worker, those reading included (their pictures are not read). */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.splice(0);
    // A worker still loading its models reads the folder removed below: let it finish first
    // (one that failed to load stayed alive, and held the process open).
    await Promise.allSettled([...this.starting]);
    await Promise.allSettled([...this.live].map((w) => this.end(w)));
    this.langs.remove();
  }

  private async end(worker: Worker): Promise<void> {
    this.live.delete(worker);
    await worker.terminate().catch(() => undefined);
  }

  private startWorker(): Promise<Worker> {
    if (this.closed) return Promise.reject(new TaskCancelledError());
    const starting = this.newWorker();
    this.starting.add(starting);
    void starting.finally(() => this.starting.delete(starting)).catch(() => undefined);
    return starting;
  }

  private async newWorker(): Promise<Worker> {
    const worker = await createWorker([...this.langs.codes], OEM.LSTM_ONLY, {
      langPath: this.langs.langPath,
      gzip: false,
      cacheMethod: 'none',
      errorHandler: (err: unknown) => this.opts.log.warn({ err }, 'OCR worker error'),
    });
    // Thai is written without spaces between letters; without this, tesseract put one after each.
    await worker.setParameters({ preserve_interword_spaces: '1' });
    this.live.add(worker);
    return worker;
  }

  /** Rewrites the kept picture with black boxes over `boxes` (found on the picture scaled to `readWidth`). */
  private async blackOut(file: string, boxes: readonly Box[], readWidth: number): Promise<void> {
    const picture = sharp(await fs.promises.readFile(file), { failOn: 'none' }).rotate();
    const { data, info } = await picture.toBuffer({ resolveWithObject: true });
    const scale = info.width / readWidth;
    const pad = Math.ceil(4 * scale);
    const overlays = boxes.map((b) => {
      const left = Math.max(0, Math.floor(b.x0 * scale) - pad);
      const top = Math.max(0, Math.floor(b.y0 * scale) - pad);
      const width = Math.max(1, Math.min(info.width - left, Math.ceil((b.x1 - b.x0) * scale) + 2 * pad));
      const height = Math.max(1, Math.min(info.height - top, Math.ceil((b.y1 - b.y0) * scale) + 2 * pad));
      return { input: { create: { width, height, channels: 3 as const, background: '#000' } }, left, top };
    });
    const part = `${file}.${process.pid}.masking`;
    await sharp(data).composite(overlays).toFormat(info.format as keyof sharp.FormatEnum).toFile(part);
    await fs.promises.rename(part, file);
  }
}
