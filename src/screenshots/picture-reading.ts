import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { isRelativeRef } from '../storage/screenshot-share';
import { TesseractReader, type ScreenshotReader } from './ocr-reader';

/** The pictures the channels keep (DATA_DIR/screenshots), read by ref for the conversation. */
export interface PictureReading {
  /** The OCR languages ('eng', 'tha'); empty with OCR off. */
  languages: readonly string[];
  /** The redacted text of the picture kept at `ref`, for BotService's readPicture. */
  readPicture(ref: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * `republish`: a picture rewritten with lines blacked out is copied again where it was shared
 * (Redis, for the mail worker), so that no copy keeps what was hidden.
 */
export function createPictureReading(
  config: Pick<Config, 'ocr' | 'dataDir'>,
  log: Logger,
  opts: { republish?: (dir: string, ref: string) => Promise<void>; reader?: ScreenshotReader } = {},
): PictureReading {
  const reader = opts.reader ?? (config.ocr ? new TesseractReader({ ...config.ocr, log }) : undefined);
  if (!reader) return { languages: [], readPicture: async () => undefined, close: async () => undefined };
  const dir = path.join(config.dataDir, 'screenshots');
  return {
    languages: reader.languages,
    async readPicture(ref) {
      if (!isRelativeRef(ref)) return undefined;
      const read = await reader.read(path.join(dir, ref));
      if (read && read.maskedLines > 0) await opts.republish?.(dir, ref);
      if (read) log.info({ ms: read.ms, confidence: read.confidence, chars: read.text.length, maskedLines: read.maskedLines }, 'picture read');
      return read?.text || undefined;
    },
    close: () => reader.close(),
  };
}
