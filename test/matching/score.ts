import fs from 'node:fs';
import type { Matcher } from '../../src/matching/matcher';

export interface Labelled {
  text: string;
  topic: string | null;
  also?: string[];
}

export interface Score {
  inScope: number;
  correct: number;
  nulls: number;
  nullAnswered: number;
  /** want -> got (decision:topic) -> count, misses only. */
  confusion: Map<string, Map<string, number>>;
  misses: string[];
}

export function readJsonl(file: string): Labelled[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Labelled);
}

/** The scoring rules of ../shared/eval/README.md, in-process. */
export function score(matcher: Matcher, lines: Labelled[]): Score {
  const s: Score = { inScope: 0, correct: 0, nulls: 0, nullAnswered: 0, confusion: new Map(), misses: [] };
  for (const l of lines) {
    const r = matcher.match(l.text);
    let ok: boolean;
    if (l.topic === null) {
      s.nulls++;
      ok = r.decision !== 'answer';
      if (!ok) s.nullAnswered++;
    } else {
      s.inScope++;
      const accepted = [l.topic, ...(l.also ?? [])];
      ok = (r.decision === 'answer' && accepted.includes(r.topic!)) || (l.topic === 'contact-support' && r.decision === 'escalate');
      if (ok) s.correct++;
    }
    if (!ok) {
      const want = l.topic ?? '(none)';
      const got = `${r.decision}${r.topic ? `:${r.topic}` : ''}`;
      const row = s.confusion.get(want) ?? new Map<string, number>();
      row.set(got, (row.get(got) ?? 0) + 1);
      s.confusion.set(want, row);
      s.misses.push(`${JSON.stringify(l.text)} want=${want} got=${got} [${r.candidates.map((c) => c.topic).join(', ')}]`);
    }
  }
  return s;
}

export function summary(name: string, s: Score): string {
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '0.0');
  const lines = [
    `${name}: in-scope answered correctly ${s.correct}/${s.inScope} (${pct(s.correct, s.inScope)}%), ` +
      `out-of-scope answered ${s.nullAnswered}/${s.nulls} (${pct(s.nullAnswered, s.nulls)}%)`,
    'confusion (wanted -> got, misses only):',
    ...[...s.confusion].flatMap(([want, row]) => [...row].map(([got, n]) => `  ${want.padEnd(36)} -> ${got} x${n}`)),
    'misses:',
    ...s.misses.map((m) => `  ${m}`),
  ];
  return lines.join('\n');
}
