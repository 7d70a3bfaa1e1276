/**
 * Typo correction against the knowledge base's vocabulary (symmetric-delete index).
 * A lookup costs a handful of map probes whatever the vocabulary size, which keeps
 * matching fast on large knowledge bases; only edits of distance 1 (including a swap of
 * two neighbours) are corrected, since longer guesses turn unrelated words into topic words.
 */
export class TypoIndex {
  private readonly words: Set<string>;
  private readonly byDeletion = new Map<string, string[]>();

  constructor(vocabulary: Iterable<string>) {
    this.words = new Set(vocabulary);
    for (const w of this.words) {
      if (!/^[a-z]{4,}$/.test(w)) continue;
      for (const d of deletions(w)) {
        const list = this.byDeletion.get(d);
        if (list) list.push(w);
        else this.byDeletion.set(d, [w]);
      }
    }
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** The closest vocabulary word at distance 1, or undefined. Ties go to the longest word. */
  correct(word: string): string | undefined {
    if (this.words.has(word)) return word;
    const candidates = new Set<string>();
    for (const d of [word, ...deletions(word)]) {
      for (const w of this.byDeletion.get(d) ?? []) candidates.add(w);
      if (d !== word && this.words.has(d) && d.length >= 4) candidates.add(d);
    }
    let best: string | undefined;
    for (const c of candidates) {
      if (!withinOneEdit(word, c)) continue;
      if (!best || c.length > best.length || (c.length === best.length && c < best)) best = c;
    }
    return best;
  }
}

function deletions(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Damerau (optimal string alignment) distance <= 1. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
