import path from 'node:path';
import { runTurn, type CoreContext } from '../../src/conversation/engine';
import type { OutMessage, Turn } from '../../src/conversation/messages';
import { toPlainText } from '../../src/conversation/plain-text';
import { loadTranslations } from '../../src/i18n';
import { loadKnowledge } from '../../src/knowledge/load';
import { fillPlaceholders } from '../../src/knowledge/schema';
import { Matcher } from '../../src/matching/matcher';

const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
const ctx: CoreContext = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'help@example.com' };

const turn = (part: Partial<Turn>): Turn => ({ channel: 'test', conversationId: 'c1', userId: 'u1', kind: 'message', at: '2026-11-28T10:00:00.000Z', ...part });
const shown = (messages: OutMessage[]) => messages.map((m) => toPlainText(m)).join('\n');

describe('the contact-support article shows the configured support address', () => {
  it.each([
    ['th', 'อีเมลซัพพอร์ตของ bigseller คืออะไร'],
    ['en', 'which email do I write to for technical help'],
  ] as const)('answered in %s, asked or chosen from a button', (lang, question) => {
    const asked = runTurn(turn({ text: question, locale: lang === 'en' ? 'en-US' : 'th-TH' }), undefined, ctx);
    const chosen = runTurn(turn({ kind: 'action', action: 'topic:contact-support', locale: lang === 'en' ? 'en-US' : 'th-TH' }), undefined, ctx);
    for (const r of [asked, chosen]) {
      expect(r.events).toContainEqual({ type: 'answered', topic: 'contact-support' });
      const article = r.messages.find((m) => m.type === 'steps')!;
      expect(article).toBeDefined();
      const text = shown(r.messages);
      expect(text).toContain('help@example.com');
      expect(text).not.toContain('support@bigseller.com');
      expect(text).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('fills every placeholder of every article, leaving the knowledge base itself as it was', () => {
    for (const t of kb.topics) {
      for (const lang of ['th', 'en'] as const) {
        const l = fillPlaceholders(t[lang], { supportEmail: 'help@example.com' });
        const text = [l.menuPath ?? '', ...l.steps, ...l.notes, ...l.images.map((i) => i.caption)].join('\n');
        expect(text).not.toMatch(/\{\{|\}\}/);
      }
    }
    expect(kb.byId.get('contact-support')!.en.steps.join(' ')).toContain('{{supportEmail}}');
  });
});
