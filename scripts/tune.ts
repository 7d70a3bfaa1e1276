/**
 * Development aid: scores the matcher on labelled sets for a grid of parameters, in-process.
 * Usage: npx tsx scripts/tune.ts FILE...   (prints one line per setting, best last)
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadKnowledge } from '../src/knowledge/load';
import { Matcher } from '../src/matching/matcher';

interface Line { text: string; topic: string | null; also?: string[] }
const files = process.argv.slice(2);
const sets = files.map((f) => ({ f, lines: fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line) }));
const kb = loadKnowledge(path.resolve(__dirname, '../knowledge'));

function score(m: Matcher, lines: Line[]) {
  let inScope = 0, correct = 0, nulls = 0, nullAns = 0;
  for (const l of lines) {
    const r = m.match(l.text);
    if (l.topic === null) { nulls++; if (r.decision === 'answer') nullAns++; continue; }
    inScope++;
    const ok = [l.topic, ...(l.also ?? [])];
    if ((r.decision === 'answer' && ok.includes(r.topic!)) || (l.topic === 'contact-support' && r.decision === 'escalate')) correct++;
  }
  return { acc: correct / inScope, fp: nullAns / nulls };
}

const grid = JSON.parse(process.env.GRID ?? '{}') as { ranking?: Record<string, number[]>; decision?: Record<string, number[]> };
const rk = Object.entries(grid.ranking ?? {});
const dk = Object.entries(grid.decision ?? {});
const combos: { ranking: Record<string, number>; decision: Record<string, number> }[] = [{ ranking: {}, decision: {} }];
for (const [k, vals] of rk) { const next = []; for (const c of combos) for (const v of vals) next.push({ ranking: { ...c.ranking, [k]: v }, decision: c.decision }); combos.splice(0, combos.length, ...next); }
for (const [k, vals] of dk) { const next = []; for (const c of combos) for (const v of vals) next.push({ ranking: c.ranking, decision: { ...c.decision, [k]: v } }); combos.splice(0, combos.length, ...next); }
const results = combos.map((c) => {
  const m = new Matcher(kb, c as never);
  const s = sets.map((x) => score(m, x.lines));
  const worst = Math.min(...s.map((x) => x.acc)) - 2 * Math.max(...s.map((x) => Math.max(0, x.fp - 0.03)));
  return { c, s, worst };
}).sort((a, b) => a.worst - b.worst);
for (const r of results.slice(-15)) console.log(JSON.stringify(r.c), r.s.map((x) => `${(x.acc * 100).toFixed(1)}%/${(x.fp * 100).toFixed(1)}%`).join('  '));
