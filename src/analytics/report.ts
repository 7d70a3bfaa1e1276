/**
 * The console's report: how many conversations the bot had over a period, how many it resolved
 * (confirmed by the seller, or assumed: no word for a day after the answer), how many went to
 * support, what sellers thought of it, per channel, per topic and per day. Pure: it reads the
 * episodes' summaries (outcomes.ts).
 */
import type { EpisodeSummary } from './outcomes';

/** Days are the support team's: Thailand's (UTC+7, no daylight saving). */
const TEAM_OFFSET_MS = 7 * 3600 * 1000;

export interface Rates {
  conversations: number;
  resolutionRate: { confirmed: number; assumed: number };
  handoverRate: number;
  /** Ratings 1 (not helpful) to 3 (helpful); `satisfied`: the share of 3s. */
  csat: { count: number; average: number | null; satisfied: number | null };
}

export interface TopicLine {
  topic: string;
  answered: number;
  resolved: number;
  assumed: number;
  notResolved: number;
  handedOver: number;
  abandoned: number;
}

export interface Report extends Rates {
  period: { from: string; to: string; days: number };
  /** Conversations of the period still going or quiet for less than a day: their outcome is not known yet. */
  open: number;
  channels: (Rates & { channel: string })[];
  topics: TopicLine[];
  /** The articles that most often did not resolve (said not fixed, or handed over), worst first. */
  failing: (TopicLine & { failRate: number })[];
  perDay: { day: string; conversations: number; confirmed: number; assumed: number; handedOver: number }[];
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000);

function rates(episodes: readonly EpisodeSummary[]): Rates {
  const n = episodes.length;
  const count = (o: EpisodeSummary['outcome']) => episodes.filter((e) => e.outcome === o).length;
  const ratings = episodes.flatMap((e) => (e.rating === undefined ? [] : [e.rating]));
  return {
    conversations: n,
    resolutionRate: { confirmed: share(count('resolved'), n), assumed: share(count('assumed'), n) },
    handoverRate: share(count('handed-over'), n),
    csat: {
      count: ratings.length,
      average: ratings.length === 0 ? null : Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100,
      satisfied: ratings.length === 0 ? null : share(ratings.filter((r) => r === 3).length, ratings.length),
    },
  };
}

/** When the support team's day holding `at` began. */
export function teamDayStart(at: Date): Date {
  return new Date(Math.floor((at.getTime() + TEAM_OFFSET_MS) / 86_400_000) * 86_400_000 - TEAM_OFFSET_MS);
}

/** "The last N days": today (the team's) and the N-1 days before it, up to now. */
export function lastDays(days: number, now: Date): { from: Date; to: Date } {
  return { from: new Date(teamDayStart(now).getTime() - (days - 1) * 86_400_000), to: new Date(now.getTime() + 1) };
}

export function teamDay(iso: string): string {
  return new Date(Date.parse(iso) + TEAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** The report over the episodes that started in [from, to). */
export function buildReport(all: readonly EpisodeSummary[], from: Date, to: Date): Report {
  const episodes = all.filter((e) => e.engaged && e.startedAt >= from.toISOString() && e.startedAt < to.toISOString());
  const channels = [...new Set(episodes.map((e) => e.channel))].sort().map((channel) => ({ channel, ...rates(episodes.filter((e) => e.channel === channel)) }));
  const topics = topicLines(episodes);
  const failing = topics
    .map((t) => ({ ...t, failRate: share(t.notResolved + t.handedOver, t.answered) }))
    .filter((t) => t.notResolved + t.handedOver > 0)
    .sort((a, b) => b.notResolved + b.handedOver - (a.notResolved + a.handedOver) || b.failRate - a.failRate)
    .slice(0, 10);
  return {
    period: { from: from.toISOString(), to: to.toISOString(), days: Math.ceil((to.getTime() - from.getTime()) / 86_400_000) },
    ...rates(episodes),
    open: episodes.filter((e) => e.outcome === 'open').length,
    channels,
    topics,
    failing,
    perDay: perDay(episodes, from, to),
  };
}

function topicLines(episodes: readonly EpisodeSummary[]): TopicLine[] {
  const lines = new Map<string, TopicLine>();
  const field = { resolved: 'resolved', assumed: 'assumed', 'not-resolved': 'notResolved', 'handed-over': 'handedOver', abandoned: 'abandoned' } as const;
  for (const e of episodes) {
    for (const t of e.topics) {
      let line = lines.get(t.topic);
      if (!line) lines.set(t.topic, (line = { topic: t.topic, answered: 0, resolved: 0, assumed: 0, notResolved: 0, handedOver: 0, abandoned: 0 }));
      line.answered++;
      if (t.outcome !== 'open') line[field[t.outcome]]++;
    }
  }
  return [...lines.values()].sort((a, b) => b.answered - a.answered || a.topic.localeCompare(b.topic));
}

/** Every day of the period, in the team's time, with or without conversations (a chart has no gaps). */
function perDay(episodes: readonly EpisodeSummary[], from: Date, to: Date): Report['perDay'] {
  const days = new Map<string, Report['perDay'][number]>();
  for (let t = from.getTime(); t < to.getTime(); t += 86_400_000) {
    const day = teamDay(new Date(t).toISOString());
    days.set(day, { day, conversations: 0, confirmed: 0, assumed: 0, handedOver: 0 });
  }
  for (const e of episodes) {
    const d = days.get(teamDay(e.startedAt));
    if (!d) continue;
    d.conversations++;
    if (e.outcome === 'resolved') d.confirmed++;
    if (e.outcome === 'assumed') d.assumed++;
    if (e.outcome === 'handed-over') d.handedOver++;
  }
  return [...days.values()];
}
