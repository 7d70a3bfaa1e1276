/**
 * Phrasings support accepted in the console, laid over knowledge/ without touching its files:
 * a seller's message added to a topic's symptoms, or to the out-of-scope examples. They take
 * effect on the running bot at once (the matcher is rebuilt with them), and `npm run
 * kb:export-learned` writes them into the files for version control. Pure.
 */
import type { KnowledgeBase } from './load';
import type { Language, Topic } from './schema';

export interface LearnedEntry {
  kind: 'phrasing' | 'off-topic';
  /** The topic of a phrasing. */
  topic?: string;
  /** Redacted, as the console showed it. */
  text: string;
  lang: Language;
  /** The staff member who accepted it. */
  by: string;
  at: string;
}

const THAI = /[\u0E00-\u0E7F]/u;

/** Thai script makes a message Thai ("shopee ขึ้นหมดอายุ" included); anything else is English. */
export function languageOfText(text: string): Language {
  return THAI.test(text) ? 'th' : 'en';
}

/** A key that tells entries apart whatever their case and spacing ("Shopee  expired" is "shopee expired"). */
export function learnedKey(e: Pick<LearnedEntry, 'kind' | 'topic' | 'text'>): string {
  return `${e.kind}|${e.topic ?? ''}|${e.text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim()}`;
}

/** The knowledge base with the learned entries added (a phrasing of a topic it no longer has is left out). */
export function withLearned(kb: KnowledgeBase, entries: readonly LearnedEntry[]): KnowledgeBase {
  if (entries.length === 0) return kb;
  const extra = new Map<string, Record<Language, string[]>>();
  const offTopic: Record<Language, string[]> = { th: [], en: [] };
  for (const e of entries) {
    if (e.kind === 'off-topic') offTopic[e.lang].push(e.text);
    else if (e.topic && kb.byId.has(e.topic)) {
      const lists = extra.get(e.topic) ?? { th: [], en: [] };
      lists[e.lang].push(e.text);
      extra.set(e.topic, lists);
    }
  }
  const topics: Topic[] = kb.topics.map((t) => {
    const add = extra.get(t.id);
    if (!add) return t;
    return { ...t, th: { ...t.th, symptoms: unique(t.th.symptoms, add.th) }, en: { ...t.en, symptoms: unique(t.en.symptoms, add.en) } };
  });
  return {
    ...kb,
    topics,
    byId: new Map(topics.map((t) => [t.id, t])),
    outOfScope: { th: unique(kb.outOfScope.th, offTopic.th), en: unique(kb.outOfScope.en, offTopic.en) },
  };
}

function unique(base: readonly string[], added: readonly string[]): string[] {
  const seen = new Set(base.map((s) => s.toLowerCase().trim()));
  const out = [...base];
  for (const a of added) {
    const k = a.toLowerCase().trim();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(a);
  }
  return out;
}
