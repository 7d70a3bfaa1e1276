/**
 * npm run bench:turn — CPU per turn of the conversation core alone (runTurn: state in, messages
 * and state out; matching included, no storage, no HTTP), over the project's own conversation
 * set (test/data/conversations.jsonl) played BENCH_ROUNDS times. Presses take the button of the
 * last reply; a turn that asks for I/O (a ticket, a status check) is answered as the service
 * would, with a ticket or a sandbox account's stores. Prints µs of CPU per turn (median and
 * spread of the rounds) and heap per state; asserts nothing.
 */
import path from 'node:path';
import { readScripts } from '../src/cli/conversation-player';
import { runTurn, type CoreContext } from '../src/conversation/engine';
import type { OutMessage, Turn } from '../src/conversation/messages';
import type { ConversationState } from '../src/conversation/state';
import { loadTranslations } from '../src/i18n';
import { loadKnowledge } from '../src/knowledge/load';
import { Matcher } from '../src/matching/matcher';
import { sandboxAccountStores } from '../src/status/sandbox';
import type { AccountStores } from '../src/status/connector';
import { num } from './load/lib';

const ROUNDS = num('BENCH_ROUNDS', 7);
const root = path.resolve(__dirname, '..');
const kb = loadKnowledge(path.join(root, 'knowledge'));
const ctx: CoreContext = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'support@bigseller.com' };
const scripts = readScripts(path.join(root, 'test/data/conversations.jsonl'));

function playAll(): number {
  let turns = 0;
  for (const [i, s] of scripts.entries()) {
    let state: ConversationState | undefined;
    let last: OutMessage[] = [];
    const base = { channel: s.channel, conversationId: `b${i}`, userId: `b${i}`, at: '2026-12-01T03:00:00Z', ...(s.account ? { accountId: s.account } : {}) } as const;
    const run = (t: Partial<Turn>) => {
      let r = runTurn({ ...base, kind: 'message', ...t } as Turn, state, ctx, { owned: true });
      const out = [...r.messages];
      for (let k = 0; r.effect && k < 4; k++) {
        const follow: Partial<Turn> =
          r.effect.type === 'create-ticket'
            ? { kind: 'ticket', ticket: { ticket: 'BS-BENCH1', existing: false, limited: false } }
            : r.effect.type === 'list-tickets'
              ? { kind: 'tickets', tickets: [] }
              : r.effect.type === 'set-reminders'
                ? { kind: 'reminders', reminders: { on: r.effect.on } }
                : { kind: 'status', status: (sandboxAccountStores(r.effect.accountId) as AccountStores | undefined) ?? { error: 'not found' } };
        r = runTurn({ ...base, ...follow } as Turn, r.state, ctx, { owned: true });
        out.push(...r.messages);
      }
      state = { ...r.state, transcript: [] };
      turns++;
      return out;
    };
    for (const step of s.turns) {
      if (typeof step.say === 'string') last = run({ text: step.say });
      else if (typeof step.press === 'string') {
        const want = step.press.toLowerCase();
        const buttons = last.flatMap((m) => (m.type === 'choices' || m.type === 'card' ? m.choices : []));
        const b = buttons.find((c) => c.label.toLowerCase() === want) ?? buttons.find((c) => c.label.toLowerCase().includes(want));
        if (b) last = run({ kind: 'action', action: b.action, text: b.label });
      } else last = run({ kind: step.send === 'image' ? 'image' : step.send === 'sticker' ? 'sticker' : 'file' });
    }
  }
  return turns;
}

playAll(); // warm-up: caches, JIT
const perTurn: number[] = [];
let turns = 0;
for (let r = 0; r < ROUNDS; r++) {
  const before = process.cpuUsage();
  turns = playAll();
  const used = process.cpuUsage(before);
  perTurn.push((used.user + used.system) / turns);
}
perTurn.sort((a, b) => a - b);
console.log(`conversation core, ${scripts.length} conversations, ${turns} turns a round, ${ROUNDS} rounds`);
console.log(`CPU per turn: median ${perTurn[Math.floor(ROUNDS / 2)]!.toFixed(0)} µs (min ${perTurn[0]!.toFixed(0)}, max ${perTurn[ROUNDS - 1]!.toFixed(0)})`);
