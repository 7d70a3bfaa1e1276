import path from 'node:path';
import { readScripts, type Script } from '../../src/cli/conversation-player';
import { playScripts, scoreConversations } from '../helpers/conversation-score';

/**
 * `LINE_HANDOVER=chat npm run --silent converse -- test/data/conversations-chat-handover.jsonl`:
 * on LINE the ticket says a person answers in the chat, and the bot's silence after it is a
 * turn the format scores (`"expect": "silent"`) until the seller types "talk to the bot". The
 * web chat is not paused. Without the setting the same scripts get answers where they want
 * silence: the set is for that setting only.
 */
const SET = path.join(__dirname, '../data/conversations-chat-handover.jsonl');

const play = (scripts: Script[], env: Record<string, string>) => playScripts(scripts, path.dirname(SET), env);

describe('the converse player with LINE_HANDOVER=chat', () => {
  const scripts = readScripts(SET);

  it('plays the chat hand-over set: every turn right, silent turns with no act and no text', async () => {
    const played = await play(scripts, { LINE_HANDOVER: 'chat' });
    const s = scoreConversations(scripts, played);
    expect(s.misses).toEqual([]);
    expect(s.right).toBe(s.turns);
    const silent = played[0]!.turns.slice(5);
    expect(silent).toEqual(silent.map(() => ({ acts: [], texts: [], buttons: [] })));
  }, 60_000);

  it('with e-mail hand-over (the default) the bot answers after the ticket', async () => {
    const played = await play(scripts.slice(0, 1), { LINE_HANDOVER: 'email' });
    expect(played[0]!.turns.slice(5).every((t) => (t.acts ?? []).length > 0)).toBe(true);
  }, 60_000);
});
