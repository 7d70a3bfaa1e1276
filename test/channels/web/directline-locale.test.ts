import { toActivities } from '../../../src/channels/web/render';
import { startApp, type RunningApp } from '../../helpers/app-harness';

/**
 * A bot activity's locale is the language of the reply, as the conversation core chose it; the
 * client's locale is only the hint the conversation starts from. The seller's own activity keeps
 * the locale the client sent.
 */

type Activity = Record<string, any>;

describe('the locale of the bot activities through the whole bot', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  async function chat(locale: string) {
    const opened = await (
      await fetch(`${app.base}/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale }) })
    ).json();
    const headers = { authorization: `Bearer ${opened.token}`, 'content-type': 'application/json' };
    const url = `${app.base}/directline/conversations/${opened.conversationId}/activities`;
    const all = async (): Promise<Activity[]> => (await (await fetch(url, { headers })).json()).activities;
    return {
      all,
      /** Sends a message and returns the user's activity and the bot's answers to it. */
      say: async (text: string) => {
        const { id } = await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text, locale }) })).json();
        const end = Date.now() + 8000;
        for (;;) {
          const acts = await all();
          const answers = acts.filter((a) => a.replyToId === id && a.type === 'message');
          if (answers.length > 0 || Date.now() > end) return { mine: acts.find((a) => a.id === id)!, answers };
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };
  }

  it('answers an English question on a Thai page in English, with en-US; the seller keeps th-TH', async () => {
    const c = await chat('th-TH');
    const welcome = (await c.all()).filter((a) => a.type === 'message');
    expect(welcome.length).toBeGreaterThan(0);
    expect(welcome.map((a) => a.locale)).toEqual(welcome.map(() => 'th-TH'));
    const { mine, answers } = await c.say('My Shopee store is disconnected, how do I reconnect it?');
    expect(mine.locale).toBe('th-TH');
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.map((a) => a.locale)).toEqual(answers.map(() => 'en-US'));
    expect(answers.map((a) => a.text ?? '').join(' ')).not.toMatch(/[\u0E00-\u0E7F]/);
  });

  it('answers Thai in Thai with th-TH, also on an English page', async () => {
    const thai = await chat('th-TH');
    const onThai = await thai.say('ร้าน shopee หลุด ต้องเชื่อมต่อใหม่ยังไงคะ');
    expect(onThai.answers.length).toBeGreaterThan(0);
    expect(onThai.answers.map((a) => a.locale)).toEqual(onThai.answers.map(() => 'th-TH'));

    const english = await chat('en-GB');
    const welcome = (await english.all()).filter((a) => a.type === 'message');
    expect(welcome.map((a) => a.locale)).toEqual(welcome.map(() => 'en-US'));
    const onEnglish = await english.say('ร้าน shopee หลุด ต้องเชื่อมต่อใหม่ยังไงคะ');
    expect(onEnglish.mine.locale).toBe('en-GB');
    expect(onEnglish.answers.map((a) => a.locale)).toEqual(onEnglish.answers.map(() => 'th-TH'));
  });
});

describe('toActivities locale', () => {
  const ctx = { conversationId: 'c', botId: 'bot', locale: 'th-TH' };
  it("takes each message's language, and the client's hint only for a message that has none", () => {
    const acts = toActivities(
      [
        { type: 'text', text: 'Hello', act: 'menu', lang: 'en' },
        { type: 'choices', text: 'เลือก', choices: [], act: 'menu', lang: 'th' },
        { type: 'text', text: 'no language', act: 'error' },
      ],
      ctx,
    );
    expect(acts.map((a) => a.locale)).toEqual(['en-US', 'th-TH', 'th-TH']);
    expect(toActivities([{ type: 'text', text: 'x', act: 'error' }], { conversationId: 'c', botId: 'bot' })[0]).not.toHaveProperty('locale');
  });
});
