import { startLineApp, type LineApp } from '../../helpers/line-app';
import { lineEvent, lineLimitProblems, textEvent } from './fake-line-api';

/**
 * The seller understood after the first message, through LINE's signed webhook: a slipped
 * e-mail address asked about with quick replies, the fix taken from the button's postback, and
 * an answer whose picture slots have no picture sent without them.
 */
describe('understanding the seller on LINE', () => {
  let line: LineApp;
  beforeAll(async () => {
    line = await startLineApp();
  });
  afterAll(() => line.close());

  it('asks "did you mean gmail.com?" with quick replies, and the button fixes the address', async () => {
    await line.deliver(textEvent('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ'));
    await line.deliver(textEvent('ขอคุยกับเจ้าหน้าที่ค่ะ'));
    expect(await line.deliver(textEvent('ส่งเลยค่ะ'))).toMatch(/อีเมลไหน/);
    const asked = await line.deliver(textEvent('ploy.shop@gmial.con'));
    expect(asked).toMatch(/ploy\.shop@gmail\.com/);
    expect(asked).toContain('handover:email-fix');
    const next = await line.deliver(lineEvent({ type: 'postback', postback: { data: 'handover:email-fix' } }));
    expect(next).toMatch(/เล่าปัญหา/);
    expect(await line.deliver(textEvent('ข้ามค่ะ'))).toMatch(/ploy\.shop@gmail\.com/);
  });

  it('sends an answer without picture slots that have no picture, within LINE\'s limits', async () => {
    const sent = await line.deliver(textEvent('ร้านช้อปปี้ otp ไม่เข้าค่ะ'));
    expect(sent).toMatch(/OTP/);
    expect(sent).not.toContain('🖼');
    const replies = line.fake.calls.filter((c) => c.path.endsWith('/message/reply')).map((c) => c.body);
    for (const r of replies) expect(lineLimitProblems(r.messages)).toEqual([]);
  });
});
