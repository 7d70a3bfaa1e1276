import type { OutMessage } from './messages';

/**
 * The vocabulary as plain text, for channels without buttons or cards: choices become a
 * numbered list the seller can answer by typing the number (the core maps it back).
 */
export function toPlainText(message: OutMessage, choiceHint?: string): string {
  switch (message.type) {
    case 'text':
      return message.text;
    case 'steps': {
      const lines = [message.title];
      if (message.menuPath) lines.push(message.menuPath);
      message.steps.forEach((s, i) => lines.push(`${i + 1}. ${s}`));
      for (const n of message.notes) lines.push(`* ${n}`);
      for (const img of message.images) lines.push(img.url ? `🖼 ${img.caption}: ${img.url}` : `🖼 ${img.caption}`);
      return lines.join('\n');
    }
    case 'image':
      return `🖼 ${message.caption}: ${message.url}`;
    case 'link':
      return `${message.label}: ${message.url}`;
    case 'card':
    case 'choices': {
      const head = message.type === 'card' ? [message.title, message.text].filter(Boolean).join('\n') : message.text;
      const list = message.choices.map((c, i) => `${i + 1}. ${c.label}`);
      return [head, ...list, ...(choiceHint && list.length ? [choiceHint] : [])].join('\n');
    }
  }
}
