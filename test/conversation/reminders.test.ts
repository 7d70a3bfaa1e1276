import Database from 'better-sqlite3';
import type { OutMessage, Turn } from '../../src/conversation/messages';
import { BotService } from '../../src/conversation/service';
import { SqliteConversationStore } from '../../src/storage/conversation-store';
import { core, plain } from './recording-channel';

/**
 * "Stop reminders" / "remind me": the core reads the phrasings (knowledge/replies.yaml's cues
 * stop-reminders and resume-reminders) and the warning's buttons, asks its caller to save the
 * choice (effect set-reminders), and confirms in the conversation's language.
 */
describe('proactive reminders off and on', () => {
  let saved: { user: string; on: boolean }[];
  let failing: boolean;
  let bot: BotService;
  let n = 0;

  beforeEach(() => {
    saved = [];
    failing = false;
    bot = new BotService({
      core,
      store: new SqliteConversationStore(new Database(':memory:')),
      idleTtlSeconds: 3600,
      setReminders: async (turn, on) => {
        if (failing) throw new Error('storage down');
        saved.push({ user: turn.userId, on });
      },
    });
  });

  const turn = (part: Partial<Turn>, line = true): Promise<OutMessage[]> => {
    const id = `U${++n}`;
    return bot.handle({ channel: line ? 'line' : 'web', conversationId: id, userId: id, kind: 'message', at: '2026-11-28T03:00:00Z', ...(line ? { accountLinking: true } : {}), ...part });
  };

  it.each([
    ['ไม่ต้องเตือนแล้วค่ะ', false],
    ['ไม่ต้องให้เตือนแล้วนะ', false],
    ['หยุดเตือนได้แล้ว', false],
    ['ไม่ต้องเตือนแล้ว ขอบคุณค่ะ', false],
    ['please stop reminders', false],
    ["don't remind me", false],
    ['no more reminders thanks', false],
    ['เตือนด้วยนะคะ', true],
    ['เปิดการแจ้งเตือนให้หน่อยครับ', true],
    ['remind me again please', true],
  ])('"%s": reminders on = %s', async (text, on) => {
    const out = await turn({ text });
    expect(saved).toEqual([{ user: `U${n}`, on }]);
    expect(out.map((m) => m.act)).toEqual(['expiry-warning']);
  });

  it('confirms in the conversation\'s language, and says how to turn them back on', async () => {
    expect(plain(await turn({ text: 'ไม่ต้องเตือนแล้วค่ะ' }))).toMatch(/จะไม่ส่งการแจ้งเตือน.*"เตือนด้วย"/);
    expect(plain(await turn({ text: 'stop reminders' }))).toMatch(/won't send you store expiry reminders.*"remind me"/);
    expect(plain(await turn({ text: 'เตือนด้วยค่ะ', accountId: 'demo-expiring' }))).toMatch(/เปิดการแจ้งเตือนแล้ว.*"ไม่ต้องเตือน"/);
  });

  it('tells a seller whose LINE is not linked that the warnings need a link, rather than promising them', async () => {
    const th = plain(await turn({ text: 'เตือนด้วยค่ะ' }));
    expect(th).toContain('เฉพาะ LINE ที่เชื่อมกับบัญชี BigSeller');
    expect(th).not.toContain('เปิดการแจ้งเตือนแล้ว');
    expect(plain(await turn({ text: 'remind me please' }))).toContain('Type "link account"');
    // The choice is kept all the same: it holds once they link.
    expect(saved.map((x) => x.on)).toEqual([true, true]);
  });

  it('the warning\'s buttons: reminders:off and reminders:on; another argument is no choice', async () => {
    await turn({ kind: 'action', action: 'reminders:off', text: undefined });
    await turn({ kind: 'action', action: 'reminders:on', text: undefined });
    expect(saved.map((s) => s.on)).toEqual([false, true]);
    const other = await turn({ kind: 'action', action: 'reminders:maybe', text: undefined });
    expect(saved).toHaveLength(2);
    expect(other.map((m) => m.act)).toEqual(['menu']);
  });

  it('is no command where there are no reminders (the web chat), nor about a platform\'s own notifications', async () => {
    expect((await turn({ text: 'stop reminders' }, false)).map((m) => m.act)).not.toContain('expiry-warning');
    expect((await turn({ text: 'ปิดแจ้งเตือน shopee ยังไงคะ' })).map((m) => m.act)).not.toContain('expiry-warning');
    expect((await turn({ text: 'ได้รับแจ้งเตือนจาก lazada ว่าร้านหมดอายุ' })).map((m) => m.act)).not.toContain('expiry-warning');
    expect((await turn({ text: 'ไม่ต้องให้ส่งแจ้งเตือนด้วย' })).map((m) => m.act)).not.toContain('expiry-warning');
    expect(saved.filter((s) => s.on)).toEqual([]);
  });

  it('says so when the choice could not be saved', async () => {
    failing = true;
    const out = await turn({ text: 'ไม่ต้องเตือนแล้ว' });
    expect(out.map((m) => m.act)).toEqual(['error']);
    expect(plain(out)).toMatch(/บันทึกการตั้งค่าการแจ้งเตือนไม่ได้/);
  });
});
