import path from 'node:path';
import { readScripts } from '../../src/cli/conversation-player';
import { playScripts, scoreConversations } from '../helpers/conversation-score';

/**
 * `npm run --silent converse -- test/data/conversations-screenshots.jsonl`: scripts that send
 * pictures of the screenshot set (`{"send": "image", "file": …}`), read for real by the bot's OCR.
 */
const SET = path.join(__dirname, '../data/conversations-screenshots.jsonl');

describe('the converse player with screenshots', () => {
  it('plays the screenshot set: every turn right', async () => {
    const scripts = readScripts(SET);
    const s = scoreConversations(scripts, await playScripts(scripts, path.dirname(SET)));
    expect(s.misses).toEqual([]);
    expect(s.right).toBe(s.turns);
    expect(s.turns).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('with OCR off, the same pictures only get the line asking what they show', async () => {
    const scripts = readScripts(SET).filter((s) => s.id === 'shot-04');
    const played = await playScripts(scripts, path.dirname(SET), { OCR: 'off' });
    expect(played[0]!.turns[1]!.acts).toEqual(['image-received']);
  }, 60_000);
});
