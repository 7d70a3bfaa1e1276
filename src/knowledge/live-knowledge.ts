import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from '../logger';
import { Matcher } from '../matching/matcher';
import type { LearningStore } from '../storage/learning-store';
import { withLearned, type LearnedEntry } from './learned';
import type { KnowledgeBase } from './load';

/** What the conversation core reads its knowledge from (CoreContext's kb and matcher). */
export interface KnowledgeHolder {
  kb: KnowledgeBase;
  matcher: Matcher;
}

export interface LiveKnowledgeOptions {
  base: KnowledgeBase;
  store: LearningStore;
  /** Gets the new knowledge base and matcher (the core's context: swapped in place, no restart). */
  holder: KnowledgeHolder;
  /** Wraps each new matcher (metrics' timing). */
  wrap?: (m: Matcher) => Matcher;
  /** With several instances: told of every change, and tells the others. */
  redis?: Redis;
  channel?: string;
  log: Logger;
}

/**
 * knowledge/ plus what support taught in the console, as the running bot reads it. A change
 * rebuilds the matcher (about 70 ms for today's knowledge base) and swaps it into the core's
 * context: the next turn uses it. On Redis every instance hears of the change on a channel
 * and reads the entries again; one that lost its connection reads them again once it is back.
 */
export class LiveKnowledge {
  private subscriber?: Redis;
  private readonly channel: string;
  private refreshing: Promise<void> = Promise.resolve();
  private count = 0;
  /** Tells this instance's announcements from the others'. */
  private readonly id = randomUUID();

  constructor(private readonly opts: LiveKnowledgeOptions) {
    this.channel = opts.channel ?? 'bot:learning:changed';
  }

  /** Reads the entries now, and (on Redis) starts listening for changes. */
  async start(): Promise<void> {
    await this.refresh();
    if (!this.opts.redis) return;
    const sub = (this.subscriber = this.opts.redis.duplicate());
    // Its own change was applied as it was made.
    sub.on('message', (_channel: string, from: string) => {
      if (from !== this.id) void this.refresh();
    });
    // On every (re)connection: listen, and read the entries again (changes made while the
    // connection was down were not heard). Until then the matcher keeps what it has.
    sub.on('ready', () => {
      sub.subscribe(this.channel).then(
        () => this.refresh(),
        (err: unknown) => this.opts.log.warn({ err }, 'learned phrasings: could not listen for changes'),
      );
    });
    sub.on('error', (err: Error) => this.opts.log.warn({ err }, 'learned phrasings: Redis subscriber error'));
  }

  /** How many learned entries the running matcher has. */
  get entries(): number {
    return this.count;
  }

  /** Adds entries, applies them here, and tells the other instances; returns those that were new. */
  async add(entries: readonly LearnedEntry[]): Promise<LearnedEntry[]> {
    const added = await this.opts.store.addLearned(entries);
    if (added.length === 0) return added;
    await this.refresh();
    await this.opts.redis?.publish(this.channel, this.id);
    return added;
  }

  /** Rebuilds from the store; calls in a row run one after the other, the last one wins. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(
      () => this.rebuild(),
      () => this.rebuild(),
    );
    return this.refreshing;
  }

  private async rebuild(): Promise<void> {
    try {
      const learned = await this.opts.store.learned();
      const kb = withLearned(this.opts.base, learned);
      const matcher = new Matcher(kb);
      this.opts.holder.kb = kb;
      this.opts.holder.matcher = this.opts.wrap ? this.opts.wrap(matcher) : matcher;
      if (learned.length !== this.count) this.opts.log.info({ learned: learned.length }, 'learned phrasings applied');
      this.count = learned.length;
    } catch (err) {
      this.opts.log.warn({ err }, 'learned phrasings could not be read; the matcher keeps what it had');
    }
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    await this.refreshing;
  }
}
