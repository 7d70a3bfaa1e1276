import fs from 'node:fs';
import { bulkhead, BulkheadRejectedError, timeout, TimeoutStrategy, TaskCancelledError, wrap } from 'cockatiel';
import sharp from 'sharp';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { Logger } from '../logger';
import { ocrLanguages, type OcrLanguages } from './ocr-languages';
import { redactPictureText, tidyReadText, type PictureText } from './picture-text';

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
  /** Pictures are scaled to at most this width first (phone screenshots are 1080 px and more). */
  maxWidth: number;
  /** The Thai model's file; undefined looks in Debian's places, '' reads English only. */
  thaiModel?: string;
  log: Logger;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The lines whose text changed under redaction: what must not be seen in the kept picture. */
function linesToHide(lines: readonly { text: string; bbox: Box }[], redacted: string): Box[] {
  const tidy = tidyReadText(lines.map((l) => l.text).join('\n')).split('\n');
  const after = redacted.split('\n');
  // A secret can hide across lines (a label, the value below): then every line differs in count.
  if (after.length !== tidy.length) return lines.map((l) => l.bbox);
  const changed = new Set(tidy.filter((line, i) => line !== after[i]));
  return lines.filter((l) => changed.has(tidyReadText(l.text))).map((l) => l.bbox);
}

export class TesseractReader implements ScreenshotReader {
  readonly languages: readonly string[];
  private readonly langs: OcrLanguages;
  private readonly idle: Promise<Worker>[] = [];
  /** Every worker started and not ended, reading or idle. */
  private readonly live = new Set<Worker>();
  private closed = false;
  private readonly policy;

  constructor(private readonly opts: OcrOptions) {
    this.langs = ocrLanguages(opts.thaiModel);
    this.languages = this.langs.codes;
    this.policy = wrap(bulkhead(opts.concurrency, opts.queue), timeout(opts.timeoutMs, TimeoutStrategy.Aggressive));
  }

  /** Starts one worker now, so that the first picture does not wait for the models to load. */
  warm(): void {
    if (this.idle.length === 0) this.idle.push(this.startWorker());
  }

  async read(file: string): Promise<PictureReading | undefined> {
    const started = Date.now();
    try {
      return await this.policy.execute(async ({ signal }) => {
        const prepared = await sharp(file, { failOn: 'none' }).rotate().resize({ width: this.opts.maxWidth, withoutEnlargement: true }).grayscale().png().toBuffer({ resolveWithObject: true });
        const worker = await (this.idle.pop() ?? this.startWorker());
        const ended = () => void this.end(worker);
        if (signal.aborted || this.closed) ended();
        else signal.addEventListener('abort', ended, { once: true });
        const { data } = await worker.recognize(prepared.data, {}, { text: true, blocks: true });
        signal.removeEventListener('abort', ended);
        if (signal.aborted || this.closed) throw new TaskCancelledError();
        this.idle.push(Promise.resolve(worker));
        const lines = (data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines));
        const text = redactPictureText(data.text);
        const hide = text.hidden ? linesToHide(lines, text.text) : [];
        if (hide.length > 0) await this.blackOut(file, hide, prepared.info.width);
        return { ...text, ms: Date.now() - started, confidence: data.confidence, maskedLines: hide.length };
      });
    } catch (err) {
      const why = err instanceof BulkheadRejectedError ? 'busy' : err instanceof TaskCancelledError ? 'timed out' : 'failed';
      this.opts.log.warn({ err: why === 'failed' ? err : undefined, ms: Date.now() - started }, `picture not read (${why})`);
      return undefined;
    }
  }

  /** Ends every worker, those reading included (their pictures are not read). */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.splice(0);
    await Promise.allSettled([...this.live].map((w) => this.end(w)));
    this.langs.remove();
  }

  private async end(worker: Worker): Promise<void> {
    this.live.delete(worker);
    await worker.terminate().catch(() => undefined);
  }

  private async startWorker(): Promise<Worker> {
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
