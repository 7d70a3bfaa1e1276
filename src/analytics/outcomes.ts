/**
 * What became of each conversation, worked out from what the core reported turn by turn. Pure:
 * the records are facts appended as the turns happen (one per seller turn, never rewritten), and
 * an episode's outcome is folded from them: by the finalising job once the conversation has been
 * quiet for a day, or on the fly for the report while it is still open. Nothing here reads a
 * conversation's state, which expires on its own.
 */
import { hideContacts } from '../escalation/redaction/contacts';
import type { Act, CoreEvent, TranscriptEntry, Turn } from '../conversation/messages';

/** After an answer, this long without a word from the seller counts as resolved (assumed). */
export const ASSUME_RESOLVED_AFTER_MS = 24 * 3600 * 1000;

/** One conversation from its first turn to the day it went quiet (the state's `startedAt` tells them apart). */
export interface EpisodeMeta {
  /** `${conversation}@${startedAt}` */
  id: string;
  channel: Turn['channel'];
  /** The conversation's key (channel:conversationId): the seller data pages find them by it. */
  conversation: string;
  userId: string;
  startedAt: string;
}

/** What is kept of one event: the texts hidden further (e-mail, phone) and cut short. */
export type FactEvent =
  | { type: 'answered' | 'resolved' | 'not-resolved'; topic: string }
  | { type: 'ticket'; ticket: string; existing: boolean; limited: boolean }
  | { type: 'matched'; decision: string; text: string; candidates: string[] }
  | { type: 'clarified'; topic: string | null }
  | { type: 'rated'; score: number };

/** One seller turn (with its follow-ups) as recorded. */
export interface TurnFact {
  at: string;
  kind: Turn['kind'];
  acts: Act[];
  events: FactEvent[];
  /** What the seller said or pressed, as the transcript keeps it, contacts hidden (the reviewer's context). */
  said?: string;
}

/** What a miss is: the reply that missed, or what followed the answer. */
export type MissKind = 'none' | 'ask-more' | 'clarify' | 'not-fixed' | 'handover';

/** A message the bot did not answer well, for the review queue. */
export interface Miss {
  at: string;
  channel: Turn['channel'];
  episode: string;
  text: string;
  kind: MissKind;
  /** The topics the matcher weighed, best first. */
  candidates: string[];
  /** The answer that did not fix it (not-fixed, handover). */
  topic?: string;
  /** After "did you mean": the topic the seller picked, null for "none of these", absent when they did neither. */
  chosen?: string | null;
  /** The turns around it as recorded (redacted): the seller's words or what they sent, and the acts of the bot's replies. */
  context?: ContextLine[];
}

export interface ContextLine {
  at: string;
  seller: string;
  bot: string[];
}

export type TopicOutcome = 'open' | 'resolved' | 'assumed' | 'not-resolved' | 'handed-over' | 'abandoned';
export type EpisodeOutcome = 'open' | 'resolved' | 'assumed' | 'not-resolved' | 'handed-over' | 'abandoned';

export interface EpisodeSummary {
  id: string;
  channel: Turn['channel'];
  startedAt: string;
  lastAt: string;
  /** The seller said or pressed something (a widget opened and left alone is no conversation). */
  engaged: boolean;
  /** Final once the conversation has been quiet for ASSUME_RESOLVED_AFTER_MS. */
  final: boolean;
  outcome: EpisodeOutcome;
  topics: { topic: string; at: string; outcome: TopicOutcome }[];
  misses: Miss[];
  ticket?: string;
  rating?: number;
}

/** The decisions whose reply is a miss, by the act the bot answered with. */
const MISS_ACTS: Partial<Record<Act, MissKind>> = {
  'out-of-scope': 'none',
  'no-article': 'none',
  'ask-more': 'ask-more',
  clarify: 'clarify',
  'handover-offer': 'none',
  // A message with a password and words the bot could not place: the warning was all it said.
  'secret-warning': 'none',
};
const SELLER_KINDS = new Set<Turn['kind']>(['message', 'action', 'image', 'sticker', 'file', 'other']);
/** A seller's message kept for review: long enough to tell, short enough to read in a list. */
const MAX_TEXT = 300;

/** The fact of one turn: only what the outcomes need, texts redacted again for the console. */
export function factOfTurn(turn: Pick<Turn, 'at' | 'kind'>, events: readonly CoreEvent[], acts: readonly Act[], lines: readonly TranscriptEntry[] = []): TurnFact {
  const kept: FactEvent[] = [];
  for (const e of events) {
    if (e.type === 'answered' || e.type === 'resolved' || e.type === 'not-resolved') kept.push({ type: e.type, topic: e.topic });
    else if (e.type === 'ticket') kept.push({ type: 'ticket', ticket: e.ticket, existing: e.existing, limited: e.limited });
    else if (e.type === 'clarified') kept.push({ type: 'clarified', topic: e.topic });
    else if (e.type === 'rated') kept.push({ type: 'rated', score: e.score });
    else if (e.type === 'matched') kept.push({ type: 'matched', decision: e.decision, text: keptText(e.text), candidates: e.candidates.slice(0, 3) });
  }
  const said = lines
    .filter((l) => l.from === 'user')
    .map((l) => (l.pressed ? `[${l.text}]` : l.text))
    .join(' / ');
  return { at: turn.at, kind: turn.kind, acts: [...acts], events: kept, ...(said ? { said: keptText(said) } : {}) };
}

/**
 * The seller's words as the console may show them. The core's 'matched' text is the
 * conversation's own reading, secrets masked as in the transcript (hear()); e-mail addresses
 * and phone numbers, which the transcript keeps for support, are hidden here.
 */
export function keptText(text: string): string {
  return hideContacts(text).slice(0, MAX_TEXT);
}

/** Folds an episode's facts, in the order they happened, into what became of it as of `now`. */
export function summarise(meta: EpisodeMeta, lastAt: string, facts: readonly TurnFact[], now: Date): EpisodeSummary {
  const fold = new Fold(meta);
  for (const fact of facts) fold.turn(fact);
  const final = now.getTime() - Date.parse(lastAt) >= ASSUME_RESOLVED_AFTER_MS;
  return fold.result(lastAt, final);
}

interface Shown {
  topic: string;
  at: string;
  outcome: TopicOutcome;
  /** The message that led to it, with the matcher's candidates. */
  via?: { text: string; candidates: string[] };
}

/** Turns shown before and after a miss, for the reviewer. */
const CONTEXT_TURNS = 2;

class Fold {
  private readonly shown: Shown[] = [];
  private readonly misses: Miss[] = [];
  /** The index in `facts` of the turn each miss happened in. */
  private readonly missTurn = new Map<Miss, number>();
  private readonly facts: TurnFact[] = [];
  private lastMatched?: { text: string; candidates: string[] };
  private lastSellerAt?: string;
  private ticket?: string;
  private rating?: number;

  constructor(private readonly meta: EpisodeMeta) {}

  turn(fact: TurnFact): void {
    this.facts.push(fact);
    if (SELLER_KINDS.has(fact.kind)) this.lastSellerAt = fact.at;
    for (const e of fact.events) this.event(e, fact);
  }

  private addMiss(miss: Miss): void {
    this.misses.push(miss);
    this.missTurn.set(miss, this.facts.length - 1);
  }

  private contextOf(miss: Miss): ContextLine[] {
    const i = this.missTurn.get(miss) ?? 0;
    return this.facts.slice(Math.max(0, i - CONTEXT_TURNS), i + CONTEXT_TURNS + 1).map((f) => {
      const matched = f.events.find((e): e is Extract<FactEvent, { type: 'matched' }> => e.type === 'matched');
      return { at: f.at, seller: f.said ?? matched?.text ?? `(${f.kind})`, bot: f.acts };
    });
  }

  private event(e: FactEvent, fact: TurnFact): void {
    switch (e.type) {
      case 'matched':
        return this.matched(e, fact);
      case 'answered':
        return this.answered(e.topic, fact.at);
      case 'resolved':
        this.settle(e.topic, 'resolved');
        return;
      case 'not-resolved':
        this.miss('not-fixed', fact.at, this.settle(e.topic, 'not-resolved'));
        return;
      case 'ticket':
        if (!e.existing && !e.limited) this.handedOver(e.ticket, fact.at);
        return;
      case 'clarified':
        return this.clarified(e.topic);
      case 'rated':
        this.rating = e.score;
    }
  }

  private matched(e: Extract<FactEvent, { type: 'matched' }>, fact: TurnFact): void {
    this.lastMatched = { text: e.text, candidates: e.candidates };
    if (e.decision !== 'none' && e.decision !== 'vague' && e.decision !== 'clarify') return;
    const kind = fact.acts.map((a) => MISS_ACTS[a]).find((k) => k !== undefined);
    if (kind) this.addMiss({ at: fact.at, channel: this.meta.channel, episode: this.meta.id, text: e.text, kind: e.decision === 'vague' ? 'ask-more' : kind, candidates: e.candidates });
  }

  private answered(topic: string, at: string): void {
    // Shown again in the same conversation (the seller chose it twice): one article, one outcome.
    const open = this.shown.find((s) => s.topic === topic && s.outcome === 'open');
    if (!open) this.shown.push({ topic, at, outcome: 'open', ...(this.lastMatched ? { via: this.lastMatched } : {}) });
  }

  /** The last showing of `topic` gets its outcome; returned for the miss it may make. */
  private settle(topic: string, outcome: TopicOutcome): Shown | undefined {
    const s = [...this.shown].reverse().find((x) => x.topic === topic);
    if (s) s.outcome = outcome;
    return s;
  }

  private miss(kind: MissKind, at: string, s: Shown | undefined): void {
    if (!s?.via) return;
    this.addMiss({ at, channel: this.meta.channel, episode: this.meta.id, text: s.via.text, kind, candidates: s.via.candidates, topic: s.topic });
  }

  /** A hand-over: every article that had not fixed it led there; the last one shown is a miss unless "not fixed" said so already. */
  private handedOver(ticket: string, at: string): void {
    this.ticket = ticket;
    const last = this.shown.at(-1);
    if (last?.outcome === 'open') this.miss('handover', at, last);
    for (const s of this.shown) if (s.outcome === 'open' || s.outcome === 'not-resolved') s.outcome = 'handed-over';
  }

  private clarified(topic: string | null): void {
    const asked = [...this.misses].reverse().find((m) => m.kind === 'clarify');
    if (asked && asked.chosen === undefined) asked.chosen = topic;
  }

  result(lastAt: string, final: boolean): EpisodeSummary {
    if (final) {
      for (const s of this.shown) {
        if (s.outcome !== 'open') continue;
        // No word after the answer: it did what it could (assumed); words after it that neither
        // confirmed nor denied, then silence: the seller left.
        s.outcome = this.lastSellerAt !== undefined && this.lastSellerAt > s.at ? 'abandoned' : 'assumed';
      }
    }
    const has = (o: TopicOutcome) => this.shown.some((s) => s.outcome === o);
    const outcome: EpisodeOutcome = this.ticket
      ? 'handed-over'
      : has('resolved')
        ? 'resolved'
        : !final
          ? 'open'
          : has('assumed')
            ? 'assumed'
            : has('not-resolved')
              ? 'not-resolved'
              : 'abandoned';
    return {
      id: this.meta.id,
      channel: this.meta.channel,
      startedAt: this.meta.startedAt,
      lastAt,
      engaged: this.lastSellerAt !== undefined,
      final,
      outcome,
      topics: this.shown.map((s) => ({ topic: s.topic, at: s.at, outcome: s.outcome })),
      misses: this.misses.map((m) => ({ ...m, context: this.contextOf(m) })),
      ...(this.ticket ? { ticket: this.ticket } : {}),
      ...(this.rating !== undefined ? { rating: this.rating } : {}),
    };
  }
}
