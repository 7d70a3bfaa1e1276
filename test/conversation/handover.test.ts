import { runTurn } from '../../src/conversation/engine';
import { toEmailQuestion, toSummary } from '../helpers/handover-walk';
import { choicesOf, core, plain, RecordingChannel } from './recording-channel';

const acts = (out: { act: string }[]) => out.map((m) => m.act);

describe('hand-over to support', () => {
  it('collects a validated e-mail and a description, confirms a summary, then gives the ticket', async () => {
    const ch = new RecordingChannel();
    await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH ตอนเชื่อมร้าน');
    await ch.press('feedback:no');
    await ch.press('feedback:no');
    const ask = await ch.press('handover:start');
    expect(plain(ask)).toMatch(/อีเมลไหน/);
    const bad = await ch.send('my email is seller-at-gmail');
    expect(plain(bad)).toMatch(/ไม่ถูกต้อง/);
    const desc = await ch.send('อีเมลคือ seller@shop.co.th ค่ะ');
    expect(plain(desc)).toMatch(/เล่าปัญหาสั้น/);
    const summary = await ch.send('ร้าน MyShop เชื่อม lazada ไม่ได้ รหัสผ่าน Hunter2! ก็ใส่ถูกแล้ว');
    const text = plain(summary);
    expect(text).toMatch(/seller@shop\.co\.th/);
    expect(text).toMatch(/Lazada/);
    expect(text).toMatch(/PASSWORD_NOT_MATCH/);
    expect(text).not.toContain('Hunter2');
    expect(choicesOf(summary).map((c) => c.action)).toEqual(['handover:confirm', 'handover:email', 'handover:cancel']);
    expect(ch.cases).toHaveLength(0);

    const done = await ch.press('handover:confirm');
    expect(plain(done)).toMatch(/BS-TEST01/);
    expect(ch.cases).toHaveLength(1);
    const c = ch.cases[0];
    expect(c).toMatchObject({
      contactEmail: 'seller@shop.co.th',
      channel: 'test',
      userKey: 'test:u1',
      platforms: ['lazada'],
      errorCodes: ['PASSWORD_NOT_MATCH'],
      lang: 'th',
    });
    expect(c.articlesTried[0]).toMatchObject({ topic: 'lazada-password-not-match', outcome: 'not fixed' });
    expect(c.problem).toMatch(/MyShop/);
    // The whole conversation, from its first message, though each turn stored only its own lines.
    expect(c.transcript[0]).toMatchObject({ from: 'user', text: 'lazada ขึ้น PASSWORD_NOT_MATCH ตอนเชื่อมร้าน' });
    expect(c.transcript.filter((e) => e.from === 'user').map((e) => e.text)).toContain('อีเมลคือ seller@shop.co.th ค่ะ');
    expect(JSON.stringify(c)).not.toContain('Hunter2');
    expect((await ch.state())?.ticket?.id).toBe('BS-TEST01');
    expect(ch.events).toContainEqual({ type: 'ticket', ticket: 'BS-TEST01', existing: false, limited: false });
  });

  it('answers a turn handled again (same replay id) as the first time, without filing a second case', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับคน', { replayId: 'ev-1' });
    await ch.press('handover:start', { replayId: 'ev-2' });
    const ask = await ch.send('a@b.co', { replayId: 'ev-3' });
    // An instance died after saving this turn and before sending its answer: the next one asks again.
    expect(await ch.send('a@b.co', { replayId: 'ev-3' })).toEqual(ask);
    await ch.press('handover:skip', { replayId: 'ev-4' });
    const done = await ch.press('handover:confirm', { replayId: 'ev-5' });
    const before = await ch.state();
    expect(await ch.press('handover:confirm', { replayId: 'ev-5' })).toEqual(done);
    expect(ch.cases).toHaveLength(1);
    expect(await ch.state()).toEqual(before);
    // Same words under a new id are a new message, not a replay.
    const again = await ch.press('handover:confirm', { replayId: 'ev-6' });
    expect(again).not.toEqual(done);
  });

  it('does not run an older message again once newer ones were handled (it was answered then)', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับคน', { replayId: 'ev-1' });
    await ch.press('handover:start', { replayId: 'ev-2' });
    await ch.send('a@b.co', { replayId: 'ev-3' });
    const before = await ch.state();
    expect(before?.draft?.step).toBe('description');
    // ev-2 comes back from the inbox of an instance that died before marking it done.
    expect(await ch.press('handover:start', { replayId: 'ev-2' })).toEqual([]);
    expect(await ch.state()).toEqual(before);
    expect(plain(await ch.send('ร้าน Shopee เชื่อมไม่ได้', { replayId: 'ev-4' }))).toMatch(/ตรวจสอบก่อนส่ง/);
  });

  it('takes the platform and error code from the description when the chat never named them', async () => {
    const ch = new RecordingChannel();
    await toEmailQuestion(ch, 'ขอคุยกับคน');
    await ch.send('a@b.co');
    const summary = plain(await ch.send('ร้านใน Lazada ขึ้น PASSWORD_NOT_MATCH ตลอดเลยค่ะ'));
    expect(summary).toMatch(/แพลตฟอร์ม: Lazada/);
    expect(summary).toMatch(/รหัสข้อผิดพลาด: PASSWORD_NOT_MATCH/);
    await ch.press('handover:confirm');
    expect(ch.cases[0]).toMatchObject({ platforms: ['lazada'], errorCodes: ['PASSWORD_NOT_MATCH'] });
  });

  it('says so when the seller already has a ticket', async () => {
    const ch = new RecordingChannel();
    ch.escalation = async () => ({ ticket: 'BS-OLD001', existing: true, limited: false });
    await ch.send('ขอคุยกับคน');
    await toSummary(ch, 'a@b.co');
    const out = await ch.press('handover:confirm');
    expect(plain(out)).toMatch(/BS-OLD001/);
    expect(plain(out)).toMatch(/ไม่ส่งซ้ำ/);
  });

  it('takes a typed yes to the offer and to the summary, a typed no or an e-mail address to the offer and a typed skip for the description', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับเจ้าหน้าที่');
    expect(plain(await ch.send('ใช่ค่ะ'))).toMatch(/อีเมลไหน/);
    await ch.send('seller@shop.co.th');
    expect(plain(await ch.send('เชื่อม shopee ไม่ได้ค่ะ'))).toMatch(/seller@shop\.co\.th/);
    expect(plain(await ch.send('ส่งเลยค่ะ'))).toMatch(/BS-TEST01/);
    expect(ch.cases).toHaveLength(1);

    const en = new RecordingChannel('c2');
    await en.send('I want to talk to a human');
    expect(plain(await en.send('no'))).toMatch(/nothing was sent/);
    expect(en.events).toContainEqual({ type: 'handover-cancelled' });

    // "skip" typed for the optional description skips it, as the button does.
    const skipper = new RecordingChannel('c4');
    await skipper.send('my tiktok shop connection expired');
    await skipper.send('I want to talk to a human');
    await skipper.send('yes');
    await skipper.send('seller@example.com');
    const summary = plain(await skipper.send('skip'));
    expect(summary).toMatch(/Please check/);
    expect(summary).not.toMatch(/Problem: skip/);
    expect((await skipper.state())?.draft?.description || undefined).toBeUndefined();

    // A bare yes to the description question goes ahead without one; filler asks it again.
    const agreeing = new RecordingChannel('c6');
    await agreeing.send('ร้าน tiktok ต่ออายุไม่ได้ค่ะ');
    await agreeing.send('อยากคุยกับเจ้าหน้าที่');
    await agreeing.send('ใช่ค่ะ');
    await agreeing.send('mani@example.com');
    expect(plain(await agreeing.send('อืม'))).toMatch(/เล่าปัญหาสั้น/);
    expect((await agreeing.state())?.draft?.step).toBe('description');
    const agreed = plain(await agreeing.send('ใช่ค่ะ'));
    expect(agreed).toMatch(/ปัญหา: ร้าน tiktok ต่ออายุไม่ได้ค่ะ/);
    expect((await agreeing.state())?.draft?.step).toBe('confirm');
    expect((await agreeing.state())?.draft?.description || undefined).toBeUndefined();
    for (const yes of ['ok', 'yes please', 'send it', 'โอเคค่ะ', 'ส่งเลยค่ะ']) {
      const other = new RecordingChannel(`c6-${yes}`);
      await other.send('talk to a human');
      await other.send('seller@example.com');
      await other.send(yes);
      const h = (await other.state())?.draft;
      expect([yes, h?.step, h?.description || undefined]).toEqual([yes, 'confirm', undefined]);
    }
    // A sentence after the yes is the description.
    const described = new RecordingChannel('c7');
    await described.send('talk to a human');
    await described.send('seller@example.com');
    expect(plain(await described.send('ok my shopee shop shows expired'))).toMatch(/Problem: ok my shopee shop shows expired/);

    // An e-mail address typed at the offer is a yes with the address.
    const quick = new RecordingChannel('c5');
    await quick.send('talk to a human');
    expect(plain(await quick.send('seller@example.com'))).toMatch(/what is the problem/);
    expect((await quick.state())?.draft).toMatchObject({ step: 'description', email: 'seller@example.com' });

    // A sentence about the problem is not an answer to the offer: it is matched as usual.
    const third = new RecordingChannel('c3');
    await third.send('ขอคุยกับเจ้าหน้าที่');
    expect((await third.send('ไม่ได้รับ otp จาก shopee')).some((m) => m.type === 'steps')).toBe(true);
    expect(third.cases).toHaveLength(0);
  });

  it('takes "send it to support" as agreeing: what is sent, then the e-mail question, Cancel still there', async () => {
    const ch = new RecordingChannel();
    await ch.send('my lazada store says INTERNAL_DATA_ERROR');
    const en = await ch.send('ok send it to support');
    expect(en.map((m) => m.act)).toEqual(['ask-email', 'ask-email']);
    expect(plain(en)).toMatch(/send your case to BigSeller support by e-mail[\s\S]*which e-mail/i);
    expect(choicesOf(en).map((c) => c.action)).toEqual(['handover:cancel']);
    const th = new RecordingChannel('c-th');
    await th.send('lazada ขึ้น PASSWORD_NOT_MATCH');
    expect((await th.send('ค่ะ ส่งให้ทีมซัพพอร์ตเลยค่ะ')).map((m) => m.act)).toEqual(['ask-email', 'ask-email']);
    expect(ch.events).toContainEqual({ type: 'handover-offered', reason: 'asked' });
    expect(ch.cases).toHaveLength(0);
  });

  it('takes "forward it", "pass this to support" and "escalate" as agreeing too', async () => {
    for (const [i, words] of ['please pass this to support', 'can you forward my case to support?', 'ok escalate it'].entries()) {
      const ch = new RecordingChannel(`forward-${i}`);
      await ch.send('my lazada store says INTERNAL_DATA_ERROR');
      expect({ words, acts: (await ch.send(words)).map((m) => m.act) }).toEqual({ words, acts: ['ask-email', 'ask-email'] });
    }
  });

  it('starts at the e-mail question when a person is asked for with "send" in the same words', async () => {
    for (const [i, words] of ['อยากส่งเรื่องให้เจ้าหน้าที่ค่ะ', 'please send my case to the support team'].entries()) {
      const ch = new RecordingChannel(`ask-and-send-${i}`);
      expect({ words, acts: (await ch.send(words)).map((m) => m.act) }).toEqual({ words, acts: ['ask-email', 'ask-email'] });
    }
    const asked = new RecordingChannel('ask-only');
    expect((await asked.send('ขอคุยกับเจ้าหน้าที่ค่ะ')).map((m) => m.act)).toContain('handover-offer');
  });

  it('takes details typed at the offer as a yes with the description', async () => {
    const ch = new RecordingChannel();
    await ch.send('my lazada store says INTERNAL_DATA_ERROR');
    expect(choicesOf(await ch.send('can I talk to a person')).map((c) => c.action)).toEqual(['handover:start', 'handover:cancel']);
    expect(plain(await ch.send('the shop is LZ-Bangkok, main account email changed last week'))).toMatch(/which e-mail/i);
    const summary = plain(await ch.send('lz@shop.example'));
    expect(summary).toMatch(/Problem: the shop is LZ-Bangkok, main account email changed last week/);
    await ch.send('send');
    expect(ch.cases[0]).toMatchObject({ problem: 'the shop is LZ-Bangkok, main account email changed last week', contactEmail: 'lz@shop.example' });
  });

  it('answers a problem typed at the e-mail question, and does not take an off-topic question at the offer for details', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับเจ้าหน้าที่');
    await ch.send('ใช่ค่ะ');
    const out = await ch.send('ร้าน lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ');
    expect(ch.events).toContainEqual({ type: 'answered', topic: 'lazada-password-not-match' });
    expect(plain(out)).not.toMatch(/ไม่ถูกต้อง/);
    expect((await ch.state())?.draft).toBeUndefined();

    const offTopic = new RecordingChannel('c2');
    await offTopic.send('talk to a human');
    await offTopic.send('how do I print shipping labels in bigseller');
    expect((await offTopic.state())?.draft).toMatchObject({ step: 'offer' });
    expect((await offTopic.state())?.draft?.description || undefined).toBeUndefined();
  });

  it('takes an e-mail address typed out of the blue as a wish to hear from support, and remembers it', async () => {
    const ch = new RecordingChannel();
    await ch.send('ร้าน woocommerce เชื่อมไม่ได้ ขึ้น 401');
    // The hand-over goes ahead, straight to the description: the address is known; Cancel stays.
    const next = await ch.send('wc@shop.co.th ค่ะ');
    expect(acts(next)).toEqual(['ask-description', 'ask-description']);
    expect(plain(next)).toMatch(/เล่าปัญหาสั้น ๆ/);
    expect(choicesOf(next).map((c) => c.action)).toEqual(['handover:skip', 'handover:cancel']);
    const summary = plain(await ch.press('handover:skip'));
    expect(summary).toMatch(/อีเมลตอบกลับ: wc@shop\.co\.th/);
  });

  it('at the summary, asks what to add when the seller wants to change the description, and adds it', async () => {
    const ch = new RecordingChannel();
    await ch.send('ร้านผูกกับบัญชี bigseller อื่นอยู่ค่ะ');
    await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
    await ch.press('handover:start');
    await ch.send('fon.shopping@gmail.com');
    await ch.send('พนักงานเก่าเชื่อมร้านไว้กับบัญชีของเขา ลาออกไปแล้ว');
    const ask = await ch.send('เปลี่ยนใจค่ะ ขอแก้รายละเอียดหน่อย');
    expect(acts(ask)).toEqual(['ask-description']);
    expect(plain(ask)).toMatch(/เพิ่มอะไร/);
    const summary = plain(await ch.send('ชื่อบัญชีเก่าคือ fon_old ค่ะ'));
    expect(summary).toMatch(/ปัญหา: พนักงานเก่าเชื่อมร้านไว้กับบัญชีของเขา ลาออกไปแล้ว \/ ชื่อบัญชีเก่าคือ fon_old ค่ะ/);
    expect(summary).not.toMatch(/ขอแก้รายละเอียด/);
    // Said with what to add, it is added at once.
    expect(plain(await ch.send('เพิ่มว่าร้านชื่อ FonShop ค่ะ'))).toMatch(/fon_old ค่ะ \/ เพิ่มว่าร้านชื่อ FonShop/);
    // "เพิ่มเติมนะคะ …" (in addition: …) is added too, whatever article its words would match alone.
    const more = await ch.send('เพิ่มเติมนะคะ เบอร์ที่ผูกกับช้อปปี้เป็นเบอร์เก่าที่ยกเลิกไปแล้ว');
    expect(acts(more)).toEqual(['handover-summary']);
    expect(plain(more)).toMatch(/FonShop ค่ะ \/ เพิ่มเติมนะคะ เบอร์ที่ผูกกับช้อปปี้/);
    // "wait, change the e-mail" is a change, not a no.
    expect(acts(await ch.send('wait, change the email please'))).toEqual(['ask-email']);
    expect((await ch.state())?.draft).toBeDefined();
  });

  it('takes a new address typed with the change at the summary, and a skipped description stays skipped', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอเจ้าหน้าที่');
    await ch.send('ok');
    await ch.send('mint.cake@gmail.com');
    expect(acts(await ch.send('ไม่มี'))).toEqual(['handover-summary']);
    const summary = await ch.send('อีเมลผิดค่ะ ต้องเป็น mint.cakes@gmail.com');
    expect(acts(summary)).toEqual(['handover-summary']);
    expect(plain(summary)).toMatch(/อีเมลตอบกลับ: mint\.cakes@gmail\.com/);
    // Changed with the button, the new address goes back to the summary too.
    await ch.press('handover:email');
    expect(acts(await ch.send('mint.cakes2@gmail.com'))).toEqual(['handover-summary']);
  });

  it('at the e-mail question, "never mind, use this one" with an address goes on', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอติดต่อเจ้าหน้าที่');
    expect(acts(await ch.send('เอาค่ะ'))).toEqual(['ask-email']);
    expect(acts(await ch.send('ไม่เป็นไร ใช้ pla.pla@gmail.com ค่ะ'))).toEqual(['ask-description']);
  });

  it('reads "-" at the description as a skip', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอเจ้าหน้าที่');
    await ch.send('ok');
    await ch.send('dash@gmail.com');
    expect(acts(await ch.send('-'))).toEqual(['handover-summary']);
  });

  it('takes "send it to this mail" with an address as the hand-over agreed, the address known', async () => {
    const ch = new RecordingChannel();
    await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ');
    expect(acts(await ch.send('ส่งมาที่เมล boy1990@gmail.com ละกัน'))).toContain('ask-description');
    expect(plain(await ch.send('ข้าม'))).toMatch(/อีเมลตอบกลับ: boy1990@gmail\.com/);
  });

  it('sums up the problem, when the seller gives no description, from what they said about it, not from their answers', async () => {
    const ch = new RecordingChannel();
    await ch.send('สวัสดีค่ะ');
    await ch.send('tiktok shop เชื่อมไม่ได้ค่ะ');
    await ch.send('ok');
    await ch.send('ขอคุยกับเจ้าหน้าที่');
    await ch.send('ok');
    await ch.send('seller@shop.co.th');
    const summary = plain(await ch.send('ข้าม'));
    expect(summary).toMatch(/ปัญหา: tiktok shop เชื่อมไม่ได้ค่ะ\n/);
    await ch.send('ส่งเลยค่ะ');
    expect(ch.cases[0].problem).toBe('tiktok shop เชื่อมไม่ได้ค่ะ');
  });

  // "yes, please create a ticket" is the hand-over asked for, not the problem: it was mailed as one,
  // and the description question was skipped for it.
  it.each(['yes, please create a ticket for me', 'ok open a support ticket', 'ได้ค่ะ เปิดเคสให้หน่อย'])('takes "%s" at the offer as a yes, not as the problem', async (yes) => {
    const ch = new RecordingChannel();
    await ch.send('I need to speak with a real person please');
    expect(acts(await ch.send(yes))).toContain('ask-email');
    expect(acts(await ch.send('seller@shop.co.th'))).toContain('ask-description');
  });

  it('leaves a "skip" typed at an article\'s question out of the problem', async () => {
    const ch = new RecordingChannel();
    await ch.send('otp ไม่เข้าค่ะ');
    await ch.press('platform:shopee');
    await ch.press('feedback:no');
    await ch.send('ข้าม');
    await ch.press('feedback:no');
    await ch.press('handover:start');
    await ch.send('kai@gmail.com');
    expect(plain(await ch.send('ข้าม'))).toMatch(/ปัญหา: otp ไม่เข้าค่ะ\n/);
  });

  it('asks the offer or shows the summary again for "what now?", keeping the case and leaving it out of the problem', async () => {
    const ch = new RecordingChannel();
    await ch.send('my shopee shop got disconnected');
    await ch.send('talk to a human');
    const again = await ch.send('what do I do now?');
    expect(plain(again)).toMatch(/^Shall I send it to support\?/);
    expect(choicesOf(again).map((c) => c.action)).toEqual(['handover:start', 'handover:cancel']);
    await toSummary(ch, 'seller@example.com');
    const summary = plain(await ch.send('hmm what now'));
    expect(summary).toMatch(/Please check before I send it/);
    expect(summary).toMatch(/Problem: my shopee shop got disconnected\n/);
    expect((await ch.state())?.draft?.step).toBe('confirm');
    await ch.send('ok');
    expect(ch.cases[0].problem).toBe('my shopee shop got disconnected');
  });

  it('asks the offer again for "what do I do next?" in its longer forms and for "still not working", with buttons in the language of the question', async () => {
    for (const [typed, asked, send] of [
      ['แล้วต้องทำยังไงต่อคะ', /^ต้องการให้ส่งเรื่องให้ทีมซัพพอร์ตไหมคะ/, 'ส่งให้ทีมซัพพอร์ต'],
      ['so what do i do next?', /^Shall I send it to support\?/, 'Send to support'],
      ['still not working', /^Shall I send it to support\?/, 'Send to support'],
      ['ลองแล้วก็ยังไม่ได้ค่ะ', /^ต้องการให้ส่งเรื่องให้ทีมซัพพอร์ตไหมคะ/, 'ส่งให้ทีมซัพพอร์ต'],
    ] as const) {
      const ch = new RecordingChannel();
      await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH');
      await ch.press('feedback:no');
      const again = await ch.send(typed);
      expect({ typed, said: plain(again), first: choicesOf(again)[0] }).toEqual({ typed, said: expect.stringMatching(asked), first: { label: send, action: 'handover:start' } });
      expect((await ch.state())!.draft).toMatchObject({ step: 'offer' });
    }
  });

  it('adds details typed at the summary to the problem and shows the summary again; a known problem is still answered', async () => {
    const ch = new RecordingChannel();
    await ch.send('my lazada shop wont connect');
    await ch.send('talk to a human');
    await ch.send('yes');
    await ch.send('seller@example.com');
    await ch.press('handover:skip');
    // Off-topic to the matcher, and a "did you mean" one: both are details for support.
    const again = await ch.send('the shop is called LZ-Bangkok and the login page just spins');
    expect(plain(again)).toMatch(/Problem: my lazada shop wont connect \/ the shop is called LZ-Bangkok and the login page just spins/);
    expect(choicesOf(again).map((c) => c.action)).toEqual(['handover:confirm', 'handover:email', 'handover:cancel']);
    expect(plain(await ch.send('ร้านชื่อ MyShop ค่ะ ตอนกดอนุญาตหน้าจอค้าง'))).toMatch(/LZ-Bangkok and the login page just spins \/ ร้านชื่อ MyShop ค่ะ ตอนกดอนุญาตหน้าจอค้าง/);
    expect(plain(await ch.send('ok'))).toMatch(/BS-TEST01/);
    expect(ch.cases[0].problem).toBe('my lazada shop wont connect / the shop is called LZ-Bangkok and the login page just spins / ร้านชื่อ MyShop ค่ะ ตอนกดอนุญาตหน้าจอค้าง');

    // The article already tried, matched again in what the seller adds: details, not the article again.
    const tried = new RecordingChannel('c-tried');
    await tried.send('lazada ขึ้น PASSWORD_NOT_MATCH');
    await tried.press('feedback:no');
    await toSummary(tried, 'mani@example.com');
    const more = await tried.send('ร้านชื่อ มณีช็อป ค่ะ เปลี่ยนรหัสแล้วก็ยังขึ้น');
    expect(plain(more)).toMatch(/ปัญหา: lazada ขึ้น PASSWORD_NOT_MATCH \/ ร้านชื่อ มณีช็อป ค่ะ เปลี่ยนรหัสแล้วก็ยังขึ้น/);
    expect(tried.events.filter((e) => e.type === 'answered')).toHaveLength(1);

    // A problem the matcher knows, not tried yet, typed at the summary is answered; "ส่งเลย"
    // afterwards still sends the case.
    const newProblem = new RecordingChannel('c-new');
    await newProblem.send('talk to a human');
    await newProblem.send('seller@example.com');
    await newProblem.press('handover:skip');
    await newProblem.send('ไม่ได้รับ otp จาก shopee');
    expect(newProblem.events).toContainEqual({ type: 'answered', topic: 'shopee-otp-not-received' });
    expect(plain(await newProblem.send('ส่งเลยค่ะ'))).toMatch(/BS-TEST01/);
    expect(newProblem.cases).toHaveLength(1);
  });

  it('starts the hand-over when "send it" comes with none prepared: the e-mail question, nothing sent yet', async () => {
    const ch = new RecordingChannel();
    const out = await ch.send('ส่งเลยค่ะ');
    expect(out.map((m) => m.act)).toEqual(['ask-email', 'ask-email']);
    expect(plain(out)).toMatch(/ทางอีเมล/);
    expect(ch.events.filter((e) => e.type === 'answered')).toHaveLength(0);
    expect((await ch.state())?.draft?.step).toBe('email');

    // After an article too: the e-mail question, and nothing is sent before the summary.
    const en = new RecordingChannel('c-en');
    await en.send('my lazada store says PASSWORD_NOT_MATCH');
    expect((await en.send('send it')).map((m) => m.act)).toEqual(['ask-email', 'ask-email']);
    expect(en.cases).toHaveLength(0);
  });

  it.each(['โอเคส่งเลย', 'yes please send', 'ได้ค่ะ ส่งเลยค่ะ'])('"%s" after an article, a yes said with "send", starts the hand-over too', async (text) => {
    const ch = new RecordingChannel(`yes-send-${text}`);
    await ch.send('ชื่อเล่นร้านค้าซ้ำค่ะ');
    expect((await ch.send(text)).map((m) => m.act)).toEqual(['ask-email', 'ask-email']);
  });

  it('changes the e-mail at the summary when the seller says so or types a new address', async () => {
    for (const [change, address] of [
      ['แก้ไขอีเมลค่ะ', 'mani2@shop.co.th'],
      ['wrong email', 'mani3@shop.co.th'],
      [undefined, 'mani4@shop.co.th'],
    ] as const) {
      const ch = new RecordingChannel();
      await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
      await ch.send('ได้ค่ะ');
      await ch.send('mani@shop.co.th');
      expect(plain(await ch.send('ร้าน Lazada เชื่อมไม่ได้ ขึ้น error ตลอด'))).toMatch(/mani@shop\.co\.th/);
      if (change) expect(plain(await ch.send(change))).toMatch(/อีเมลไหน|e-mail address should/);
      const summary = plain(await ch.send(address));
      expect({ change, summary }).toEqual({ change, summary: expect.stringContaining(address) });
      expect(summary).toMatch(/ร้าน Lazada เชื่อมไม่ได้/);
      await ch.press('handover:confirm');
      expect(ch.cases.map((c) => c.contactEmail)).toEqual([address]);
    }
  });

  it('says that support answers by e-mail only when the seller has no address, and still takes one', async () => {
    for (const [none, said] of [
      ['I do not have email, can you call me 0812345678', /e-mail only/],
      ['ไม่มีอีเมลค่ะ โทรกลับได้ไหม', /อีเมลเท่านั้น/],
    ] as const) {
      const ch = new RecordingChannel();
      await toEmailQuestion(ch, said.source.includes('e-mail') ? 'talk to a human' : 'ขอคุยกับเจ้าหน้าที่ค่ะ');
      const out = await ch.send(none);
      expect(plain(out)).toMatch(said);
      expect(choicesOf(out).map((c) => c.action)).toEqual(['handover:cancel']);
      expect((await ch.state())!.draft).toMatchObject({ step: 'email' });
      expect(plain(await ch.send('kai@gmail.com'))).toMatch(/In a few words|เล่าปัญหาสั้น/);
    }
  });

  it('says an off-topic question at the e-mail question is for support, and asks for the address again', async () => {
    const ch = new RecordingChannel();
    await toEmailQuestion(ch, 'ขอคุยกับเจ้าหน้าที่ค่ะ');
    const out = await ch.send('bigseller รายเดือนเท่าไหร่คะ');
    expect(out.map((m) => m.act)).toEqual(['out-of-scope', 'ask-email']);
    expect((await ch.state())!.draft).toMatchObject({ step: 'email' });
    expect(plain(await ch.send('kai@gmail.com'))).toMatch(/เล่าปัญหาสั้น/);
  });

  it('says so at the offer, before asking for an address, and to a sentence at the e-mail question instead of "invalid e-mail"', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
    const atOffer = await ch.send('ไม่มีอีเมลค่ะ โทรมาได้ไหม 0812345678');
    expect(plain(atOffer)).toMatch(/อีเมลเท่านั้น/);
    expect(choicesOf(atOffer).map((c) => c.action)).toEqual(['handover:start', 'handover:cancel']);
    expect((await ch.state())!.draft).toMatchObject({ step: 'offer' });
    await ch.press('handover:start');
    for (const sentence of ['ใช้ไลน์นี้ติดต่อกลับไม่ได้เหรอคะ', 'ขอคุยกับคนจริงๆ ค่ะ บอทไม่ช่วยอะไรเลย 😡😡', "can't you answer me here?"]) {
      const out = await ch.send(sentence);
      expect({ sentence, said: plain(out) }).toEqual({ sentence, said: expect.stringMatching(/อีเมลเท่านั้น|e-mail only/) });
    }
    // Something meant as an address is still "that address looks wrong".
    expect(plain(await ch.send('seller.gmail.com'))).toMatch(/ไม่ถูกต้อง/);
    expect(plain(await ch.send('kai@gmail.com'))).toMatch(/เล่าปัญหาสั้น/);
  });

  it('keeps the hand-over when more about an article already tried comes at the e-mail question, and adds it to the problem', async () => {
    const ch = new RecordingChannel();
    await ch.send('otp ไม่เข้าค่ะ');
    await ch.press('platform:shopee');
    await ch.press('feedback:no');
    await ch.press('feedback:no');
    await ch.press('handover:start');
    const out = await ch.send('OTP ที่ได้คือ 483920 แต่ใส่แล้วขึ้นว่าหมดอายุ');
    expect(plain(out)).toMatch(/อีเมลไหน/);
    expect(ch.events.filter((e) => e.type === 'answered').map((e) => (e as { topic: string }).topic)).toEqual(['shopee-otp-not-received', 'shopee-identity-verification']);
    const summary = plain(await ch.send('kai@gmail.com'));
    expect(summary).toMatch(/แต่ใส่แล้วขึ้นว่าหมดอายุ/);
    expect(summary).not.toContain('483920');
  });

  it("files the seller's next problem after a ticket with only its own platform, codes, articles and words", async () => {
    const ch = new RecordingChannel();
    await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH');
    await ch.press('feedback:no');
    await toSummary(ch, 'kai@gmail.com');
    ch.clock += 60_000;
    await ch.press('handover:confirm');
    ch.clock += 60_000;
    await ch.send('otp shopee ไม่เข้าค่ะ');
    await ch.press('feedback:no');
    await ch.press('feedback:no');
    await ch.press('handover:start');
    await ch.press('handover:skip');
    await ch.press('handover:confirm');
    expect(ch.cases).toHaveLength(2);
    expect(ch.cases[1]).toMatchObject({ platforms: ['shopee'], errorCodes: [], problem: 'otp shopee ไม่เข้าค่ะ' });
    expect(ch.cases[1].articlesTried.map((a) => a.topic)).toEqual(['shopee-otp-not-received', 'shopee-identity-verification']);
    // Its transcript starts after the first case, not at the Lazada problem.
    expect(ch.cases[1].transcript[0]).toMatchObject({ from: 'user', text: 'otp shopee ไม่เข้าค่ะ' });
  });

  it('offers the hand-over for an error code the knowledge base does not know, and hands the code to support', async () => {
    const ch = new RecordingChannel();
    await ch.send('เชื่อมร้าน lazada ไม่ได้ ขึ้นรหัสข้อผิดพลาด 500100 ค่ะ');
    expect(ch.events.some((e) => e.type === 'answered')).toBe(false);
    expect(ch.events).toContainEqual({ type: 'handover-offered', reason: 'unknown-error' });
    await toSummary(ch, 'kai@gmail.com');
    await ch.press('handover:confirm');
    expect(ch.cases[0]).toMatchObject({ platforms: ['lazada'], errorCodes: ['500100'] });
  });

  it("names the platform and code of an article chosen by its button in the case (the menu's PASSWORD_NOT_MATCH)", async () => {
    const ch = new RecordingChannel();
    await ch.start();
    await ch.press('topic:lazada-password-not-match');
    await ch.press('feedback:no');
    await toSummary(ch, 'kai@gmail.com');
    await ch.press('handover:confirm');
    expect(ch.cases[0]).toMatchObject({ platforms: ['lazada'], errorCodes: ['PASSWORD_NOT_MATCH'] });
  });

  it('adds a message with a secret at the summary to the problem, without the secret, instead of answering it', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
    await toSummary(ch, 'kai@gmail.com');
    const out = await ch.send('OTP ที่ได้คือ 4821');
    expect(ch.events.some((e) => e.type === 'answered')).toBe(false);
    expect(plain(out)).toMatch(/OTP ที่ได้คือ \[code removed\]/);
    expect(choicesOf(out).map((c) => c.action)).toEqual(['handover:confirm', 'handover:email', 'handover:cancel']);
  });

  it('takes "no need to send" at the description question as declining, though a problem word follows', async () => {
    const ch = new RecordingChannel();
    await ch.send('my email is old@shop.co.th');
    await ch.press('handover:start');
    expect((await ch.state())!.draft).toMatchObject({ step: 'description' });
    const out = await ch.send('เอ๊ะ ไม่ต้องส่งแล้วค่ะ กดอีกรอบได้แล้ว');
    expect(out.map((m) => m.act)).toContain('handover-cancelled');
    expect((await ch.state())!.draft).toBeUndefined();
    expect(ch.cases).toHaveLength(0);
  });

  it('takes an address typed at the description question as the new reply address, not as the problem', async () => {
    const ch = new RecordingChannel();
    await ch.send('my email is old@shop.co.th');
    await ch.press('handover:start');
    // The address was known: the description is asked for at once; the seller gives another address.
    await ch.send('new@shop.co.th');
    expect((await ch.state())!.draft).toMatchObject({ step: 'description', email: 'new@shop.co.th' });
    expect((await ch.state())!.draft?.description || undefined).toBeUndefined();
  });

  // The address was known and the description is asked: a word about the e-mail is no problem for support.
  it.each(['อีเมลเดิมค่ะ', 'same email as before'])('does not take "%s" at the description question as the problem', async (text) => {
    const ch = new RecordingChannel();
    await ch.send('my email is old@shop.co.th');
    await ch.press('handover:start');
    const out = await ch.send(text);
    expect(acts(out)).toEqual(['ask-description', 'ask-description']);
    expect(plain(out)).toContain('old@shop.co.th');
    expect((await ch.state())!.draft).toMatchObject({ step: 'description', email: 'old@shop.co.th' });
    expect((await ch.state())!.draft?.description || undefined).toBeUndefined();
  });

  it("takes the main account's changed e-mail at the description question as the problem", async () => {
    const ch = new RecordingChannel();
    await ch.send('my email is old@shop.co.th');
    await ch.press('handover:start');
    expect(acts(await ch.send('เคยเปลี่ยนอีเมลบัญชีหลักลาซาด้าเมื่อเดือนที่แล้วค่ะ'))).toContain('handover-summary');
    expect((await ch.state())!.draft).toMatchObject({ email: 'old@shop.co.th', description: 'เคยเปลี่ยนอีเมลบัญชีหลักลาซาด้าเมื่อเดือนที่แล้วค่ะ' });
  });

  it('changes the address when asked to at the description question', async () => {
    const ch = new RecordingChannel();
    await ch.send('my email is old@shop.co.th');
    await ch.press('handover:start');
    expect(acts(await ch.send('ขอเปลี่ยนอีเมลค่ะ'))).toContain('ask-email');
    expect((await ch.state())!.draft?.description || undefined).toBeUndefined();
  });

  it('tells a seller who asks for a person again, with nothing new since their ticket, that ticket at once', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
    await toSummary(ch, 'kai@gmail.com');
    await ch.press('handover:confirm');
    const offers = () => ch.events.filter((e) => e.type === 'handover-offered').length;
    expect(offers()).toBe(1);
    const again = await ch.send('ขอคุยกับคนค่ะ');
    expect(plain(again)).toMatch(/BS-TEST01/);
    expect(offers()).toBe(1);
    expect(ch.cases).toHaveLength(1);
    // A new problem is still handed over as one.
    await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH');
    await ch.press('feedback:no');
    expect(offers()).toBe(2);
  });

  it('counts a ticket as open for as long as the configured reuse window (HANDOVER_REUSE_WINDOW_HOURS)', async () => {
    const ch = new RecordingChannel();
    await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
    await toSummary(ch, 'kai@gmail.com');
    await ch.press('handover:confirm');
    const state = (await ch.state())!;
    const twoHoursLater = { channel: 'test' as const, conversationId: 'c1', userId: 'u1', kind: 'message' as const, text: 'ขอคุยกับคนค่ะ', at: new Date(ch.clock + 2 * 3600_000).toISOString() };
    const offered = (ticketOpenSeconds?: number) =>
      runTurn(twoHoursLater, structuredClone(state), { ...core, ...(ticketOpenSeconds === undefined ? {} : { ticketOpenSeconds }) }).events.some((e) => e.type === 'handover-offered');
    expect(offered()).toBe(false);
    expect(offered(24 * 3600)).toBe(false);
    expect(offered(3600)).toBe(true);
  });

  it('takes a typed no or "don\'t send" at the summary as cancel, not as more of the problem', async () => {
    for (const typed of ['ไม่ส่งแล้วค่ะ', 'ไม่ค่ะ', "don't send it", 'no']) {
      const ch = new RecordingChannel();
      await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
      await toSummary(ch, 'kai@gmail.com');
      expect((await ch.state())!.draft).toMatchObject({ step: 'confirm' });
      await ch.send(typed);
      expect({ typed, handover: (await ch.state())?.draft, cancelled: ch.events.some((e) => e.type === 'handover-cancelled') }).toEqual({ typed, handover: undefined, cancelled: true });
      expect(ch.cases).toHaveLength(0);
    }
  });

  it('can be cancelled at any point, by button or in words', async () => {
    const ch = new RecordingChannel();
    await toEmailQuestion(ch, 'I want to talk to a human');
    const out = await ch.send('cancel');
    expect(plain(out)).toMatch(/nothing was sent/);
    expect(ch.events).toContainEqual({ type: 'handover-cancelled' });
    expect((await ch.state())?.draft).toBeUndefined();
    // After cancelling, typing is matched again.
    expect((await ch.send('shopee otp not received')).some((m) => m.type === 'steps')).toBe(true);
    expect(ch.cases).toHaveLength(0);
  });

  it('refuses an overlong description clearly and keeps the hand-over going', async () => {
    const ch = new RecordingChannel('c1', 'en');
    await toEmailQuestion(ch, 'talk to a real person please');
    await ch.send('me@example.com');
    const out = await ch.send('x'.repeat(100_000));
    expect(plain(out)).toMatch(/too long/);
    expect((await ch.state())?.draft?.step).toBe('description');
    await ch.send('Short version: cannot connect.');
    await ch.press('handover:confirm');
    expect(ch.cases[0].problem).toBe('Short version: cannot connect.');
  });

  it('keeps the case when the outbox fails, so Send can be pressed again', async () => {
    const ch = new RecordingChannel('c1', 'en');
    ch.escalation = async () => {
      throw new Error('disk full');
    };
    await ch.send('talk to a real person please');
    await toSummary(ch, 'me@example.com');
    const failed = await ch.press('handover:confirm');
    expect(plain(failed)).toMatch(/couldn't file your case/);
    expect((await ch.state())?.draft?.step).toBe('confirm');
    ch.escalation = async () => ({ ticket: 'BS-AFTER1', existing: false, limited: false });
    expect(plain(await ch.press('handover:confirm'))).toMatch(/BS-AFTER1/);
  });

  it('reuses a known e-mail and asks for a description straight away', async () => {
    const ch = new RecordingChannel('c1', 'en');
    await toEmailQuestion(ch, 'human please');
    await ch.send('me@example.com');
    await ch.press('handover:cancel');
    await ch.send('human please');
    const out = await ch.press('handover:start');
    expect(plain(out)).toMatch(/what is the problem/i);
  });

  it('takes the e-mail of the signed-in account instead of asking for it', async () => {
    const ch = new RecordingChannel('c1', 'en');
    await ch.bot.handle({ channel: 'test', conversationId: 'c1', userId: 'u1', kind: 'start', contactEmail: 'owner@shop.example', at: new Date().toISOString() });
    await ch.send('human please');
    const out = await ch.press('handover:start');
    expect(plain(out)).toMatch(/what is the problem/i);
    await ch.press('handover:skip');
    await ch.press('handover:confirm');
    expect(ch.cases[0].contactEmail).toBe('owner@shop.example');
  });
});
