import { ConversationPlayer, type PlayedTurn, type Script } from '../../src/cli/conversation-player';

/** Plays the scripts through one player (pictures relative to `baseDir`; `env` over the environment's settings). */
export async function playScripts(scripts: Script[], baseDir: string, env: Record<string, string> = {}) {
  const player = new ConversationPlayer(baseDir, env);
  await player.start();
  try {
    const out = [];
    for (const [i, s] of scripts.entries()) out.push(await player.play(s, i + 1));
    return out;
  } finally {
    await player.close();
  }
}

/** The scoring rules of ../shared/eval/CONVERSATIONS.md, for the project's own sets. */
const fits = (act: string, pattern: string) => (pattern.endsWith('*') ? act.startsWith(pattern.slice(0, -1)) : act === pattern);
const listOf = (x: unknown): string[] => (x === undefined ? [] : Array.isArray(x) ? x.map(String) : [String(x)]);

export interface Score {
  turns: number;
  right: number;
  conversations: number;
  allRight: number;
  misses: string[];
}

export function scoreConversations(scripts: Script[], played: { id: string; turns: PlayedTurn[] }[]): Score {
  const s: Score = { turns: 0, right: 0, conversations: scripts.length, allRight: 0, misses: [] };
  scripts.forEach((script, i) => {
    let ok = true;
    script.turns.forEach((step, j) => {
      const t = step as Record<string, unknown>;
      const got = played[i]!.turns[j]!;
      const expect = t.expect;
      const not = listOf(t.not);
      const lacks = listOf(t.lacks);
      const counted = expect !== undefined || not.length > 0 || lacks.length > 0;
      if (got.error) {
        s.misses.push(`${script.id} #${j + 1}: ${got.error}`);
        if (counted) s.turns++;
        ok = false;
        return;
      }
      if (!counted) return;
      s.turns++;
      const acts = got.acts ?? [];
      const texts = got.texts ?? [];
      let right: boolean;
      if (expect === 'silent') right = acts.length === 0;
      else {
        const wanted = listOf(expect);
        right =
          acts.length > 0 &&
          (wanted.length === 0 || acts.some((a) => wanted.some((p) => fits(a, p)))) &&
          !acts.some((a) => not.some((p) => fits(a, p))) &&
          !texts.some((x) => lacks.some((l) => x.includes(l)));
      }
      if (right) s.right++;
      else {
        ok = false;
        s.misses.push(`${script.id} #${j + 1} ${JSON.stringify(t.say ?? t.press ?? t.send)}: got [${acts.join(', ')}], expected ${JSON.stringify(expect ?? null)} not ${JSON.stringify(not)}`);
      }
    });
    if (ok) s.allRight++;
  });
  return s;
}
