import type { messagingApi } from '@line/bot-sdk';
import type { Choice, ImageSlot, OutMessage } from '../../conversation/messages';
import { toPlainText } from '../../conversation/plain-text';
import { BoundedCache } from '../../bounded-cache';

/**
 * The core's vocabulary as LINE messages (pure: no I/O). LINE rejects a whole request when one
 * limit is broken, so every limit is enforced here rather than hoped for:
 * - at most 5 messages per reply or push request; the rest go out as pushes;
 * - texts at most 5,000 UTF-16 code units, flex altText at most 400;
 * - quick replies at most 13 items, action labels at most 20 grapheme clusters (LINE counts
 *   action labels and displayText in graphemes, everything else in UTF-16 code units);
 * - postback data at most 300 characters; image URLs must be HTTPS.
 */

export type LineMessage = messagingApi.Message;
type FlexComponent = messagingApi.FlexComponent;
type Action = messagingApi.Action;

export const LIMITS = {
  messagesPerRequest: 5,
  textLength: 5000,
  altTextLength: 400,
  quickReplyItems: 13,
  labelGraphemes: 20,
  displayTextGraphemes: 300,
  postbackData: 300,
  imageUrlLength: 2000,
  /** LINE's limit for one bubble is 30 KB of JSON; stay clear of it and fall back to text. */
  bubbleJsonBytes: 25_000,
} as const;

export interface RenderOptions {
  /** "Reply with the number of your choice.", in the seller's language: shown under numbered lists. */
  choiceHint?: string;
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const wordSegmenter = new Intl.Segmenter(['th', 'en'], { granularity: 'word' });

function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

const TRAILING_JUNK = /[\s,.;:!?\-–—(/[{]+$/u;

/**
 * Fits a button label into `max` grapheme clusters: cut after the last whole word that fits
 * (Thai has no spaces, so words come from the segmenter), then '…'. A cut that would keep less
 * than half the room (one long word) cuts mid-word instead.
 */
export function shortenLabel(label: string, max: number = LIMITS.labelGraphemes): string {
  // Labels come from the locales and the knowledge base, a few hundred in all, and a Thai one is
  // longer than 20 code units, so each reply segmented the same labels again: remembered.
  const memo = `${max}\u0000${label}`;
  let out = shortened.get(memo);
  if (out === undefined) {
    out = shorten(label, max);
    shortened.set(memo, out);
  }
  return out;
}

const shortened = new BoundedCache<string, string>(2_000);

function shorten(label: string, max: number): string {
  const clean = label.replace(/\s+/g, ' ').trim();
  // A cluster is at least one code unit: a short string fits without segmenting it (hot path).
  if (clean.length <= max || graphemes(clean).length <= max) return clean;
  const room = max - 1;
  let best = '';
  for (const seg of wordSegmenter.segment(clean)) {
    const head = clean.slice(0, seg.index + seg.segment.length).replace(TRAILING_JUNK, '');
    if (graphemes(head).length > room) break;
    best = head;
  }
  if (graphemes(best).length < Math.ceil(room / 2)) best = graphemes(clean).slice(0, room).join('').replace(TRAILING_JUNK, '');
  return `${best}…`;
}

/** Cuts to at most `max` UTF-16 code units on a grapheme boundary, marking the cut with '…'. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const g of graphemes(text)) {
    if (out.length + g.length > max - 1) break;
    out += g;
  }
  return `${out.replace(/\s+$/, '')}…`;
}

function truncateGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  const g = graphemes(text);
  return g.length <= max ? text : `${g.slice(0, max - 1).join('')}…`;
}

/**
 * Splits a long text into pieces of at most `max` code units, preferring the last paragraph
 * break, then line break, then space, then Thai word boundary in the second half of the window,
 * so a piece never ends in the middle of a word unless one word is longer than the window.
 */
export function splitText(text: string, max: number = LIMITS.textLength): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const piece = rest.slice(0, cut).replace(/\s+$/, '');
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim()) pieces.push(rest);
  return pieces;
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max);
  const floor = Math.floor(max / 2);
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(sep);
    if (at >= floor) return at + sep.length;
  }
  // Thai word boundaries depend on what follows, so the segmenter sees a little past the window.
  let lastStart = 0;
  for (const seg of wordSegmenter.segment(text.slice(0, max + 100))) {
    if (seg.index > max) break;
    lastStart = seg.index;
  }
  if (lastStart >= floor) return lastStart;
  let end = 0;
  for (const seg of graphemeSegmenter.segment(window)) {
    if (seg.index + seg.segment.length > max) break;
    end = seg.index + seg.segment.length;
  }
  return end > 0 ? end : max;
}

function isHttpsUrl(url: string | undefined): url is string {
  if (!url || url.length > LIMITS.imageUrlLength) return false;
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * A button press: the core gets `action` back as postback data, and the chat shows the full
 * label as what the seller "said". An action too long for postback data becomes a message
 * action that types the choice's number, which the core maps back to the offered choice.
 */
function choiceAction(choice: Choice, index: number, label: string): Action {
  if (choice.action.length <= LIMITS.postbackData) {
    return {
      type: 'postback',
      label,
      data: choice.action,
      displayText: truncateGraphemes(choice.label.trim() || label, LIMITS.displayTextGraphemes),
    } as messagingApi.PostbackAction;
  }
  return { type: 'message', label, text: String(index + 1) } as messagingApi.MessageAction;
}

/** The buttons of one question; labels cut to the same words (long titles without a short label) are told apart by number. */
function choiceActions(choices: Choice[]): Action[] {
  const texts = choices.map((c, i) => (c.short ?? c.label).trim() || String(i + 1));
  const cut = texts.map((t) => shortenLabel(t));
  const numbered = new Set(cut).size < cut.length;
  return choices.map((c, i) => choiceAction(c, i, numbered ? shortenLabel(`${i + 1}. ${texts[i]}`) : cut[i]));
}

function quickReply(choices: Choice[]): messagingApi.QuickReply {
  return { items: choiceActions(choices.slice(0, LIMITS.quickReplyItems)).map((action) => ({ type: 'action', action })) };
}

const GREY = '#8C8C8C';

function flexText(text: string, extra: Partial<messagingApi.FlexText> = {}): FlexComponent {
  return { type: 'text', text, wrap: true, ...extra } as messagingApi.FlexText;
}

function imageComponents(images: ImageSlot[]): FlexComponent[] {
  const out: FlexComponent[] = [];
  for (const img of images) {
    if (isHttpsUrl(img.url)) {
      out.push({ type: 'image', url: img.url, size: 'full', aspectMode: 'fit', aspectRatio: '16:9', margin: 'md' } as messagingApi.FlexImage);
      if (img.caption.trim()) out.push(flexText(img.caption, { size: 'xs', color: GREY }));
    } else if (img.caption.trim()) {
      out.push(flexText(`🖼 ${img.caption}`, { size: 'xs', color: GREY }));
    }
  }
  return out;
}

function bubble(body: FlexComponent[], buttons: Action[] = []): messagingApi.FlexBubble {
  return {
    type: 'bubble',
    body: { type: 'box', layout: 'vertical', spacing: 'md', contents: body },
    ...(buttons.length > 0
      ? {
          footer: {
            type: 'box',
            layout: 'vertical',
            spacing: 'sm',
            contents: buttons.map((action) => ({ type: 'button', style: 'link', height: 'sm', action }) as messagingApi.FlexButton),
          },
        }
      : {}),
  };
}

/**
 * A URL of any scheme, or one starting www., with whatever it carries (a query, a token) up to
 * the next space; and the colon or bracket that introduced it ("Sign in: https://…", "(https://…)").
 */
const URL_IN_TEXT = /(?:\s*[:：])?\s*[(<[（]?(?:\b[a-z][a-z0-9+.-]*:\/\/\S*|\bwww\.\S+)/gi;

/**
 * The alt text is what a phone's notification and the chat list show, outside the chat: never a
 * URL (a sign-in link carries its link token, an article's link is not for the lock screen).
 * URLs are taken out of every flex message's alt text here, whatever the caller passed.
 */
export function altTextOf(text: string): string {
  const clean = text.replace(URL_IN_TEXT, ' ').replace(/[ \t]{2,}/g, ' ').trim();
  return truncateText(clean || '…', LIMITS.altTextLength);
}

function flex(altText: string, contents: messagingApi.FlexBubble): LineMessage | undefined {
  if (Buffer.byteLength(JSON.stringify(contents)) > LIMITS.bubbleJsonBytes) return undefined;
  return { type: 'flex', altText: altTextOf(altText), contents } as messagingApi.FlexMessage;
}

/** LINE opens http(s) URIs of up to 1000 characters from a button; anything else goes as text. */
const URI_ACTION = { maxLength: 1000, schemes: /^https?:\/\//i };

/**
 * The text before a link says "tap the button": a button it is. Its alt text (notifications)
 * is the label alone: the URL may carry a token (the account-link sign-in URL does).
 */
function linkButton(m: Extract<OutMessage, { type: 'link' }>): LineMessage | undefined {
  if (!URI_ACTION.schemes.test(m.url) || m.url.length > URI_ACTION.maxLength) return undefined;
  const action = { type: 'uri', label: shortenLabel(m.label), uri: m.url } as messagingApi.URIAction;
  return flex(m.label, {
    type: 'bubble',
    size: 'kilo',
    footer: { type: 'box', layout: 'vertical', contents: [{ type: 'button', style: 'primary', action } as messagingApi.FlexButton] },
  } as messagingApi.FlexBubble);
}

type StepsMessage = Extract<OutMessage, { type: 'steps' }>;

function stepsBubble(m: StepsMessage): messagingApi.FlexBubble {
  const body: FlexComponent[] = [flexText(m.title, { weight: 'bold', size: 'md' })];
  if (m.menuPath?.trim()) body.push(flexText(m.menuPath, { size: 'sm', color: '#1F6FEB' }));
  body.push({ type: 'separator' } as messagingApi.FlexSeparator);
  m.steps.forEach((step, i) => {
    if (!step.trim()) return;
    body.push({
      type: 'box',
      layout: 'horizontal',
      spacing: 'sm',
      contents: [flexText(`${i + 1}.`, { flex: 0, size: 'sm', weight: 'bold' }), flexText(step, { flex: 1, size: 'sm' })],
    } as messagingApi.FlexBox);
  });
  for (const note of m.notes) if (note.trim()) body.push(flexText(note, { size: 'xs', color: GREY }));
  body.push(...imageComponents(m.images));
  return bubble(body);
}

/** A piece of the reply before merging: texts are merged and split later, others stay as they are. */
type Part = { kind: 'text'; text: string } | { kind: 'message'; message: LineMessage };

function toParts(m: OutMessage, opts: RenderOptions, isOffer: boolean): Part[] {
  const text = (t: string): Part[] => (t.trim() ? [{ kind: 'text', text: t }] : []);
  switch (m.type) {
    case 'text':
      return text(m.text);
    case 'steps': {
      const msg = flex(m.title, stepsBubble(m));
      return msg ? [{ kind: 'message', message: msg }] : text(toPlainText(m));
    }
    case 'image':
      if (!isHttpsUrl(m.url)) return text(/^http:/i.test(m.url) ? toPlainText(m) : `🖼 ${m.caption}`);
      return [...text(m.caption), { kind: 'message', message: { type: 'image', originalContentUrl: m.url, previewImageUrl: m.url } }];
    case 'link': {
      const msg = linkButton(m);
      return msg ? [{ kind: 'message', message: msg }] : text(toPlainText(m));
    }
    case 'choices':
      // The offer the seller answers now rides as quick replies on the reply's last message.
      if (isOffer) {
        return text(m.choices.length > LIMITS.quickReplyItems ? toPlainText(m, opts.choiceHint) : m.text);
      }
      return buttonsOrText(m.text, [], m, opts);
    case 'card': {
      const head: FlexComponent[] = [flexText(m.title, { weight: 'bold', size: 'md' })];
      if (m.text?.trim()) head.push(flexText(m.text, { size: 'sm' }));
      return buttonsOrText(m.title, head, m, opts);
    }
  }
}

/** A card, or an earlier offer in the same reply: a bubble with buttons that stay pressable. */
function buttonsOrText(altText: string, head: FlexComponent[], m: Extract<OutMessage, { type: 'card' | 'choices' }>, opts: RenderOptions): Part[] {
  const body = head.length > 0 ? head : [flexText(m.type === 'choices' ? m.text : m.title, { size: 'sm' })];
  const msg = m.choices.length <= LIMITS.quickReplyItems ? flex(altText, bubble(body, choiceActions(m.choices))) : undefined;
  if (msg) return [{ kind: 'message', message: msg }];
  const plain = toPlainText(m, opts.choiceHint);
  return plain.trim() ? [{ kind: 'text', text: plain }] : [];
}

function mergeTexts(parts: Part[]): LineMessage[] {
  const out: LineMessage[] = [];
  let pending: string | undefined;
  const flush = () => {
    if (pending === undefined) return;
    for (const piece of splitText(pending)) out.push({ type: 'text', text: piece });
    pending = undefined;
  };
  for (const part of parts) {
    if (part.kind === 'message') {
      flush();
      out.push(part.message);
    } else if (pending !== undefined && pending.length + 2 + part.text.length <= LIMITS.textLength) {
      pending = `${pending}\n\n${part.text}`;
    } else {
      flush();
      pending = part.text;
    }
  }
  flush();
  return out;
}

function batch(messages: LineMessage[]): LineMessage[][] {
  const batches: LineMessage[][] = [];
  for (let i = 0; i < messages.length; i += LIMITS.messagesPerRequest) batches.push(messages.slice(i, i + LIMITS.messagesPerRequest));
  return batches;
}

/**
 * The reply as LINE requests: the first batch goes with the reply token, any further batch as
 * a push. The last `choices` message is the current offer: its choices become quick replies on
 * the very last message (LINE shows quick replies only while their message is the newest).
 */
export function renderReply(messages: OutMessage[], opts: RenderOptions = {}): LineMessage[][] {
  let offerAt = -1;
  messages.forEach((m, i) => {
    if (m.type === 'choices' && m.choices.length > 0) offerAt = i;
  });
  const parts = messages.flatMap((m, i) => toParts(m, opts, i === offerAt));
  const out = mergeTexts(parts);
  const offer = offerAt >= 0 ? (messages[offerAt] as Extract<OutMessage, { type: 'choices' }>) : undefined;
  if (offer) {
    if (out.length === 0) out.push({ type: 'text', text: offer.text.trim() || '…' });
    out[out.length - 1] = { ...out[out.length - 1], quickReply: quickReply(offer.choices) };
  }
  return batch(out);
}

/**
 * Everything as plain text, numbered choices with the hint: what is sent when LINE refused the
 * rich rendering, so the seller still gets the answer and can reply with a number.
 */
export function renderPlain(messages: OutMessage[], opts: RenderOptions = {}): LineMessage[][] {
  const parts: Part[] = messages
    .map((m) => toPlainText(m, m.type === 'choices' ? opts.choiceHint : undefined))
    .filter((t) => t.trim())
    .map((text) => ({ kind: 'text', text }));
  return batch(mergeTexts(parts));
}
