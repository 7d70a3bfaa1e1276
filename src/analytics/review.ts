/**
 * The console's review queue: the messages the bot missed, grouped by what they say so support
 * teaches a kind of message once, largest groups first. Grouping reads the matcher's own
 * tokens (canonical words, stopwords dropped): "ร้านหลุดค่ะ" and "ร้านหลุดอีกแล้ว" share theirs.
 * Pure.
 */
import crypto from 'node:crypto';
import type { ContextLine, EpisodeSummary, Miss, MissKind } from './outcomes';

/** Two messages whose token sets overlap this much (Jaccard) are one kind of message. */
const SAME_KIND = 0.5;
const EXAMPLES = 5;

export interface ReviewItem {
  /** Stable across reads: the conversation, the time and the kind of miss. */
  id: string;
  miss: Miss;
  tokens: string[];
}

export interface ReviewGroup {
  /** Changes when the group's members change: an action on an old id is refused (409). */
  id: string;
  count: number;
  examples: { text: string; at: string; channel: string; kind: MissKind; chosen?: string | null; topic?: string; context: ContextLine[] }[];
  /** The topics the matcher was torn between (and the one a "did you mean" got), most often first. */
  candidates: string[];
  kinds: Partial<Record<MissKind, number>>;
  /** The members' ids, for acting on the group. */
  members: string[];
}

export function missId(m: Miss): string {
  return `${m.episode}#${m.at}#${m.kind}`;
}

/** The misses of the episodes not reviewed yet, each with its tokens. */
export function reviewItems(episodes: readonly EpisodeSummary[], reviewed: ReadonlySet<string>, tokens: (text: string) => string[]): ReviewItem[] {
  const items: ReviewItem[] = [];
  for (const e of episodes) {
    for (const miss of e.misses) {
      const id = missId(miss);
      if (!reviewed.has(id)) items.push({ id, miss, tokens: [...new Set(tokens(miss.text))] });
    }
  }
  return items;
}

export function groupMisses(items: readonly ReviewItem[]): ReviewGroup[] {
  const groups: { seed: Set<string>; text: string; items: ReviewItem[] }[] = [];
  // Oldest first: a group's seed stays the same as misses come in, so its id moves only with its members.
  for (const item of [...items].sort((a, b) => a.miss.at.localeCompare(b.miss.at) || a.id.localeCompare(b.id))) {
    const words = new Set(item.tokens);
    const text = plainText(item.miss.text);
    const home = groups.find((g) => (words.size === 0 || g.seed.size === 0 ? g.text === text : jaccard(g.seed, words) >= SAME_KIND));
    if (home) home.items.push(item);
    else groups.push({ seed: words, text, items: [item] });
  }
  return groups.map((g) => describe(g.items)).sort((a, b) => b.count - a.count || (b.examples[0]?.at ?? '').localeCompare(a.examples[0]?.at ?? ''));
}

function describe(items: readonly ReviewItem[]): ReviewGroup {
  const members = items.map((i) => i.id).sort();
  const newest = [...items].sort((a, b) => b.miss.at.localeCompare(a.miss.at));
  const seen = new Set<string>();
  const examples: ReviewGroup['examples'] = [];
  for (const { miss } of newest) {
    const key = plainText(miss.text);
    if (seen.has(key) || examples.length >= EXAMPLES) continue;
    seen.add(key);
    examples.push({
      text: miss.text,
      at: miss.at,
      channel: miss.channel,
      kind: miss.kind,
      ...(miss.chosen !== undefined ? { chosen: miss.chosen } : {}),
      ...(miss.topic ? { topic: miss.topic } : {}),
      context: miss.context ?? [],
    });
  }
  const votes = new Map<string, number>();
  const vote = (topic: string | null | undefined, weight: number) => topic && votes.set(topic, (votes.get(topic) ?? 0) + weight);
  const kinds: ReviewGroup['kinds'] = {};
  for (const { miss } of items) {
    miss.candidates.forEach((c, i) => vote(c, 3 - Math.min(i, 2)));
    // What the seller picked at "did you mean" is the best lead there is.
    vote(miss.chosen, 4);
    kinds[miss.kind] = (kinds[miss.kind] ?? 0) + 1;
  }
  const candidates = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  return { id: crypto.createHash('sha256').update(members.join('\n')).digest('hex').slice(0, 16), count: items.length, examples, candidates, kinds, members };
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

function plainText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}
