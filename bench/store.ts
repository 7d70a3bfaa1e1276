/**
 * npm run bench:store — what the embedded SQLite storage costs per LINE event, without HTTP or
 * matching: a turn's inbox entry (accept), the seller's pause (LINE_HANDOVER=chat, line:pause),
 * its account link, its state read and saved with the turn's transcript lines, its outcome
 * record (the console's report), and its inbox entry done, BENCH_BATCH events sharing each commit as
 * they do under load. States and transcript lines are real: the core run over the labelled
 * texts for BENCH_USERS sellers. Prints CPU µs per event (the process's, the checkpoint thread
 * included) and the wall time per step; asserts nothing. Sizes of the stored state are printed too.
 * Knobs (env): BENCH_BATCH (8), BENCH_EVENTS (20000), BENCH_USERS (200), BENCH_OUTCOMES (1; 0
 * leaves out the outcome record each turn appends, to see its cost).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTurn } from '../src/conversation/engine';
import type { ConversationState, TranscriptEntry } from '../src/conversation/state';
import { loadTranslations } from '../src/i18n';
import { loadKnowledge } from '../src/knowledge/load';
import { Matcher } from '../src/matching/matcher';
import { SqliteConversationStore } from '../src/storage/conversation-store';
import { SqliteEventInbox } from '../src/storage/event-inbox';
import { SqliteLinkStore } from '../src/storage/link-store';
import { SqlitePauseStore } from '../src/storage/pause-store';
import { SqliteOutcomeStore } from '../src/storage/outcome-store';
import { factOfTurn, type TurnFact } from '../src/analytics/outcomes';
import { closeDatabase, openDatabase } from '../src/storage/sqlite';
import { loadTexts, num, percentile } from './load/lib';

const BATCH = num('BENCH_BATCH', 8);
const EVENTS = num('BENCH_EVENTS', 20_000);
const USERS = num('BENCH_USERS', 200);
/** 0: without the outcome record each turn appends (the console's report), to see what it costs. */
const OUTCOMES = num('BENCH_OUTCOMES', 1) > 0;
const root = path.resolve(__dirname, '..');

/** Each seller's state and the lines of their turns, after the core answered their messages. */
function realisticTurns(): { states: ConversationState[]; lines: TranscriptEntry[][]; facts: TurnFact[] } {
  const kb = loadKnowledge(path.join(root, 'knowledge'));
  const ctx = { kb, matcher: new Matcher(kb), t: loadTranslations(), supportEmail: 'support@bigseller.com' };
  const { texts } = loadTexts(root);
  const states: ConversationState[] = [];
  const lines: TranscriptEntry[][] = [];
  const facts: TurnFact[] = [];
  for (let u = 0; u < USERS; u++) {
    let state: ConversationState | undefined;
    // As in bench:load: every seller writes every USERS-th text; ten turns each.
    for (let i = 0; i < 10; i++) {
      const text = texts[(u + i * USERS) % texts.length];
      const at = new Date(Date.UTC(2026, 10, 29, 10, 0, i)).toISOString();
      const r = runTurn({ channel: 'line', conversationId: `U${u}`, userId: `U${u}`, at, kind: 'message', text, replayId: `ev-${u}-${i}` }, state, ctx);
      state = { ...r.state, transcript: [], lastTurn: { replayId: `ev-${u}-${i}`, messages: r.messages }, recentReplayIds: Array.from({ length: 20 }, (_, k) => `01BENCH${u}${i}${k}`.padEnd(26, '0')) };
      lines.push(r.state.transcript);
      facts.push(factOfTurn({ at, kind: 'message' }, r.events, r.messages.map((m) => m.act), r.state.transcript));
    }
    states.push({ ...state!, transcript: [] });
  }
  return { states, lines, facts };
}

async function main(): Promise<void> {
  const { states, lines, facts } = realisticTurns();
  const stateBytes = states.map((s) => Buffer.byteLength(JSON.stringify(s)));
  const body = JSON.stringify({ type: 'message', replyToken: 'x'.repeat(32), source: { type: 'user', userId: `U${'a'.repeat(32)}` }, message: { type: 'text', id: '1', text: 'เชื่อมต่อ shopee ไม่ได้ครับ' } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
  const db = openDatabase(dir, 'bot.sqlite', { onError: (m) => console.error(m) });
  const conversations = new SqliteConversationStore(db);
  const inbox = new SqliteEventInbox(db);
  const links = new SqliteLinkStore(db);
  const pauses = new SqlitePauseStore(db);
  const outcomes = new SqliteOutcomeStore(db);
  const wall = { accept: 0n, pause: 0n, link: 0n, get: 0n, set: 0n, outcome: 0n, done: 0n };
  const now = () => process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  for (let k = 0; k < EVENTS; k += BATCH) {
    const ids = Array.from({ length: BATCH }, (_, j) => `line:event:${k + j}`);
    let t = now();
    await Promise.all(ids.map((id) => inbox.accept(id, body, Date.now(), 'bench', 604_800)));
    wall.accept += now() - t;
    const saves: Promise<void>[] = [];
    for (let j = 0; j < BATCH; j++) {
      const u = (k + j) % USERS;
      const key = `line:U${u}`;
      t = now();
      await pauses.pausedUntil(`U${u}`);
      wall.pause += now() - t;
      t = now();
      await links.accountOf(`U${u}`);
      wall.link += now() - t;
      t = now();
      const state = (await conversations.get(key)) ?? states[u];
      wall.get += now() - t;
      t = now();
      saves.push(conversations.set(key, { ...state, lastActiveAt: new Date().toISOString() }, 86_400, lines[(k + j) % lines.length]));
      wall.set += now() - t;
      if (OUTCOMES) {
        t = now();
        const startedAt = states[u]!.startedAt;
        saves.push(outcomes.append({ id: `${key}@${startedAt}`, channel: 'line', conversation: key, userId: `U${u}`, startedAt }, facts[(k + j) % facts.length]!));
        wall.outcome += now() - t;
      }
    }
    t = now();
    await Promise.all(saves);
    wall.set += now() - t;
    t = now();
    await inbox.done(ids);
    wall.done += now() - t;
  }
  const total = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const us = (ns: bigint) => (Number(ns) / 1000 / EVENTS).toFixed(1);
  const sizes = [...stateBytes].sort((a, b) => a - b);
  console.log(`bench:store — ${EVENTS} events, ${BATCH} per commit, ${USERS} conversations, outcome records ${OUTCOMES ? 'on' : 'off'}, node ${process.version}`);
  console.log(`stored state: median ${percentile(sizes, 50)} bytes, max ${sizes[sizes.length - 1]}; transcript lines per turn: ${(lines.reduce((n, l) => n + l.length, 0) / lines.length).toFixed(1)}`);
  console.log(`per event: CPU ${((cpu.user + cpu.system) / EVENTS).toFixed(1)} µs, wall ${us(total)} µs`);
  console.log(`  wall by step (µs): ${Object.entries(wall).map(([k, v]) => `${k} ${us(v)}`).join(', ')} (commits counted in accept, set and done)`);
  await closeDatabase(db);
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
