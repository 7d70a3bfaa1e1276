import { printedCodes } from '../matching/printed-codes';
import { topicsListingCode } from '../status/diagnose';
import type { TurnContext } from './turn-context';

/** How the text read in a picture is introduced in the transcript support reads. */
const PICTURE_READ = '[text read in the picture, redacted]:';

/** LINE's albums hold up to 10 pictures at once. */
const MAX_ALBUM = 10;

/**
 * A picture the seller sent. What was read in it (OCR, redacted: BotService's readPicture) is
 * answered like a message when it names one article clearly ("Error: PASSWORD_NOT_MATCH" on a
 * Lazada page), with a line saying what was seen; a picture with nothing clear in it gets the
 * line asking what it shows, as do pictures not read. During a hand-over it is only kept for
 * support. The read text goes into the transcript, for support.
 *
 * An album (LINE sends one event per picture) is read as one: the pictures before the last are
 * kept and their text put aside, and the last is answered with all of it.
 */
export function pictureSent(t: TurnContext, read: string | undefined, morePicturesComing = false): void {
  t.userSaid(read ? `(image) ${PICTURE_READ}\n${read}` : '(image)', true);
  if (morePicturesComing) {
    if (read) t.state.albumTexts = [...(t.state.albumTexts ?? []), read].slice(-MAX_ALBUM);
    return;
  }
  const album = [...(t.state.albumTexts ?? []), ...(read ? [read] : [])].join('\n');
  t.state.albumTexts = undefined;
  if (!album || t.state.question?.kind === 'handover') return t.say(t.tr('smalltalk.image'), 'image-received');
  if (answerPrintedCode(t, album)) return;
  const m = t.inContext(t.ctx.matcher.explain(album));
  // A page saying it worked ("เชื่อมต่อร้านค้าสำเร็จ") shows no problem, whatever its fields say
  // (the date its authorisation will expire, under "หมดอายุการอนุญาต", is not an expired store).
  if (m.decision !== 'answer' || m.vague || !m.topic || m.analysis.saysItWorked) return t.say(t.tr('smalltalk.image'), 'image-received');
  t.memory.remember(m);
  const code = m.analysis.errorCodes[0];
  const leadIn = t.messages.length;
  t.say(code ? t.tr('picture.readCode', { code }) : t.tr('picture.readTopic'), 'image-received');
  t.dialogs.platform.answer(m);
  // A lead-in carries the act of what it introduces (the article, or the platform question).
  const introduced = t.messages[leadIn + 1];
  if (introduced) t.messages[leadIn]!.act = introduced.act;
}

/**
 * A known error code printed in the picture decides, whatever else the page shows (a list of
 * platforms around "Authorization failed: PASSWORD_NOT_MATCH" left the matcher unsure), and is
 * found even garbled or cut off at the edge ("INTERNAL DATA_ERRC"). One code, one article.
 */
function answerPrintedCode(t: TurnContext, text: string): boolean {
  const codes = printedCodes(text, t.ctx.kb.topics.flatMap((topic) => topic.errorCodes));
  const topics = codes.length === 1 ? topicsListingCode(t.ctx.kb, codes[0]!) : [];
  if (topics.length !== 1) return false;
  t.memory.rememberChosen(topics[0]!);
  t.say(t.tr('picture.readCode', { code: codes[0]! }), `answer:${topics[0]!.id}`);
  t.dialogs.feedback.showArticle(topics[0]!);
  return true;
}
