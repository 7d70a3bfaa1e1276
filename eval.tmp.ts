import path from 'node:path';
import { loadKnowledge } from './src/knowledge/load';
import { Matcher } from './src/matching/matcher';
import { readJsonl, score, summary } from './test/matching/score';
const m = new Matcher(loadKnowledge(path.resolve('knowledge')));
for (const [n, f] of [['dev', '../shared/eval/dev.jsonl'], ['labelled', 'test/data/labelled.jsonl'], ['holdout', 'test/data/holdout.jsonl']]) {
  const s = score(m, readJsonl(f));
  console.log(summary(n, s).split('\n')[0]);
  if (process.env.MISSES) s.misses.forEach((x) => console.log('   ', x));
}
for (const t of (process.env.PROBES ?? '').split('|').filter(Boolean)) { const r = m.match(t); console.log(JSON.stringify(t), r.decision, r.topic ?? '', r.candidates.slice(0, 3).map((c) => c.topic).join(',')); }
