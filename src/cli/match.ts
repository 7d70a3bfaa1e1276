/**
 * npm run --silent match -- --jsonl FILE   batch matching, one JSON object per input line
 * npm run --silent match -- "some text"    one message, with the reasons for the decision
 *
 * --learned: with the phrasings support accepted in the console, read from the bot's storage
 * (DATA_DIR, or REDIS_URL), as the running bot matches.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { runCommand, writeLine } from './run-command';
import { loadConfig } from '../config';
import { loadKnowledge } from '../knowledge/load';
import { Matcher } from '../matching/matcher';
import { withLearned } from '../knowledge/learned';
import { RedisLearningStore, SqliteLearningStore } from '../storage/learning-store';
import { withBotStorage } from './bot-storage';

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const learned = argv.includes('--learned') ? await withBotStorage(config, ({ redis, db }) => (redis ? new RedisLearningStore(redis) : new SqliteLearningStore(db)).learned()) : [];
  const matcher = new Matcher(withLearned(loadKnowledge(config.knowledgeDir), learned));
  const jsonl = argv.indexOf('--jsonl');
  if (jsonl >= 0) {
    const file = argv[jsonl + 1];
    if (!file) throw new Error('--jsonl needs a file name');
    const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      if (!line.trim()) continue;
      let text: unknown;
      try {
        text = (JSON.parse(line) as { text?: unknown }).text;
      } catch {
        throw new Error(`${file}:${lineNo}: not valid JSON`);
      }
      if (typeof text !== 'string') throw new Error(`${file}:${lineNo}: "text" must be a string`);
      const r = matcher.match(text);
      await writeLine(JSON.stringify({ text, topic: r.topic, confidence: r.confidence, decision: r.decision, candidates: r.candidates }));
    }
    return 0;
  }
  const text = argv.filter((a) => !a.startsWith('--')).join(' ');
  if (!text) {
    console.error('usage: npm run --silent match -- [--learned] "message"   or   npm run --silent match -- [--learned] --jsonl FILE');
    return 2;
  }
  const r = matcher.explain(text);
  const a = r.analysis;
  const lines = [
    `decision:   ${r.decision}${r.topic ? ` -> ${r.topic}` : ''} (confidence ${r.confidence})`,
    `normalised: ${a.normalised}`,
    `tokens:     ${a.tokens.join(' | ')}`,
    `content:    ${a.content.join(' | ') || '(none)'}`,
    ...(a.corrections.length ? [`typos:      ${a.corrections.map((c) => `${c.from} -> ${c.to}`).join(', ')}`] : []),
    `entities:   platforms [${a.platforms.join(', ')}], error codes [${a.errorCodes.join(', ')}]` +
      `${a.handover ? ', asks for a person' : ''}${a.smallTalk ? `, small talk (${a.smallTalk})` : ''}`,
    'candidates:',
    ...r.ranked.slice(0, 5).map(
      (c) => `  ${c.topic.padEnd(36)} score ${c.score.toFixed(3)}  coverage ${c.coverage.toFixed(2)}  best phrasing ${c.bestPhrasing.toFixed(2)}  distinctive [${c.distinctive.join(', ')}]`,
    ),
    'why:',
    ...r.why.map((w) => `  - ${w}`),
  ];
  if (r.platformUnconfirmed) lines.push('  - the article is platform-specific and no platform was named: the bot will confirm the platform');
  console.log(lines.join('\n'));
  return 0;
}

runCommand(main);
