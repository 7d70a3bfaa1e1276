import fs from 'node:fs';
import path from 'node:path';
import type { Response, Router } from 'express';
import type { Bot } from '../../conversation/bot';
import type { Turn } from '../../conversation/messages';
import type { Logger } from '../../logger';
import type { DirectLineConversation, DirectLineStore } from '../../storage/directline-store';
import { requestIdOf } from '../request-id';
import { HttpError, wrap } from './directline-http';
import { readUpload } from './directline-multipart';
import { contentTypeOfRef, keepPicture, PICTURE_TYPES, pictureTypeOf, type PictureType, type PictureUrls } from './directline-pictures';
import type { ConversationTokens, TokenClaims } from './directline-tokens';
import type { DirectLineTurns } from './directline-turns';
import { acceptSellerActivity, requestedConversation } from './directline-seller';
import { uploadMessageOf } from './directline-validation';

/** Copies kept pictures where other processes find them (Redis: ../../storage/screenshot-share.ts). */
export interface PictureShare {
  publish(dir: string, ref: string): Promise<void>;
  restore(dir: string, refs: readonly string[]): Promise<number>;
}

export interface PictureSettings {
  /** DATA_DIR/screenshots: where LINE's pictures are kept too, and the hand-over mail reads them. */
  dir: string;
  /** DIRECTLINE_UPLOAD_MAX_BYTES: per picture. */
  maxBytes: number;
  share?: PictureShare;
}

export interface UploadRouteDeps {
  store: DirectLineStore;
  tokens: ConversationTokens;
  turns: DirectLineTurns;
  bot: Bot;
  urls: PictureUrls;
  pictures: PictureSettings;
  now: () => Date;
  log: Logger;
  maxText: number;
}

/** Pictures in one upload (Web Chat sends all the files of a message in one). */
export const MAX_PICTURES = 5;
/** The `activity` part, as large as a posted activity may be (BODY_LIMIT). */
const ACTIVITY_PART_BYTES = 64 * 1024;

interface KeptPicture {
  ref: string;
  type: PictureType;
  name: string;
}

/** The file name shown with the picture: the client's, without folders or control characters, else a plain one. */
function nameOf(filename: string, type: PictureType): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const base = path.basename(filename.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 100);
  return base && base !== 'blob' ? base : `picture.${PICTURE_TYPES[type]}`;
}

function parsedActivity(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'The "activity" part is not valid JSON');
  }
}

/**
 * POST /conversations/{id}/upload: the seller's pictures (and an optional message), as Direct
 * Line 3.0 and Web Chat send them. Each reaches the core as a LINE picture does (an `image`
 * turn with the kept screenshot), and the seller's activity shows them through signed addresses.
 * GET /attachments/{ref}: those addresses (no Bearer token: an <img> cannot send one).
 */
export function addUploadRoutes(router: Router, deps: UploadRouteDeps): void {
  const { store, tokens, turns, urls, pictures, log } = deps;

  router.post(
    '/conversations/:id/upload',
    wrap(async (req, res) => {
      const conversationId = req.params.id;
      // ?userId= is what Direct Line clients send; the sender is the token's user, as for activities.
      const { claims, conversation } = await requestedConversation(req, tokens, store);
      const upload = await readUpload(req, { fileBytes: pictures.maxBytes, files: MAX_PICTURES, activityBytes: ACTIVITY_PART_BYTES });
      const message = upload.activity === undefined ? {} : uploadMessageOf(parsedActivity(upload.activity), deps.maxText);
      if (upload.files.length === 0) throw new HttpError(400, 'bad_request', 'An upload needs at least one picture (a file part)');
      const typed = upload.files.map((f) => ({ ...f, type: pictureTypeOf(f.bytes) }));
      if (typed.some((f) => !f.type)) throw new HttpError(415, 'unsupported_media_type', 'Only pictures can be sent: JPEG, PNG, WebP or HEIC');
      const kept: KeptPicture[] = [];
      for (const f of typed) kept.push({ ref: await keepPicture(pictures.dir, conversationId, f.bytes, f.type!), type: f.type!, name: nameOf(f.filename, f.type!) });
      // Shared before the activity shows them: another instance may be asked for them at once.
      await share(kept);
      const turn = turnOf(res, conversation, claims, message.locale, deps.now);
      const textTurn: Turn | undefined = message.text === undefined ? undefined : { ...turn, kind: 'message', text: message.text };
      // Stored as the conversation keeps it (secrets masked), as a posted message is.
      const heard = textTurn && (await turns.hear(textTurn, message.text!));
      const base = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
      const attachments = kept.map((k) => ({ contentType: k.type, contentUrl: urls.urlFor(base, k.ref), name: k.name }));
      const { locale, clientActivityID } = message;
      const { id, repeated } = await acceptSellerActivity(turns, conversationId, claims.user, { heard, locale, clientActivityID, shows: { attachments } });
      // A client retrying an upload the bot already has: the same id, no second answer, no second copy.
      if (repeated) {
        await Promise.all(kept.map((k) => fs.promises.rm(path.join(pictures.dir, k.ref), { force: true })));
        res.json({ id });
        return;
      }
      const last = await seePictures(turn, kept, textTurn);
      res.json({ id });
      turns.runLater(last, id);
    }),
  );

  /** On Redis: for the mail worker and the other instances, which have other disks. */
  async function share(kept: KeptPicture[]): Promise<void> {
    for (const k of kept) {
      // Not sharing it costs the mail its attachment, never the conversation.
      await pictures.share?.publish(pictures.dir, k.ref).catch((err: unknown) => log.warn({ err }, 'picture not shared with the other processes'));
    }
  }

  /**
   * The pictures reach the core one turn each, as a LINE album does: all but the answered turn
   * are heard silently. The answered one is the typed text if there is any (the pictures are
   * then what it is about), else the last picture.
   */
  async function seePictures(turn: Turn, kept: KeptPicture[], textTurn: Turn | undefined): Promise<Turn> {
    // Several pictures in one upload are read as one, answered with the last (a caption's turn
    // is answered instead: their text waits for the next picture).
    const seen = kept.map((k): Turn => ({ ...turn, kind: 'image', screenshot: { ref: k.ref, contentType: k.type }, morePicturesComing: true }));
    const last = textTurn ?? { ...seen.pop()!, morePicturesComing: undefined };
    for (const t of seen) {
      await deps.bot.handle(t).catch((err: unknown) => log.error({ err, requestId: t.requestId, conversation: t.conversationId }, 'web picture turn failed'));
    }
    return last;
  }

  router.get(
    '/attachments/:folder/:file',
    wrap(async (req, res) => {
      const ref = `${req.params.folder}/${req.params.file}`;
      const type = contentTypeOfRef(ref);
      const verdict = type ? urls.check(ref, req.query.exp, req.query.sig) : 'forged';
      if (verdict !== 'ok') throw new HttpError(403, 'forbidden', verdict === 'expired' ? 'This picture address has expired' : 'This picture address is not valid');
      const file = path.join(pictures.dir, ref);
      // Received by another instance: its copy in Redis is brought to this disk.
      if (!fs.existsSync(file)) await pictures.share?.restore(pictures.dir, [ref]);
      const bytes = await fs.promises.readFile(file).catch(() => undefined);
      if (!bytes) throw new HttpError(404, 'not_found', 'This picture is no longer kept');
      res.set({
        'Content-Type': type!,
        'X-Content-Type-Options': 'nosniff',
        // The address is the key: only the seller's browser keeps it, until it expires.
        'Cache-Control': 'private, max-age=3600',
        'Content-Security-Policy': "default-src 'none'",
      });
      res.end(bytes);
    }),
  );
}

function turnOf(res: Response, conversation: DirectLineConversation, claims: TokenClaims, locale: string | undefined, now: () => Date): Turn {
  return {
    channel: 'web',
    conversationId: conversation.conversationId,
    userId: claims.user,
    kind: 'image',
    ...(locale ? { locale } : {}),
    accountId: conversation.accountId,
    at: now().toISOString(),
    requestId: requestIdOf(res),
  };
}
