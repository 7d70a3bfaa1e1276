import request from 'supertest';
import { startLineApp, type LineApp } from '../../helpers/line-app';
import { lineEvent, sign, textEvent } from './fake-line-api';

/**
 * A seller who types a problem in pieces, through LINE's signed webhook, each piece its own
 * request as LINE sends them: the pieces are answered once, with the dots shown meanwhile.
 */
describe('a burst of messages on LINE', () => {
  let line: LineApp;
  beforeAll(async () => {
    line = await startLineApp({ MESSAGE_BURST_WAIT_MS: '700' });
  });
  afterAll(() => line.close());

  const post = async (event: Record<string, unknown>) => {
    const body = JSON.stringify({ destination: 'Uxxx', events: [event] });
    const r = await request(line.app.base).post('/webhooks/line').set('content-type', 'application/json').set('x-line-signature', sign(body)).send(body);
    expect(r.status).toBe(200);
  };
  const replies = () => line.fake.calls.filter((c) => c.path.endsWith('/message/reply'));

  it('answers four pieces typed in a row with one answer to all of them', async () => {
    const before = replies().length;
    const loadingBefore = line.fake.calls.filter((c) => c.path.endsWith('/loading/start')).length;
    const pieces = ['ร้านลาซาด้าค่ะ', 'เชื่อมต่อไม่ได้', 'มันขึ้นว่า password not match', 'ช่วยหน่อยนะคะ'];
    for (const text of pieces) {
      await post(textEvent(text));
      await new Promise((r) => setTimeout(r, 150));
    }
    await line.app.bot.line!.idle();
    const sent = replies().slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0].body)).toContain('PASSWORD_NOT_MATCH');
    // The last piece's reply token answers; the dots were on while the bot waited.
    expect(line.fake.calls.filter((c) => c.path.endsWith('/loading/start')).length).toBeGreaterThan(loadingBefore);
  });

  it('answers a message alone when the seller waits, and a button at once', async () => {
    const before = replies().length;
    await post(textEvent('shopee ขึ้นหมดอายุค่ะ'));
    await line.app.bot.line!.idle();
    await post(lineEvent({ type: 'postback', postback: { data: 'feedback:no' } }));
    await line.app.bot.line!.idle();
    const sent = replies().slice(before).map((c) => JSON.stringify(c.body));
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/หมดอายุ|Expired/);
  });

  it('never keeps a password in the burst, and answers it alone with the warning', async () => {
    const before = replies().length;
    await post(textEvent('ลาซาด้าเชื่อมไม่ได้ค่ะ'));
    await post(textEvent('รหัสผ่านคือ Ploy#2024shop'));
    await line.app.bot.line!.idle();
    const sent = replies().slice(before).map((c) => JSON.stringify(c.body));
    expect(sent).toHaveLength(2);
    expect(sent.join('\n')).not.toContain('Ploy#2024shop');
    expect(sent[1]).toMatch(/รหัสผ่าน/);
  });
});
