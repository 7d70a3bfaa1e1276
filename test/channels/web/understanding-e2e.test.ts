import { signIdentity } from '../../../src/status/identity';
import { startApp, type RunningApp } from '../../helpers/app-harness';
import { fetcherFor, openChat, type Chat } from '../../helpers/directline-chat';

/**
 * The seller understood after the first message, through Direct Line as the widget uses it:
 * a store question from a signed-in seller, "can X be connected?", a slipped e-mail address.
 */
describe('understanding the seller through Direct Line', () => {
  const SECRET = 'e2e-understanding-secret';
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp({ WEB_IDENTITY_SECRET: SECRET });
  });
  afterAll(() => app.close());

  /** Sends one message and returns the bot's messages that answer it (once nothing new comes for a moment). */
  async function say(chat: Chat, text: string): Promise<string> {
    const before = (await chat.botTexts()).length;
    expect((await chat.send(text)).status).toBe(200);
    const end = Date.now() + 8000;
    let seen = before;
    let quietSince = Date.now();
    for (;;) {
      const texts = await chat.botTexts();
      if (texts.length !== seen) {
        seen = texts.length;
        quietSince = Date.now();
      }
      if ((seen > before && Date.now() - quietSince > 300) || Date.now() > end) return texts.slice(before).join('\n');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('tells a signed-in seller that the Lazada store is fine, then the Shopee one', async () => {
    const chat = await openChat(fetcherFor(app.base), { identity: signIdentity('demo-active', SECRET), locale: 'en' });
    expect(await say(chat, 'is my lazada ok?')).toMatch(/Lazada store "Wichai Official" is connected and working/);
    expect(await say(chat, 'and shopee?')).toMatch(/Shopee store "วิชัยการค้า" (is connected and working|ของคุณเชื่อมต่ออยู่)/);
  });

  it('answers "can WooCommerce be connected?" with the supported platforms', async () => {
    const chat = await openChat(fetcherFor(app.base));
    expect(await say(chat, 'woocommerce เชื่อมกับ bigseller ได้ไหมครับ')).toMatch(/WooCommerce/);
    const texts = await say(chat, 'แล้ว amazon ล่ะ');
    expect(texts).not.toMatch(/น้องบิ๊กช่วยได้เฉพาะ/);
  });

  it('asks "did you mean gmail.com?" for a slipped address and takes the typed yes', async () => {
    const chat = await openChat(fetcherFor(app.base), { locale: 'en' });
    await say(chat, 'lazada PASSWORD_NOT_MATCH');
    await say(chat, 'talk to support please');
    expect(await say(chat, 'yes')).toMatch(/e-mail/i);
    expect(await say(chat, 'somchai.shop@gmial.con')).toMatch(/Did you mean somchai\.shop@gmail\.com\?/);
    await say(chat, 'yes');
    expect(await say(chat, 'skip')).toMatch(/somchai\.shop@gmail\.com/);
  });
});
