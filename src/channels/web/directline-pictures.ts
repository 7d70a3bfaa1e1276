import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DirectLineStore, StoredActivity } from '../../storage/directline-store';

/**
 * Pictures a seller uploads in the web chat: what kind they are (read from their bytes), where
 * they are kept (beside LINE's, under DATA_DIR/screenshots, for the hand-over mail), and the
 * signed, expiring addresses they are shown back at (an <img> sends no Bearer token).
 */

export const PICTURE_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
} as const;

export type PictureType = keyof typeof PICTURE_TYPES;

const TYPE_OF_EXTENSION = Object.fromEntries(Object.entries(PICTURE_TYPES).map(([type, ext]) => [ext, type])) as Record<string, PictureType>;

/** HEIF brands of HEVC-coded pictures (what phones call HEIC); a bare `mif1` may be AVIF. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString('latin1');

/** The picture's type by its first bytes, whatever the client declared; undefined for anything else. */
export function pictureTypeOf(b: Buffer): PictureType | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 16 && ascii(b, 4, 8) === 'ftyp') {
    // The ftyp box: its size, 'ftyp', the major brand, a version, then the compatible brands.
    const end = Math.min(b.readUInt32BE(0), b.length, 256);
    const brands = [ascii(b, 8, 12)];
    for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(b, i, i + 4));
    if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'image/heic';
  }
  return undefined;
}

/** A seller's pictures go in a folder of their conversation, named by a hash (no id in paths). */
export function webPictureFolder(conversationId: string): string {
  return crypto.createHash('sha256').update(`web:${conversationId}`).digest('hex').slice(0, 32);
}

/** A kept picture's ref (relative to the screenshot directory) as this channel writes them. */
const REF = /^[0-9a-f]{32}\/[\w-]{16,64}\.(jpg|png|webp|heic)$/;

export function contentTypeOfRef(ref: string): PictureType | undefined {
  const ext = REF.exec(ref)?.[1];
  return ext ? TYPE_OF_EXTENSION[ext] : undefined;
}

/**
 * Writes the picture under `dir` (written whole, then renamed: a reader never sees part of it)
 * and returns its ref, relative to `dir` with '/' separators, as LINE's screenshots are.
 */
export async function keepPicture(dir: string, conversationId: string, bytes: Buffer, type: PictureType): Promise<string> {
  const ref = `${webPictureFolder(conversationId)}/${crypto.randomBytes(16).toString('base64url')}.${PICTURE_TYPES[type]}`;
  const file = path.join(dir, ref);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const part = `${file}.${process.pid}.part`;
  await fs.promises.writeFile(part, bytes, { mode: 0o600 });
  await fs.promises.rename(part, file);
  return ref;
}

/** Kept an hour at least: an address stays the same for that hour, so browsers can cache the picture. */
const URL_TTL_SECONDS = 24 * 3600;
const URL_ROUNDING_SECONDS = 3600;

/**
 * The addresses of kept pictures: `<base>/attachments/<ref>?exp=<unix seconds>&sig=<HMAC>`, signed
 * with the secret of the conversation tokens, valid for a day.
 */
export class PictureUrls {
  constructor(
    private readonly secret: () => string,
    private readonly now: () => Date,
  ) {}

  /** `base`: the Direct Line address as the client reached it (…/directline). */
  urlFor(base: string, ref: string): string {
    const exp = Math.ceil((this.now().getTime() / 1000 + URL_TTL_SECONDS) / URL_ROUNDING_SECONDS) * URL_ROUNDING_SECONDS;
    return `${base}/attachments/${ref}?exp=${exp}&sig=${this.sign(ref, exp)}`;
  }

  /** 'ok', 'expired' (signed by us, too old) or 'forged' (anything else). */
  check(ref: string, exp: unknown, sig: unknown): 'ok' | 'expired' | 'forged' {
    if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp) || typeof sig !== 'string') return 'forged';
    const expected = Buffer.from(this.sign(ref, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'forged';
    return Number(exp) * 1000 < this.now().getTime() ? 'expired' : 'ok';
  }

  /**
   * The activities with the addresses of their pictures signed anew: a history read days later
   * shows pictures, not broken links. Only addresses this server signed are touched.
   */
  refresh(activities: StoredActivity[]): StoredActivity[] {
    return activities.map((a) => {
      if (!Array.isArray(a.attachments) || (a.from as { role?: unknown } | undefined)?.role !== 'user') return a;
      return { ...a, attachments: a.attachments.map((att: unknown) => this.refreshed(att)) };
    });
  }

  private refreshed(attachment: unknown): unknown {
    const url = (attachment as { contentUrl?: unknown } | null)?.contentUrl;
    if (typeof url !== 'string' || !URL.canParse(url)) return attachment;
    const parsed = new URL(url);
    const at = parsed.pathname.lastIndexOf('/attachments/');
    const ref = at < 0 ? '' : parsed.pathname.slice(at + '/attachments/'.length);
    if (!REF.test(ref) || this.check(ref, parsed.searchParams.get('exp') ?? undefined, parsed.searchParams.get('sig') ?? undefined) === 'forged') return attachment;
    return { ...(attachment as object), contentUrl: this.urlFor(`${parsed.origin}${parsed.pathname.slice(0, at)}`, ref) };
  }

  private sign(ref: string, exp: number): string {
    return crypto.createHmac('sha256', this.secret()).update(`directline picture\n${ref}\n${exp}`).digest('base64url');
  }
}

/** The store as clients read it (polling and streams): the pictures' addresses signed anew. */
export function withFreshPictureUrls(store: DirectLineStore, urls: PictureUrls): DirectLineStore {
  return {
    createConversation: (c) => store.createConversation(c),
    getConversation: (conversationId) => store.getConversation(conversationId),
    appendActivity: (conversationId, activity) => store.appendActivity(conversationId, activity),
    listActivities: async (conversationId, watermark) => {
      const listed = await store.listActivities(conversationId, watermark);
      return { ...listed, activities: urls.refresh(listed.activities) };
    },
    sweep: (now) => store.sweep(now),
    conversationsOf: (userId) => store.conversationsOf(userId),
    forgetConversation: (conversationId) => store.forgetConversation(conversationId),
    watch: (conversationId, onAdded) => store.watch(conversationId, onAdded),
    close: () => store.close(),
  };
}
