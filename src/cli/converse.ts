/**
 * npm run --silent converse -- FILE   plays scripted conversations, one JSON object per line out
 * (format: ../shared/eval/CONVERSATIONS.md)
 */
import path from 'node:path';
import { ConversationPlayer, readScripts } from './conversation-player';
import { runCommand, writeLine } from './run-command';

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
      await writeLine(JSON.stringify(await player.play(script, i + 1)));
    }
  } finally {
    await player.close();
  }
  return 0;
}

runCommand(main);
