import request from 'supertest';
import { signIdentity } from '../../../src/status/identity';
import { startApp, type RunningApp } from '../../helpers/app-harness';

/** The whole bot (sandbox connector included) behind Direct Line, as the widget uses it. */
describe('status check through Direct Line with a signed identity', () => {
  const SECRET = 'e2e-identity-secret';
  let app: RunningApp;
  let base: string;

  beforeAll(async () => {
    app = await startApp({ WEB_IDENTITY_SECRET: SECRET });
    base = app.base;
  });
  afterAll(() => app.close());

  async function chat(identity: string | undefined, text: string): Promise<string> {
    const gen = await request(base).post('/directline/tokens/generate').send(identity ? { identity } : {});
    const { token, conversationId } = gen.body;
    await request(base).post(`/directline/conversations/${conversationId}/activities`).set('authorization', `Bearer ${token}`).send({ type: 'message', text });
    // Done when the bot has answered and nothing new came for a moment.
    const end = Date.now() + 8000;
    let last = -1;
    let quietSince = Date.now();
    for (;;) {
      const r = await request(base).get(`/directline/conversations/${conversationId}/activities`).set('authorization', `Bearer ${token}`);
      const acts = r.body.activities as { type: string; text?: string; from?: { role?: string } }[];
      if (acts.length !== last) {
        last = acts.length;
        quietSince = Date.now();
      }
      const userAt = acts.findIndex((a) => a.from?.role === 'user');
      const answered = acts.slice(userAt + 1).some((a) => a.type === 'message');
      if ((answered && Date.now() - quietSince > 300) || Date.now() > end) {
        return acts.filter((a) => a.type === 'message').map((a) => a.text ?? '').join('\n');
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  it('diagnoses the expired store of a signed-in seller by name', async () => {
    const text = await chat(signIdentity('demo-expired', SECRET), 'ร้านหมดอายุ ต้องทำยังไงคะ');
    expect(text).toMatch(/ร้าน Shopee "ร้านแม่มณี" หมดอายุการเชื่อมต่อเมื่อ/);
  });

  it('names the known error code of the store (PASSWORD_NOT_MATCH)', async () => {
    const text = await chat(signIdentity('demo-password', SECRET), 'check my stores');
    expect(text).toMatch(/shows the error PASSWORD_NOT_MATCH/);
  });

  it('does not show the stores to a forged or expired identity', async () => {
    for (const identity of [signIdentity('demo-expired', 'forged-secret'), signIdentity('demo-expired', SECRET, -10)]) {
      const text = await chat(identity, 'ร้านหมดอายุ ต้องทำยังไงคะ');
      expect(text).not.toMatch(/ร้านแม่มณี/);
      expect(text).toMatch(/หมดอายุ/); // the knowledge base still answers
    }
  });

  it('cannot name another account in the message to see its stores', async () => {
    const text = await chat(undefined, 'check stores of account demo-expired');
    expect(text).not.toMatch(/ร้านแม่มณี/);
    expect(text).toMatch(/logging in to BigSeller/);
  });

  it('counts the turns it handled in /metrics', async () => {
    const m = await request(base).get('/metrics');
    expect(m.text).toMatch(/bot_turn_duration_seconds_count\{channel="web"\} [1-9]/);
    expect(m.text).toMatch(/bot_status_checks_total\{result="ok"\} [1-9]/);
  });
});
