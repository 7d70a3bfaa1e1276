/**
 * npm run bench:match — build time, per-query latency (p50/p99) and memory of the matcher,
 * for the real knowledge base and for synthetic ones of 1,000 and 10,000 topics.
 * Prints figures; asserts nothing. Target: p99 under 1 ms per query at 1,000 topics,
 * cost growing sub-linearly with the number of topics.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadKnowledge, type KnowledgeBase } from '../src/knowledge/load';
import type { Topic } from '../src/knowledge/schema';
import { Matcher } from '../src/matching/matcher';

const root = path.resolve(__dirname, '..');
const real = loadKnowledge(path.join(root, 'knowledge'));

function queries(): string[] {
  const files = [path.join(root, 'test/data/labelled.jsonl'), path.join(root, '../shared/eval/dev.jsonl')];
  return files
    .filter((f) => fs.existsSync(f))
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text));
}

/** Deterministic pseudo-random numbers, so every run builds the same synthetic knowledge base. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A synthetic knowledge base: each topic takes real phrasings and swaps some words for
 * words of its own, so the vocabulary grows with the number of topics as it would in life.
 */
function synthetic(n: number): KnowledgeBase {
  const rand = rng(n);
  const pool = real.topics;
  const topics: Topic[] = [];
  const word = (i: number) => `w${i.toString(36)}`;
  for (let i = 0; i < n; i++) {
    const base = pool[i % pool.length];
    const own = [word(i * 3), word(i * 3 + 1), word(i * 3 + 2)];
    const mutate = (s: string) =>
      s
        .split(' ')
        .map((w) => (rand() < 0.25 ? own[Math.floor(rand() * own.length)] : w))
        .join(' ');
    const loc = (l: Topic['th']) => ({ ...l, symptoms: l.symptoms.map(mutate) });
    topics.push({ ...base, id: `${base.id}-${i}`, specialises: undefined, related: [], th: loc(base.th), en: loc(base.en) });
  }
  return { topics, lexicon: real.lexicon, outOfScope: real.outOfScope, replies: real.replies, byId: new Map(topics.map((t) => [t.id, t])) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function run(name: string, kb: KnowledgeBase, qs: string[]): { p50: number; p99: number } {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const matcher = new Matcher(kb);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  global.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  for (const q of qs.slice(0, 200)) matcher.match(q); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of qs) {
      const s = process.hrtime.bigint();
      matcher.match(q);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  const phrasings = kb.topics.reduce((a, t) => a + t.th.symptoms.length + t.en.symptoms.length, 0);
  console.log(
    `${name.padEnd(22)} topics ${String(kb.topics.length).padStart(6)}  phrasings ${String(phrasings).padStart(7)}  ` +
      `build ${buildMs.toFixed(0).padStart(6)} ms  query p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  ` +
      `index heap ${heapMb.toFixed(1)} MB  rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB  (${times.length} queries)`,
  );
  return { p50, p99 };
}

const qs = queries();
console.log(`matcher benchmark: ${qs.length} distinct queries x 5 rounds, node ${process.version}${global.gc ? '' : ' (run with --expose-gc for exact heap figures)'}`);
run('real knowledge base', real, qs);
const k1 = run('synthetic 1,000', synthetic(1000), qs);
const k10 = run('synthetic 10,000', synthetic(10000), qs);
console.log(
  `growth 1,000 -> 10,000 topics (10x): p50 x${(k10.p50 / k1.p50).toFixed(1)}, p99 x${(k10.p99 / k1.p99).toFixed(1)} ` +
    `(sub-linear when well under x10); p99 at 1,000: ${k1.p99 < 1 ? 'under' : 'OVER'} the 1 ms target`,
);
