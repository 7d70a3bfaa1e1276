import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { isRelativeRef, type RedisScreenshotShare } from '../storage/screenshot-share';
import { OcrQueueClient, OcrQueueWorker } from './ocr-queue';
import { TesseractReader } from './ocr-reader';

/** The pictures the channels keep (DATA_DIR/screenshots), read by ref for the conversation. */
export interface PictureReading {
  /** Where pictures are read: here, by the processes taking the Redis queue, or nowhere (OCR=off). */
  where: 'here' | 'queue' | 'off';
  /** The OCR languages of this process's reader ('eng', 'tha'); none when it reads nothing itself. */
  languages: readonly string[];
  /** The redacted text of the picture kept at `ref`, for BotService's readPicture. */
  readPicture(ref: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** A reader taking the Redis queue's pictures (web instances with OCR=on, `npm run worker`). */
export interface QueueReading {
  languages: readonly string[];
  close(): Promise<void>;
}

/**
 * Reads the queue's pictures with a reader of this process (undefined with OCR=off). `codes`:
 * the knowledge base's error codes, looked for again in English on Thai pages.
 */
export function readQueuedPictures(config: Pick<Config, 'ocr' | 'dataDir'> & { redisUrl: string }, log: Logger, share: RedisScreenshotShare, codes: readonly string[]): QueueReading | undefined {
  if (!config.ocr) return undefined;
  const reader = new TesseractReader({ ...config.ocr, codes, log });
  const worker = new OcrQueueWorker({ redisUrl: config.redisUrl, share, dir: path.join(config.dataDir, 'screenshots'), reader, concurrency: config.ocr.concurrency, log });
  return {
    languages: reader.languages,
    close: async () => {
      await worker.close();
      await reader.close();
    },
  };
}

const OFF: PictureReading = { where: 'off', languages: [], readPicture: async () => undefined, close: async () => undefined };

/**
 * Without Redis this process reads (OCR=on). With Redis every picture goes through the queue,
 * which this process also takes with its own reader when OCR=on, and leaves to the others
 * (`npm run worker`, instances with OCR=on) when OCR=workers.
 */
export function createPictureReading(config: Pick<Config, 'ocr' | 'dataDir' | 'redisUrl'>, log: Logger, codes: readonly string[], share?: RedisScreenshotShare): PictureReading {
  const ocr = config.ocr;
  if (!ocr) return OFF;
  const dir = path.join(config.dataDir, 'screenshots');
  const redisUrl = config.redisUrl;
  if (redisUrl && share) {
    const client = new OcrQueueClient({ redisUrl, share, dir, timeoutMs: ocr.timeoutMs, maxWaiting: ocr.queue, log });
    const taking = ocr.readHere ? readQueuedPictures({ ...config, redisUrl }, log, share, codes) : undefined;
    return {
      where: 'queue',
      languages: taking?.languages ?? [],
      readPicture: async (ref) => (isRelativeRef(ref) ? (await client.read(ref))?.text || undefined : undefined),
      close: async () => {
        await Promise.allSettled([taking?.close(), client.close()]);
      },
    };
  }
  if (!ocr.readHere) return OFF;
  const reader = new TesseractReader({ ...ocr, codes, log });
  return {
    where: 'here',
    languages: reader.languages,
    async readPicture(ref) {
      if (!isRelativeRef(ref)) return undefined;
      return (await reader.read(path.join(dir, ref)))?.text || undefined;
    },
    close: () => reader.close(),
  };
}
