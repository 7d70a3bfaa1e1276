import type { Choice, OutMessage } from '../../conversation/messages';

/**
 * The core's vocabulary as Bot Framework activities: what Microsoft's Web Chat renders well
 * (markdown text, suggested actions, hero cards) plus `channelData.steps` for our own widget,
 * which draws the steps from structured data rather than from markdown.
 */

export interface RenderContext {
  conversationId: string;
  botId: string;
  locale?: string;
}

export type ActivityDraft = Record<string, unknown> & { type: string };

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/** A button press: Web Chat shows `displayText` as the user's bubble and sends `value` to us. */
function action(c: Choice) {
  return { type: 'messageBack', title: c.label, text: c.label, displayText: c.label, value: { action: c.action } };
}

/** Markdown is interpreted by Web Chat: characters that would format are escaped in data. */
function md(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|>~<])/g, '\\$1');
}

export function toActivities(messages: OutMessage[], ctx: RenderContext): ActivityDraft[] {
  const base = {
    type: 'message',
    from: { id: ctx.botId, name: 'BigSeller Help', role: 'bot' },
    conversation: { id: ctx.conversationId },
    ...(ctx.locale ? { locale: ctx.locale } : {}),
  };
  return messages.map((m): ActivityDraft => {
    switch (m.type) {
      case 'text':
        return { ...base, text: m.text, textFormat: 'plain' };
      case 'steps': {
        const lines = [`**${md(m.title)}**`];
        if (m.menuPath) lines.push(`_${md(m.menuPath)}_`);
        lines.push(m.steps.map((s, i) => `${i + 1}. ${md(s)}`).join('\n'));
        for (const n of m.notes) lines.push(`> ${md(n)}`);
        for (const img of m.images) lines.push(img.url ? `![${md(img.caption)}](${img.url})` : `🖼 ${md(img.caption)}`);
        return {
          ...base,
          text: lines.join('\n\n'),
          textFormat: 'markdown',
          channelData: { steps: { title: m.title, menuPath: m.menuPath, steps: m.steps, notes: m.notes, images: m.images } },
        };
      }
      case 'image': {
        const ext = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(m.url)?.[1]?.toLowerCase() ?? '';
        return { ...base, attachments: [{ contentType: IMAGE_TYPES[ext] ?? 'image/png', contentUrl: m.url, name: m.caption }] };
      }
      case 'link':
        return {
          ...base,
          attachments: [
            { contentType: 'application/vnd.microsoft.card.hero', content: { title: m.label, buttons: [{ type: 'openUrl', title: m.label, value: m.url }] } },
          ],
        };
      case 'card':
        return {
          ...base,
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.hero',
              content: { title: m.title, text: m.text, buttons: m.choices.map(action) },
            },
          ],
        };
      case 'choices':
        return { ...base, text: m.text, textFormat: 'plain', suggestedActions: { actions: m.choices.map(action) } };
    }
  });
}

/** What the seller did, read from an incoming activity: a button press or typed text. */
export function fromActivity(activity: { text?: unknown; value?: unknown }): { text?: string; action?: string } {
  const value = activity.value as { action?: unknown } | undefined;
  const text = typeof activity.text === 'string' ? activity.text : undefined;
  if (value && typeof value === 'object' && typeof value.action === 'string' && value.action.length <= 300) {
    return { action: value.action, text };
  }
  return { text };
}
