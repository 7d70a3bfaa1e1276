import fs from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import type { Language } from './knowledge/schema';

/** Looks up a user-facing text in the seller's language. */
export type Translate = (lang: Language, key: string, vars?: Record<string, unknown>) => string;

export const DEFAULT_LOCALES_DIR = path.resolve(__dirname, '..', 'locales');

/**
 * Every text the bot says lives in locales/<lang>/translation.json. Loaded once, synchronously,
 * at start-up; a key missing in one language is an error rather than a silent fallback, since a
 * Thai seller must never get a stray English sentence.
 */
export function loadTranslations(dir = DEFAULT_LOCALES_DIR): Translate {
  const read = (lang: Language) => JSON.parse(fs.readFileSync(path.join(dir, lang, 'translation.json'), 'utf8')) as object;
  const th = read('th');
  const en = read('en');
  const missing = [...diffKeys(th, en, 'en'), ...diffKeys(en, th, 'th')];
  if (missing.length > 0) throw new Error(`locales are out of step:\n${missing.map((m) => `  - ${m}`).join('\n')}`);

  const instance = i18next.createInstance();
  void instance.init({
    resources: { th: { translation: th }, en: { translation: en } },
    lng: 'th',
    fallbackLng: false,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  const fixed = { th: instance.getFixedT('th'), en: instance.getFixedT('en') };
  // Texts without variables never change: looked up once (a turn asks for dozens of them).
  const plain = new Map<string, string>();
  return (lang, key, vars) => {
    const memo = vars === undefined ? `${lang}\u0000${key}` : undefined;
    const known = memo === undefined ? undefined : plain.get(memo);
    if (known !== undefined) return known;
    const text = fixed[lang](key, vars ?? {});
    if (text === key) throw new Error(`missing text "${key}" in locales/${lang}`);
    if (memo !== undefined && typeof text === 'string') plain.set(memo, text);
    return text;
  };
}

function diffKeys(a: object, b: object, bName: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(a)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const other = (b as Record<string, unknown>)[k];
    if (other === undefined) out.push(`${key} is missing in ${bName}`);
    else if (v && typeof v === 'object' && other && typeof other === 'object') out.push(...diffKeys(v, other, bName, key));
  }
  return out;
}

/** One section of both languages' texts, as objects (the console's page translates itself in the browser). */
export function localeSection(section: string, dir = DEFAULT_LOCALES_DIR): Record<Language, unknown> {
  const read = (lang: Language) => (JSON.parse(fs.readFileSync(path.join(dir, lang, 'translation.json'), 'utf8')) as Record<string, unknown>)[section];
  return { th: read('th'), en: read('en') };
}
