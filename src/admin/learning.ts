import { redact } from '../escalation/redact';
import { CONTACT_MASK, hideContacts } from '../escalation/redaction/contacts';
import { MASK } from '../escalation/redaction/secret-kind';
import type { OutcomeRecords } from '../analytics/outcome-records';
import { groupMisses, reviewItems, type ReviewGroup, type ReviewItem } from '../analytics/review';
import { languageOfText, type LearnedEntry } from '../knowledge/learned';
import type { LiveKnowledge } from '../knowledge/live-knowledge';
import type { KnowledgeBase } from '../knowledge/load';
import type { LearningStore } from '../storage/learning-store';

export type ReviewAction = { action: 'phrasing'; topic: string } | { action: 'off-topic' } | { action: 'dismiss' };

export class LearningError extends Error {
  constructor(
    readonly status: 400 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface LearningOptions {
  outcomes: OutcomeRecords;
  store: LearningStore;
  live: LiveKnowledge;
  /** The knowledge base as it runs now (topics to check a phrasing's topic against). */
  kb: () => KnowledgeBase;
  /** The matcher's content tokens of a text (grouping). */
  tokens: (text: string) => string[];
  /** How far back misses are read: the retention limit. */
  days: number;
  now?: () => Date;
}

/** Texts of a group added at most, as phrasings or off-topic examples. */
const MAX_TEXTS = 20;
const MAX_TEXT = 300;
const MASKS = [...Object.values(MASK), ...Object.values(CONTACT_MASK)];

/**
 * The review queue and what support teaches with it: a group of missed messages added as
 * phrasings of a topic, or as off-topic examples, or dismissed; a phrasing typed in; the
 * learned entries exported for version control. What is learned is live at once (LiveKnowledge).
 */
export class Learning {
  private readonly now: () => Date;

  constructor(private readonly opts: LearningOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  async groups(): Promise<ReviewGroup[]> {
    return (await this.queue()).groups;
  }

  /** The misses not reviewed yet, and their groups. */
  private async queue(): Promise<{ items: ReviewItem[]; groups: ReviewGroup[] }> {
    const [episodes, reviewed] = await Promise.all([this.opts.outcomes.episodes(this.opts.days), this.opts.store.reviewed()]);
    const items = reviewItems(episodes, reviewed, this.opts.tokens);
    return { items, groups: groupMisses(items) };
  }

  /** Acts on a group as it was listed: refused (409) when its members changed since, or it is gone. */
  async act(groupId: string, action: ReviewAction, by: string): Promise<{ reviewed: number; learned: LearnedEntry[] }> {
    if (action.action === 'phrasing') this.checkTopic(action.topic);
    const { items, groups } = await this.queue();
    const group = groups.find((g) => g.id === groupId);
    if (!group) throw new LearningError(409, 'This group changed or was reviewed meanwhile: read the queue again');
    const at = this.now().toISOString();
    let learned: LearnedEntry[] = [];
    if (action.action !== 'dismiss') {
      const members = new Set(group.members);
      const texts = items
        .filter((i) => members.has(i.id))
        .map((i) => teachable(i.miss.text))
        .filter((t): t is string => t !== undefined);
      const entries = [...new Set(texts)].slice(0, MAX_TEXTS).map((text) => this.entry(action, text, by, at));
      learned = await this.opts.live.add(entries);
    }
    await this.opts.store.markReviewed(group.members, action.action === 'phrasing' ? `phrasing:${action.topic}` : action.action, by, at);
    return { reviewed: group.members.length, learned };
  }

  /** A phrasing typed in the console; undefined when it was learned already. */
  async addPhrasing(topic: string, text: string, by: string): Promise<LearnedEntry | undefined> {
    this.checkTopic(topic);
    const clean = teachable(text);
    if (!clean) throw new LearningError(400, `"text" must have words (at most ${MAX_TEXT} characters)`);
    const [added] = await this.opts.live.add([this.entry({ action: 'phrasing', topic }, clean, by, this.now().toISOString())]);
    return added;
  }

  async export(): Promise<{ phrasings: LearnedEntry[]; offTopic: LearnedEntry[] }> {
    const all = await this.opts.store.learned();
    return { phrasings: all.filter((e) => e.kind === 'phrasing'), offTopic: all.filter((e) => e.kind === 'off-topic') };
  }

  private checkTopic(topic: unknown): void {
    if (typeof topic !== 'string' || !this.opts.kb().byId.has(topic)) throw new LearningError(400, `no topic "${String(topic)}" in the knowledge base`);
  }

  private entry(action: ReviewAction, text: string, by: string, at: string): LearnedEntry {
    const kind = action.action === 'phrasing' ? 'phrasing' : 'off-topic';
    return { kind, ...(action.action === 'phrasing' ? { topic: action.topic } : {}), text, lang: languageOfText(text), by, at };
  }
}

/** A text fit to teach: secrets and contacts hidden, their masks left out (they are the bot's words), something left. */
function teachable(text: string): string | undefined {
  let clean = hideContacts(redact(text).text);
  for (const mask of MASKS) clean = clean.split(mask).join(' ');
  clean = clean.replace(/\s+/gu, ' ').trim();
  return clean.length > 0 && clean.length <= MAX_TEXT && /[\p{L}\p{N}]/u.test(clean) ? clean : undefined;
}
