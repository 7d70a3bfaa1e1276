import type { Choice, OutMessage } from '../../conversation/messages';
import type { Language } from '../../knowledge/schema';

/**
 * The core's vocabulary as Bot Framework activities: what Microsoft's Web Chat renders well
 * (markdown text, suggested actions, hero cards) plus `channelData.steps` for our own widget,
 * which draws the steps from structured data rather than from markdown. Pure: no I/O, no clock.
 */

export interface RenderContext {
  conversationId: string;
  botId: string;
  /** The activities' locale when a message does not say its language (the client's hint). */
  locale?: string;
  /**
   * PUBLIC_BASE_URL. The widget runs on other sites, so a root-relative URL from the knowledge
   * base ("/img/x.png") would point at the host page's server: it is made absolute with this.
   */
  baseUrl?: string;
}

export type ActivityDraft = Record<string, unknown> & { type: string };

export const BOT_NAME = 'BigSeller Help';

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

/**
 * A button press. `messageBack` rather than `imBack`: Web Chat shows `displayText` as the user's
 * bubble and sends `value`, so the core gets the exact action whatever the label's language.
 */
function action(c: Choice) {
  return { type: 'messageBack', title: c.label, text: c.label, displayText: c.label, value: { action: c.action } };
}

/** Web Chat interprets markdown: characters that would format are escaped in knowledge-base text. */
function md(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|>~<])/g, '\\$1');
}

function absolute(url: string, baseUrl: string | undefined): string {
  return baseUrl && url.startsWith('/') && !url.startsWith('//') ? baseUrl.replace(/\/+$/, '') + url : url;
}

/** A URL inside markdown link syntax: spaces and parentheses would end it early. */
function mdUrl(url: string): string {
  // Percent codes by hand: encodeURIComponent leaves parentheses as they are.
  return url.replace(/[\s()<>]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export function imageContentType(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase() ?? '';
  // Unknown extension: still an image, and Web Chat picks its image renderer by the prefix.
  return IMAGE_TYPES[ext] ?? 'image/*';
}

/** The locale of a reply in each language the core speaks. */
const LOCALES: Record<Language, string> = { th: 'th-TH', en: 'en-US' };

export function toActivities(messages: OutMessage[], ctx: RenderContext): ActivityDraft[] {
  // Every bot activity names what it does (channelData.act, ../shared/CONTRACTS.md): tests and
  // analytics read it instead of the text. Its locale is the language it is written in, which
  // may not be the page's (an English question on a Thai page is answered in English).
  return messages.map((m) => {
    const locale = m.lang ? LOCALES[m.lang] : ctx.locale;
    const base = {
      type: 'message',
      from: { id: ctx.botId, name: BOT_NAME, role: 'bot' },
      conversation: { id: ctx.conversationId },
      ...(locale ? { locale } : {}),
    };
    const a = activityOf(m, base, ctx);
    return { ...a, channelData: { ...(a.channelData as Record<string, unknown> | undefined), act: m.act } };
  });
}

function activityOf(m: OutMessage, base: ActivityDraft, ctx: RenderContext): ActivityDraft {
  switch (m.type) {
    case 'text':
      return { ...base, text: m.text, textFormat: 'plain' };
    case 'steps': {
      const images = m.images.map((img) => (img.url ? { caption: img.caption, url: absolute(img.url, ctx.baseUrl) } : { caption: img.caption }));
      const lines = [`**${md(m.title)}**`];
      if (m.menuPath) lines.push(`_${md(m.menuPath)}_`);
      lines.push(m.steps.map((s, i) => `${i + 1}. ${md(s)}`).join('\n'));
      for (const n of m.notes) lines.push(`> ${md(n)}`);
      // A link rather than inline markdown image: every client renders links, and the screenshots
      // are large; our widget draws the image itself from channelData.
      for (const img of images) lines.push(img.url && /^https?:\/\//i.test(img.url) ? `🖼 [${md(img.caption)}](${mdUrl(img.url)})` : `🖼 ${md(img.caption)}`);
      return {
        ...base,
        text: lines.join('\n\n'),
        textFormat: 'markdown',
        channelData: {
          steps: { title: m.title, ...(m.menuPath ? { menuPath: m.menuPath } : {}), steps: m.steps, notes: m.notes, images },
        },
      };
    }
    case 'image': {
      const url = absolute(m.url, ctx.baseUrl);
      return { ...base, attachments: [{ contentType: imageContentType(url), contentUrl: url, name: m.caption }] };
    }
    case 'link':
      // The label is the button; a card title repeating it would say the same thing twice.
      return {
        ...base,
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.hero',
            content: { buttons: [{ type: 'openUrl', title: m.label, value: absolute(m.url, ctx.baseUrl) }] },
          },
        ],
      };
    case 'card':
      return {
        ...base,
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.hero',
            content: { title: m.title, ...(m.text ? { text: m.text } : {}), buttons: m.choices.map(action) },
          },
        ],
      };
    case 'choices':
      return { ...base, text: m.text, textFormat: 'plain', suggestedActions: { actions: m.choices.map(action) } };
  }
}

/**
 * What the seller did, read from an incoming activity: a button press (`value.action`, from our
 * messageBack buttons) or typed text. Anything else in `value` is ignored: it comes from the
 * client and the core only understands its own action strings.
 */
export function fromActivity(activity: { text?: unknown; value?: unknown }): { text?: string; action?: string } {
  const value = activity.value as { action?: unknown } | undefined;
  const text = typeof activity.text === 'string' ? activity.text : undefined;
  if (value && typeof value === 'object' && typeof value.action === 'string' && value.action.length > 0 && value.action.length <= 300) {
    return { action: value.action, text };
  }
  return { text };
}
