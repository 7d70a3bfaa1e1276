import fs from 'node:fs';
import { startApp, type RunningApp } from '../../helpers/app-harness';
import { fetcherFor, openChat, type Activity } from '../../helpers/directline-chat';

/** A seller who types a problem in pieces in the web chat: the pieces are answered once. */
describe('a burst of messages in the web chat', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ MESSAGE_BURST_WAIT_MS: '700' });
  });
  afterAll(() => app.close());

  const answers = (all: Activity[]) => all.filter((a) => a.type === 'message' && a.from.role !== 'user' && a.replyToId);
  /** The answers once there are `n` replied-to messages and nothing more comes for a second (the wait is 0.7 s). */
  async function settled(chat: { activities(): Promise<Activity[]> }, n: number): Promise<Activity[]> {
    const end = Date.now() + 10_000;
    let last = '';
    let since = Date.now();
    for (;;) {
      const got = answers(await chat.activities());
      const key = got.map((a) => a.id).join(',');
      if (key !== last) [last, since] = [key, Date.now()];
      if (new Set(got.map((a) => a.replyToId)).size >= n && Date.now() - since > 1000) return got;
      if (Date.now() > end) throw new Error(`no settled answers: ${key}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('answers three pieces typed in a row once, replying to the last', async () => {
    const chat = await openChat(fetcherFor(app.base));
    const ids: string[] = [];
    for (const text of ['ร้านลาซาด้าค่ะ', 'เชื่อมต่อไม่ได้', 'มันขึ้นว่า password not match']) {
      const r = await chat.send(text);
      ids.push(((await r.json()) as { id: string }).id);
      await new Promise((r) => setTimeout(r, 150));
    }
    const replies = await settled(chat, 1);
    expect(new Set(replies.map((a) => a.replyToId))).toEqual(new Set([ids[2]]));
    expect(replies.map((a) => a.text ?? '').join('\n')).toMatch(/PASSWORD\\?_NOT\\?_MATCH/);
  });

  it('answers a message alone when the seller waits for the answer', async () => {
    const chat = await openChat(fetcherFor(app.base));
    await chat.send('shopee ขึ้นหมดอายุค่ะ');
    await settled(chat, 1);
    await chat.send('ยังไม่ได้ค่ะ');
    expect(new Set((await settled(chat, 2)).map((a) => a.replyToId)).size).toBe(2);
  });

  it('masks a password typed right after its announcement, while the piece before waits', async () => {
    const chat = await openChat(fetcherFor(app.base));
    for (const text of ['ลาซาด้าเชื่อมไม่ได้ค่ะ', 'นี่รหัสผ่านนะคะ', 'sunflowerbaby']) await chat.send(text);
    const replies = await settled(chat, 2);
    const all = JSON.stringify(await chat.activities());
    expect(all).not.toContain('sunflowerbaby');
    expect(replies.map((a) => a.text ?? '').join('\n')).toMatch(/รหัสผ่าน/);
    const dir = app.bot.db.name.replace(/\/[^/]+$/, '');
    for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('bot.sqlite'))) {
      expect({ f, holds: fs.readFileSync(`${dir}/${f}`).includes('sunflowerbaby') }).toEqual({ f, holds: false });
    }
  });
});
