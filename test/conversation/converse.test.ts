import fs from 'node:fs';
import path from 'node:path';
import { findButton, readScripts, type Script } from '../../src/cli/conversation-player';
import { playScripts, scoreConversations } from '../helpers/conversation-score';

/**
 * Whole conversations, played through the real core as `npm run converse` plays them, scored by
 * the rules of ../shared/eval/CONVERSATIONS.md. The floors are the scores measured when each
 * set was added: a change that loses turns fails here; one that gains raises the floor.
 */
const OWN = path.join(__dirname, '../data/conversations.jsonl');
const DEV = path.resolve(__dirname, '../../../shared/eval/conversations.dev.jsonl');

const play = (scripts: Script[], baseDir: string) => playScripts(scripts, baseDir);

function report(name: string, scripts: Script[], played: Awaited<ReturnType<typeof play>>) {
  const s = scoreConversations(scripts, played);
  const pct = (100 * s.right) / s.turns;
  console.log(`${name}: turns right ${s.right}/${s.turns} (${pct.toFixed(1)}%); conversations with every turn right ${s.allRight}/${s.conversations}`);
  return { ...s, pct };
}

describe('conversation sets', () => {
  it('plays and scores the project\'s own set', async () => {
    const scripts = readScripts(OWN);
    expect(scripts.length).toBeGreaterThanOrEqual(60);
    const s = report('own set', scripts, await play(scripts, path.dirname(OWN)));
    expect(s.misses.filter((m) => m.includes('no button'))).toEqual([]);
    expect(s.pct).toBeGreaterThanOrEqual(OWN_FLOOR);
  }, 120_000);

  // Written from outside (docs/conversation.md): the target, 95% of turns, is met on the ninth set
  // (scored once, never read) and on some read ones, not on the second and sixth (never read). The
  // figures are printed against it, and a change that loses turns they get right today fails.
  it.each([
    ['heldout-conversations-2026-12.jsonl', 155],
    ['heldout-conversations-2026-12b.jsonl', 163],
    ['heldout-conversations-2026-12c.jsonl', 178],
    ['heldout-conversations-2026-12d.jsonl', 176],
    ['heldout-conversations-2026-12e.jsonl', 154],
    ['heldout-conversations-2026-12f.jsonl', 192],
    ['heldout-conversations-2026-12g.jsonl', 173],
    ['heldout-conversations-2026-12h.jsonl', 177],
    ['heldout-conversations-2026-12j.jsonl', 237],
  ])('plays and scores %s (target 95% of turns), keeping what it gets right', async (file, floor) => {
    const at = path.join(__dirname, '../data', file);
    const scripts = readScripts(at);
    const s = report(`${file} (target 95%)`, scripts, await play(scripts, path.dirname(at)));
    expect(s.right).toBeGreaterThanOrEqual(floor);
  }, 120_000);

  (fs.existsSync(DEV) ? it : it.skip)('plays and scores the shared development set (skipped without ../shared beside the repository)', async () => {
    const scripts = readScripts(DEV);
    const s = report('shared dev set', scripts, await play(scripts, path.dirname(DEV)));
    expect(s.pct).toBeGreaterThanOrEqual(DEV_FLOOR);
  }, 120_000);
});

describe('the player', () => {
  it('presses a button by its full label, else the first containing the text, case-insensitive', () => {
    const buttons = [
      { label: 'Send to support', action: 'a' },
      { label: 'Send', action: 'b' },
    ];
    expect(findButton(buttons, 'send')?.action).toBe('b');
    expect(findButton(buttons, 'SUPPORT')?.action).toBe('a');
    expect(findButton(buttons, 'cancel')).toBeUndefined();
  });

  it('reports a press with no such button as that turn\'s error, and plays on', async () => {
    const scripts: Script[] = [{ id: 'p', channel: 'line', turns: [{ press: 'no such button' }, { say: 'lazada PASSWORD_NOT_MATCH' }] }];
    const [out] = await play(scripts, __dirname);
    expect(out!.turns[0]!.error).toMatch(/no button "no such button"/);
    expect(out!.turns[1]!.acts).toEqual(['answer:lazada-password-not-match', 'ask-feedback']);
  });

  it('the sample stores expire relative to the conversation\'s clock, so a script is answered the same on any day', async () => {
    const [played] = await play([{ id: 'expiring', channel: 'line', account: 'demo-expiring', turns: [{ say: 'เช็คสถานะร้านค่ะ' }] }], __dirname);
    const turn = played!.turns[0]!;
    expect(turn.acts![0]).toBe('status');
    // The player's clock starts on 1 December 2026; demo-expiring's store expires 3 days after "now".
    expect(turn.texts![0]).toContain('จะหมดอายุวันที่ 4 ธันวาคม 2569 (อีก 3 วัน)');
  });

  it('presses the LINE rich menu\'s buttons whatever the last reply offered: "My tickets" finds the ticket just filed', async () => {
    const handOver = ['ขอคุยกับเจ้าหน้าที่ค่ะ', 'ส่งเลยค่ะ', 'pim.shop@gmail.com', 'ข้ามค่ะ', 'ส่งค่ะ'].map((say) => ({ say }));
    const scripts: Script[] = [
      { id: 'line', channel: 'line', account: 'demo-active', turns: [...handOver, { press: 'เรื่องที่แจ้งไว้' }, { press: 'my tickets' }] },
      { id: 'web', channel: 'web', turns: [{ press: 'My tickets' }] },
      // Not linked: the menu without "My tickets", whose "Common problems" is the menu.
      { id: 'unlinked', channel: 'line', turns: [{ press: 'ปัญหาที่พบบ่อย' }, { press: 'My tickets' }] },
    ];
    const [line, web, unlinked] = await play(scripts, __dirname);
    const filed = line!.turns[4]!;
    expect(filed.acts).toEqual(['ticket', 'rating']);
    const ticket = /BS-[0-9A-Z]{6}/.exec(filed.texts!.join('\n'))![0];
    for (const listed of line!.turns.slice(5)) {
      expect(listed.acts).toEqual(['ticket', 'menu']);
      expect(listed.texts![0]).toContain(`${ticket} — `);
    }
    // The web widget has no rich menu.
    expect(web!.turns[0]!.error).toMatch(/no button "My tickets"/);
    expect(unlinked!.turns[0]!.acts).toEqual(['menu']);
    expect(unlinked!.turns[1]!.error).toMatch(/no button "My tickets"/);
  });
});

// A little under the scores of 2026-12-07 (docs/conversation.md), so that no change loses ground.
const OWN_FLOOR = 95;
const DEV_FLOOR = 95;
