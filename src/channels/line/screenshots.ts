import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '../../logger';
import type { LineClient } from './client';

/**
 * Pictures a seller sends on LINE are kept for a later hand-over to support (the screenshot of
 * an error says more than a description). LINE keeps message content only for a limited time,
 * so it is fetched right away. Failing to keep one must never stop the conversation.
 */

export const MAX_SCREENSHOT_BYTES = 10 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heif',
};

/** The LINE user id is not written into paths or logs as it is. */
export function userHash(userId: string): string {
  return crypto.createHash('sha256').update(`line:${userId}`).digest('hex').slice(0, 32);
}

export interface ImageMessageRef {
  id: string;
  contentProvider?: { type?: string; originalContentUrl?: string };
}

export interface SavedScreenshot {
  /** Relative to the data directory, with '/' separators. */
  ref: string;
  contentType?: string;
}

class TooLarge extends Error {}

async function writeCapped(source: AsyncIterable<Uint8Array>, file: string, maxBytes: number): Promise<number> {
  const part = `${file}.part`;
  const out = fs.createWriteStream(part, { flags: 'w' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) throw new TooLarge(`larger than ${maxBytes} bytes`);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await done;
    await fs.promises.rename(part, file);
    return size;
  } catch (err) {
    out.destroy();
    await fs.promises.rm(part, { force: true });
    throw err;
  }
}

async function openContent(
  message: ImageMessageRef,
  client: LineClient,
  signal: AbortSignal,
): Promise<{ body: AsyncIterable<Uint8Array>; contentType?: string; contentLength?: number; close: () => void } | undefined> {
  const provider = message.contentProvider?.type ?? 'line';
  if (provider === 'line') {
    const c = await client.getContent(message.id);
    return { body: c.body, contentType: c.contentType, contentLength: c.contentLength, close: () => c.body.destroy() };
  }
  if (provider === 'external') {
    const url = message.contentProvider?.originalContentUrl;
    // Only HTTPS: a plain-http or other URL from a third-party app is not fetched from our network.
    if (!url || !/^https:\/\//i.test(url)) return undefined;
    const res = await fetch(url, { redirect: 'follow', signal });
    if (!res.ok || !res.body) throw new Error(`external image answered HTTP ${res.status}`);
    if (!res.url.startsWith('https://')) throw new Error('external image redirected away from HTTPS');
    const contentType = res.headers.get('content-type') ?? undefined;
    if (contentType && !/^image\//i.test(contentType)) throw new Error(`external content is not an image (${contentType})`);
    const length = Number(res.headers.get('content-length'));
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
    return { body, contentType, contentLength: Number.isFinite(length) && length > 0 ? length : undefined, close: () => body.destroy() };
  }
  return undefined;
}

/**
 * Downloads the picture into `${dataDir}/screenshots/<user hash>/<message id>.<ext>`.
 * Undefined when it is not kept (external non-HTTPS, too large, LINE or network failure).
 */
export async function saveScreenshot(deps: {
  client: LineClient;
  dataDir: string;
  userId: string;
  message: ImageMessageRef;
  log: Logger;
  maxBytes?: number;
}): Promise<SavedScreenshot | undefined> {
  const { client, dataDir, userId, message, log } = deps;
  const maxBytes = deps.maxBytes ?? MAX_SCREENSHOT_BYTES;
  const safeId = String(message.id).replace(/[^\w-]/g, '_').slice(0, 64);
  if (!safeId) return undefined;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), DOWNLOAD_TIMEOUT_MS);
  let content: Awaited<ReturnType<typeof openContent>>;
  try {
    content = await openContent(message, client, controller.signal);
    if (!content) {
      log.info({ messageId: safeId, provider: message.contentProvider?.type }, 'screenshot not kept (not a LINE or HTTPS image)');
      return undefined;
    }
    if (content.contentLength !== undefined && content.contentLength > maxBytes) throw new TooLarge(`${content.contentLength} bytes`);
    const contentType = content.contentType?.split(';')[0].trim().toLowerCase() || undefined;
    const ext = (contentType && EXTENSIONS[contentType]) ?? 'bin';
    const dir = path.join(dataDir, 'screenshots', userHash(userId));
    await fs.promises.mkdir(dir, { recursive: true });
    const name = `${safeId}.${ext}`;
    const abort = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(new Error('download timed out')), { once: true }),
    );
    const writing = writeCapped(content.body, path.join(dir, name), maxBytes);
    // When the timeout wins the race, the abandoned write still settles: keep that quiet.
    writing.catch(() => undefined);
    const bytes = await Promise.race([writing, abort]);
    log.info({ messageId: safeId, bytes, contentType }, 'screenshot kept');
    // Relative to DATA_DIR/screenshots, the folder the hand-over mail reads attachments from.
    return { ref: [userHash(userId), name].join('/'), contentType };
  } catch (err) {
    content?.close();
    log.warn({ err, messageId: safeId, tooLarge: err instanceof TooLarge }, 'screenshot not kept');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
