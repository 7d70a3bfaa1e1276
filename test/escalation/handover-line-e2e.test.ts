import { lineEvent, textEvent, type FakeLineApi } from '../channels/line/fake-line-api';
import { startLineApp, type LineApp } from '../helpers/line-app';
import { Mailbox } from '../helpers/mailbox';
import { freePort } from '../helpers/server-process';

/** The hand-over through LINE: signed webhooks in, one parsed e-mail out, the screenshot attached. */
describe('hand-over by e-mail through LINE', () => {
  jest.setTimeout(60_000);
  let mailbox: Mailbox;
  let line: LineApp;
  let fake: FakeLineApi;

  beforeAll(async () => {
    mailbox = new Mailbox(await freePort());
    await mailbox.start();
    line = await startLineApp({ SMTP_URL: `smtp://127.0.0.1:${mailbox.port}` });
    fake = line.fake;
  });
  afterAll(async () => {
    await line.close();
    await mailbox.stop();
  });

  const deliver = (...events: Record<string, unknown>[]) => line.deliver(...events);

  it('collects the case on LINE and mails it once, screenshot attached, secrets absent', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    fake.content.set('img-1', { data: png, contentType: 'image/png' });
    await deliver(lineEvent({ message: { id: 'img-1', type: 'image', contentProvider: { type: 'line' } } }));
    expect(await deliver(textEvent('ลาซาด้าขึ้น INTERNAL_DATA_ERROR ค่ะ รหัสผ่านคือ Abc12345!'))).toMatch(/INTERNAL_DATA_ERROR/);
    expect(await deliver(lineEvent({ type: 'postback', postback: { data: 'feedback:no' } }))).toMatch(/handover:start/);
    expect(await deliver(lineEvent({ type: 'postback', postback: { data: 'handover:start' } }))).toMatch(/อีเมลไหน/);
    await deliver(textEvent('shop.owner@example.co.th'));
    await deliver(textEvent('ร้าน LZ ของฉันเชื่อมไม่ได้ otp 112233'));
    const done = await deliver(lineEvent({ type: 'postback', postback: { data: 'handover:confirm' } }));
    const ticket = /BS-[0-9A-Z]{6}/.exec(done)![0];

    const [mail] = await mailbox.waitFor(1);
    expect(mailbox.mails).toHaveLength(1);
    expect(mail.subject).toContain(ticket);
    expect(mail.replyTo?.text).toContain('shop.owner@example.co.th');
    expect(mail.text).toMatch(/Channel: line/);
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['image/png']);
    const all = `${mail.text}\n${mail.html}`;
    expect(all).not.toContain('Abc12345');
    expect(all).not.toContain('112233');
  });

  it('answers the rich menu\'s "My tickets" with the ticket handed over, mailed, and its reply address masked', async () => {
    const source = { source: { type: 'user', userId: 'U1234567890abcdef1234567890abcdef' } };
    const postback = (data: string) => deliver(lineEvent({ type: 'postback', postback: { data }, ...source }));
    const sender = line.app.bot.sender;
    const sent = sender.counters.sent;
    await deliver(textEvent('ขอคุยกับเจ้าหน้าที่ค่ะ', source));
    await postback('handover:start');
    await deliver(textEvent('pim.shop@example.com', source));
    await postback('handover:skip');
    const ticket = /BS-[0-9A-Z]{6}/.exec(await postback('handover:confirm'))![0];
    // Mailed and recorded as sent (the mailbox may have it a moment before the outbox knows).
    for (let i = 0; i < 300 && sender.counters.sent === sent; i++) await new Promise((r) => setTimeout(r, 50));

    const listed = await postback('tickets');
    expect(listed).toContain(`${ticket} — แจ้งเมื่อ`);
    expect(listed).toContain('ส่งถึงทีมซัพพอร์ตแล้ว ทีมจะตอบกลับทางอีเมล p***@example.com ค่ะ');
    expect(listed).not.toContain('pim.shop@example.com');
    // The first seller's ticket is theirs alone.
    expect(listed.match(/BS-[0-9A-Z]{6}/g)).toEqual([ticket]);
  });
});
