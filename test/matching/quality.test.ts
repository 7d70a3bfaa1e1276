import fs from 'node:fs';
import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';
import { readJsonl, score, summary } from './score';

const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));
const ANSWERED_AT_LEAST = 0.95;
const NULL_ANSWERED_AT_MOST = 0.05;

function expectBars(name: string, file: string): void {
  const s = score(matcher, readJsonl(file));
  const ok = s.correct / s.inScope >= ANSWERED_AT_LEAST && s.nullAnswered / s.nulls <= NULL_ANSWERED_AT_MOST;
  if (!ok) throw new Error(`${name} is below the bar (>= 95% answered, <= 5% off-topic answered)\n${summary(name, s)}`);
}

describe('matching quality', () => {
  it('meets the bar on the project labelled set (test/data/labelled.jsonl)', () => {
    const lines = readJsonl(path.resolve(__dirname, '../data/labelled.jsonl'));
    expect(lines.length).toBeGreaterThanOrEqual(150);
    expect(lines.filter((l) => l.topic === null).length).toBeGreaterThanOrEqual(30);
    expectBars('labelled set', path.resolve(__dirname, '../data/labelled.jsonl'));
  });

  it('meets the bar on the held-out set (test/data/holdout.jsonl, written apart and not tuned on)', () => {
    expectBars('held-out set', path.resolve(__dirname, '../data/holdout.jsonl'));
  });

  // The sets written from outside (docs/matching.md): the targets, 97% answered and at
  // most 3% off-topic answered, are met on the ninth (scored once, never read) and the fifth; the
  // seventh and eighth were read and tuned on after their one scoring. Their figures are printed
  // against the targets, and a change that loses what they score today fails.
  it.each([
    ['heldout-2026-12.jsonl', { correct: 125, nullAnswered: 0 }],
    ['heldout-2026-12b.jsonl', { correct: 132, nullAnswered: 1 }],
    ['heldout-2026-12c.jsonl', { correct: 137, nullAnswered: 3 }],
    ['heldout-2026-12d.jsonl', { correct: 144, nullAnswered: 2 }],
    ['heldout-2026-12e.jsonl', { correct: 143, nullAnswered: 1 }],
    ['heldout-2026-12f.jsonl', { correct: 146, nullAnswered: 2 }],
    ['heldout-2026-12g.jsonl', { correct: 143, nullAnswered: 3 }],
    ['heldout-2026-12h.jsonl', { correct: 150, nullAnswered: 0 }],
    ['heldout-2026-12j.jsonl', { correct: 148, nullAnswered: 1 }],
  ])('prints the held-out figures of %s and keeps them', (file, floor) => {
    const s = score(matcher, readJsonl(path.resolve(__dirname, '../data', file)));
    const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
    console.log(
      `${file}: in-scope answered correctly ${s.correct}/${s.inScope} (${pct(s.correct, s.inScope)}; target 97%), off-topic answered ${s.nullAnswered}/${s.nulls} (${pct(s.nullAnswered, s.nulls)}; target at most 3%)`,
    );
    expect(s.correct).toBeGreaterThanOrEqual(floor.correct);
    expect(s.nullAnswered).toBeLessThanOrEqual(floor.nullAnswered);
  });

  const dev = path.resolve(__dirname, '../../../shared/eval/dev.jsonl');
  // The shared development set sits beside the repository on the team's machines and in CI;
  // a clone elsewhere does not have it.
  (fs.existsSync(dev) ? it : it.skip)('meets the bar on the shared development set (../shared/eval/dev.jsonl)', () => {
    expectBars('dev set', dev);
  });
  if (!fs.existsSync(dev)) console.log(`skipped: ${dev} not found (it sits beside the repository on team machines and in CI)`);
});
