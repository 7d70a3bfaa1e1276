/**
 * npm run --silent converse -- FILE   plays scripted conversations, one JSON object per line out
 * (format: ../shared/eval/CONVERSATIONS.md)
 */
import { once } from 'node:events';
import path from 'node:path';
import { ConversationPlayer, readScripts } from './conversation-player';

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: npm run --silent converse -- FILE');
    return 2;
  }
  const scripts = readScripts(file);
  const player = new ConversationPlayer(path.dirname(path.resolve(file)));
  await player.start();
  try {
    for (const [i, script] of scripts.entries()) {
      const line = `${JSON.stringify(await player.play(script, i + 1))}\n`;
      if (!process.stdout.write(line)) await once(process.stdout, 'drain');
    }
  } finally {
    await player.close();
  }
  return 0;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  },
);
