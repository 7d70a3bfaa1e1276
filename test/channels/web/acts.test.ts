import request from 'supertest';
import { startApp, type RunningApp } from '../../helpers/app-harness';

/** Every bot activity on Direct Line names its act (channelData.act, ../shared/CONTRACTS.md). */
const ACTS = new Set([
  'menu', 'clarify', 'ask-platform', 'no-article', 'ask-more', 'ask-feedback', 'resolved', 'out-of-scope', 'small-talk', 'language',
  'secret-warning', 'handover-offer', 'ask-email', 'ask-description', 'handover-summary', 'ticket', 'handover-cancelled', 'ask-link',
  'link-done', 'link-failed', 'status', 'image-received', 'unsupported', 'rating', 'expiry-warning', 'error',
]);
const known = (act: unknown) => typeof act === 'string' && (ACTS.has(act) || /^answer:[a-z0-9-]+$/.test(act));

describe('acts on Direct Line activities, through the real bot', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('tags the welcome, an article, its question, a secret warning and the hand-over with their acts', async () => {
    const { token, conversationId } = (await request(app.base).post('/directline/tokens/generate').send({})).body;
    const say = (text: string) =>
      request(app.base).post(`/directline/conversations/${conversationId}/activities`).set('authorization', `Bearer ${token}`).send({ type: 'message', from: { id: 'u' }, text });
    for (const text of ['lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ', 'password: Mango99!x', 'ขอคุยกับเจ้าหน้าที่ค่ะ']) {
      expect((await say(text)).status).toBe(200);
    }
    let bot: Record<string, any>[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await request(app.base).get(`/directline/conversations/${conversationId}/activities`).set('authorization', `Bearer ${token}`);
      bot = (r.body.activities as Record<string, any>[]).filter((a) => a.type === 'message' && a.from?.role === 'bot');
      if (bot.some((a) => a.channelData?.act === 'handover-offer')) break;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const acts = bot.map((a) => a.channelData?.act);
    expect(acts.every(known)).toBe(true);
    expect(acts).toEqual(expect.arrayContaining(['menu', 'answer:lazada-password-not-match', 'ask-feedback', 'secret-warning', 'handover-offer']));
    expect(acts.indexOf('answer:lazada-password-not-match')).toBeLessThan(acts.indexOf('ask-feedback'));
  });
});
