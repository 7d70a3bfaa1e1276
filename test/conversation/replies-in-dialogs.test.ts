import { plain, RecordingChannel } from './recording-channel';

/** The typed replies of the issue on understanding the seller, at the questions where they went wrong. */
const actsOf = (out: { act: string }[]) => out.map((m) => m.act);

async function atOffer(id: string) {
  const ch = new RecordingChannel(id);
  await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ');
  expect(actsOf(await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ'))).toContain('handover-offer');
  return ch;
}

describe('typed replies at the hand-over questions', () => {
  // ฝาก (leave it with): "ฝากด้วยนะคะ", "ฝากทีมงานดูให้หน่อย" entrust the case to support.
  it.each(['ได้คับ ส่งเลย', 'ได้ครับ ส่งเลย', 'ส่งไปเลยครับ', 'ค่ะ ส่งให้หน่อย', 'ได้เลยค่ะ', 'ได้คับ', 'จ้า', 'ค่ะ ฝากทีมงานดูให้หน่อย', 'ฝากด้วยนะคะ', 'ฝากเจ้าหน้าที่เช็คให้ทีค่ะ', 'เคค่ะ', 'ก็ได้ ส่ง', 'งั้นส่งก็ได้ค่ะ', 'เออ ส่งไป', 'เอ้ย ส่งดีกว่าค่ะ', 'ส่งให้คนดูที'])('"%s" at the offer goes ahead', async (yes) => {
    const ch = await atOffer(`offer-${yes}`);
    expect(actsOf(await ch.send(yes))).toContain('ask-email');
  });

  // A yes, then words that name no problem and ask nothing: "by e-mail is fine", "help me".
  it.each(['ได้ค่ะ ส่งทางอีเมลก็ได้', 'เอาค่ะ ช่วยด้วย', 'ok that would help'])('"%s" at the offer goes ahead', async (yes) => {
    const ch = await atOffer(`offer-remark-${yes}`);
    expect(actsOf(await ch.send(yes))).toContain('ask-email');
  });

  it.each(['เคค่ะ ขอบคุณน้า', 'alright, reconnected. thanks'])('"%s" at the offer sends nothing', async (text) => {
    const ch = await atOffer(`offer-thanks-${text}`);
    expect(actsOf(await ch.send(text))).not.toContain('ask-email');
  });

  // An okay closed with thanks, naming the platform it will ask itself: later, not a new problem.
  it.each(["ok I'll ask Lazada then. thanks", 'โอเคค่ะ เดี๋ยวไปถามลาซาด้าเอง ขอบคุณค่ะ'])('"%s" at the offer is later', async (text) => {
    const ch = await atOffer(`offer-ok-thanks-${text}`);
    expect(actsOf(await ch.send(text))).toEqual(['small-talk']);
    expect((await ch.state())?.draft).toBeUndefined();
  });

  it.each(['ไว้ก่อนค่ะ เดี๋ยวลองเปลี่ยนรหัสดูก่อน', 'ไม่ค่ะ', 'not now', 'โอเค งั้นไม่เป็นไรครับ', 'ok, never mind', 'actually no, cancel that'])('"%s" at the offer sends nothing', async (no) => {
    const ch = await atOffer(`later-${no}`);
    const out = await ch.send(no);
    expect(actsOf(out)).not.toEqual(expect.arrayContaining(['ask-email']));
    expect((await ch.state())?.draft).toBeUndefined();
    expect(ch.cases).toHaveLength(0);
  });

  // "Okay, I'll wait and try again tomorrow": an "okay" that says later, not yes.
  // "Still does not work" at the offer: why it is there; the offer again, never "off-topic".
  it.each(['ไม่ได้อยู่ดีค่ะ', 'ไม่ผ่านอยู่ดีครับ'])('"%s" at the offer asks the offer again', async (text) => {
    const ch = await atOffer(`still-${text}`);
    expect(actsOf(await ch.send(text))).toEqual(['handover-offer']);
  });

  it.each(['โอเคครับ เดี๋ยวรอพรุ่งนี้ลองใหม่', 'ok I will try again tomorrow', 'ได้ค่ะ เดี๋ยวไปถามเจ้าของร้านก่อน'])('"%s" at the offer is later: nothing sent, no off-topic', async (text) => {
    const ch = await atOffer(`later-on-${text}`);
    const acts = actsOf(await ch.send(text));
    // Nothing dropped in so many words: "take your time", as at "did this fix it?".
    expect(acts).toEqual(['small-talk']);
    expect((await ch.state())?.draft).toBeUndefined();
  });

  it.each(['ยกเลิกค่ะ เดี๋ยวลองเองอีกที', 'cancel, I will try again tomorrow', 'ไม่เป็นไรค่ะ เดี๋ยวลองใหม่พรุ่งนี้'])('"%s" at the offer is cancelled in so many words', async (text) => {
    const ch = await atOffer(`cancel-later-${text}`);
    expect(actsOf(await ch.send(text))).toContain('handover-cancelled');
    expect((await ch.state())?.draft).toBeUndefined();
  });

  it('answers a problem asked after "wait, first a question" at the offer', async () => {
    const ch = await atOffer('later-on-question');
    expect(actsOf(await ch.send('เดี๋ยวนะคะ ขอถามก่อน ร้านลาซาด้าหลุดต้องทำไง'))).toContainEqual(expect.stringMatching(/^answer:/));
  });

  it.each(['อ้าว ไม่ได้จะส่งเรื่องค่ะ แค่บ่นเฉยๆ', 'ขอบคุณค่า 🙏', 'ขอบคุณค่า 🙏 เดี๋ยวลองเองก่อนค่ะ', "thanks, I'll try it myself", 'งั้นไม่ส่งแล้วค่ะ'])('"%s" at the e-mail question drops the hand-over', async (text) => {
    const ch = await atOffer(`email-${text}`);
    expect(actsOf(await ch.send('ส่งเลยค่ะ'))).toContain('ask-email');
    const out = await ch.send(text);
    expect(actsOf(out)).not.toContain('ask-email');
    expect((await ch.state())?.draft).toBeUndefined();
  });

  it.each(['ข้ามจ้า', 'ข้ามนะคะ', 'ไม่มีจ้า', 'ข้ามค่ะ', 'ข้ามไปก่อนนะคะ', 'ไม่มีรายละเอียดเพิ่มค่ะ', 'no more info'])('"%s" at the description skips it, and is not the problem mailed', async (skip) => {
    const ch = await atOffer(`skip-${skip}`);
    await ch.send('ส่งเลยค่ะ');
    expect(actsOf(await ch.send('ploy.shop@gmail.com'))).toContain('ask-description');
    const summary = await ch.send(skip);
    expect(actsOf(summary)).toContain('handover-summary');
    expect(plain(summary)).not.toContain(skip);
    expect((await ch.state())?.draft?.description || undefined).toBeUndefined();
  });

  // Polite particles spelled otherwise are a yes as ค่ะ is; a person asked for is what the offer is for.
  it.each(['ค่า', 'คับ', 'ขอให้เจ้าหน้าที่ช่วยค่ะ', 'อยากให้แอดมินช่วยดูค่ะ'])('"%s" at the offer goes ahead', async (yes) => {
    const ch = await atOffer(`offer-yes-${yes}`);
    expect(actsOf(await ch.send(yes))).toEqual(['ask-email']);
  });

  it.each(['ติดต่อกลับที่ ploy.shop@gmail.com ได้เลยค่ะ ไม่มีอะไรเพิ่มแล้ว', "ploy.shop@gmail.com, that's all"])('"%s" gives the address and skips the description', async (text) => {
    const ch = await atOffer(`email-nothing-more-${text}`);
    await ch.send('ส่งเลยค่ะ');
    const summary = await ch.send(text);
    expect(actsOf(summary)).toEqual(['handover-summary']);
    expect((await ch.state())?.draft).toMatchObject({ email: 'ploy.shop@gmail.com', description: '' });
  });

  it('keeps details typed at the e-mail question for support, and asks the address again', async () => {
    const ch = await atOffer('email-details-first');
    await ch.send('ส่งเลยค่ะ');
    expect(actsOf(await ch.send('เปลี่ยนรหัสไปหลายรอบแล้ว ก็ยังขึ้นรหัสไม่ตรงทุกครั้งค่ะ'))).toContain('ask-email');
    const summary = await ch.send('ploy.shop@gmail.com');
    expect(actsOf(summary)).toEqual(['handover-summary']);
    expect(plain(summary)).toContain('เปลี่ยนรหัสไปหลายรอบแล้ว');
  });

  it.each(['เอาค่ะ', 'ok send'])('"%s" at the e-mail question asks for the address again', async (text) => {
    const ch = await atOffer(`email-yes-${text}`);
    await ch.send('ส่งเลยค่ะ');
    expect(actsOf(await ch.send(text))).toEqual(['ask-email']);
    expect((await ch.state())?.draft?.step).toBe('email');
  });

  it('takes one Latin word at the e-mail question for a mistyped address, not for details', async () => {
    const ch = await atOffer('email-mistyped-word');
    await ch.send('ส่งเลยค่ะ');
    await ch.send('jib.jibgmail.com');
    expect((await ch.state())?.draft?.description).toBeUndefined();
  });

  it.each(['ส่ง', 'ส่งค่ะ', 'ถูกต้องค่ะ', 'ถูกต้องแล้วส่งได้เลยค่ะ'])('"%s" at the summary sends it, and is not added to the problem', async (send) => {
    const ch = await atOffer(`send-${send}`);
    await ch.send('ส่งเลยค่ะ');
    await ch.send('ploy.shop@gmail.com');
    await ch.send('เปลี่ยนรหัสแล้วก็ยังขึ้นอยู่ค่ะ');
    const out = await ch.send(send);
    expect(actsOf(out)).toContain('ticket');
    expect(ch.cases).toHaveLength(1);
    expect(ch.cases[0]!.problem).toContain('เปลี่ยนรหัสแล้วก็ยังขึ้นอยู่ค่ะ');
    expect(ch.cases[0]!.problem.replace('เปลี่ยนรหัสแล้วก็ยังขึ้นอยู่ค่ะ', '')).not.toContain(send);
  });

  it.each(['what info do you need?', 'ต้องใช้ข้อมูลอะไรบ้างคะ'])('"%s" at the offer tells what is asked and sent, and asks again', async (text) => {
    const ch = await atOffer(`needed-${text}`);
    const out = await ch.send(text);
    expect(actsOf(out)).toEqual(['handover-offer', 'handover-offer']);
    expect(plain(out)).toMatch(/อีเมล|e-mail/);
    expect(actsOf(await ch.send('ได้ค่ะ'))).toContain('ask-email');
  });

  it.each([
    ['แปลว่าอะไรคะ', /ส่งเรื่องของคุณ/],
    ['มีเบอร์โทรไหมคะ', /เบอร์โทร/],
    ['can somebody call me instead', /phone number/],
  ])('"%s" at the offer is answered and the offer asked again', async (text, said) => {
    const ch = await atOffer(`offer-question-${text}`);
    const out = await ch.send(text);
    expect(actsOf(out)).toEqual(['handover-offer', 'handover-offer']);
    expect(plain(out)).toMatch(said);
  });

  it.each(['ต้องรอนานไหมคะ กว่าจะตอบ', 'how long until they reply?'])('"%s" at the e-mail question and the description tells when support replies and asks again', async (text) => {
    const ch = await atOffer(`reply-time-${text}`);
    await ch.send('ส่งเลยค่ะ');
    const atEmail = await ch.send(text);
    expect(actsOf(atEmail)).toEqual(['ask-email', 'ask-email']);
    expect(plain(atEmail)).toMatch(/1 วันทำการ|one business day/);
    await ch.send('ploy.shop@gmail.com');
    expect(actsOf(await ch.send(text))).toEqual(['ask-description', 'ask-description']);
    expect((await ch.state())?.draft?.description || undefined).toBeUndefined();
  });

  // Wondering whether to send is no yes yet: the offer, with what is sent.
  it.each(['อืมมม ไม่แน่ใจ ส่งดีไหมนะ', 'hmm should I send it to support?'])('"%s" after an article offers the hand-over, and at the offer asks it again', async (text) => {
    const ch = new RecordingChannel(`wonders-${text}`);
    await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ');
    expect(actsOf(await ch.send(text))).toEqual(['handover-offer', 'handover-offer']);
    expect(actsOf(await ch.send(text))).toEqual(['handover-offer', 'handover-offer']);
    expect((await ch.state())?.draft?.step).toBe('offer');
  });

  // A seller who said no and changes their mind ("oh, better send it"): no question is open.
  it.each(['เอ้ย ส่งดีกว่าค่ะ', 'งั้นส่งก็ได้ค่ะ'])('"%s" after the offer was declined starts the hand-over again', async (text) => {
    const ch = await atOffer(`again-${text}`);
    expect(actsOf(await ch.send('ไม่ค่ะ'))).toContain('handover-cancelled');
    expect(actsOf(await ch.send(text))).toContain('ask-email');
  });
});

describe('a request for a person in other words', () => {
  // The bot complained of: sorry, and a person offered, never "off-topic".
  it.each(['บอทตอบไม่รู้เรื่องเลย', 'why is this so hard. useless bot'])('"%s" gets the hand-over offer', async (text) => {
    const ch = new RecordingChannel(`complaint-${text}`);
    await ch.send('lazada ขึ้น INTERNAL_DATA_ERROR ค่ะ');
    const out = await ch.send(text);
    expect(actsOf(out)).toContain('handover-offer');
    expect(plain(out)).toMatch(/ขออภัย|Sorry/);
  });

  it.each(['อยากให้เจ้าหน้าที่ช่วยดูค่ะ', 'รบกวนแอดมินช่วยเช็คให้หน่อยค่ะ', 'ขอเจ้าหน้าที่ตอบได้ไหมคะ', 'ขอคุยกับ human ได้ไหมคะ', 'need a person to help me with this', 'still broken. get me a human', 'can you get someone to look at it', 'khor khui kab jao nathi'])('"%s" after an article gets the hand-over offer', async (text) => {
    const ch = new RecordingChannel(`person-${text}`);
    await ch.send('lazada ขึ้น INTERNAL_DATA_ERROR ค่ะ');
    expect(actsOf(await ch.send(text))).toContain('handover-offer');
  });

  it.each(['พนักงานเก่าเอาร้านไปผูกกับบัญชีบิ๊กเซลเลอร์ของเขา จะเอาคืนยังไง', 'ร้านผูกกับบัญชีของแอดมินคนเก่า'])(
    '"%s": the seller\'s own staff, and "ขอ" inside "ของ", are no request for a person',
    async (text) => {
      const out = await new RecordingChannel(`staff-${text.length}`).send(text);
      expect(actsOf(out)).toContain('answer:store-bound-other-account');
    },
  );
});

describe('a message about a store connection is never told it is off-topic', () => {
  it.each([
    'ร้านหลุดอีกแล้ว!!! เป็นรอบที่สามของเดือนนี้ ระบบห่วยมาก',
    'my lazada store is STILL disconnected. Fix it NOW',
    'สวัสดีค่ะ คือว่าเมื่อวานพยายามเชื่อมร้านเข้ากับบิ๊กเซลเลอร์ค่ะ กดไปแล้วรอตั้งนาน ลองอีกทีเช้านี้ก็ยังไม่ได้ ตอนนี้ออเดอร์ค้างเยอะมากเลยค่ะ ช่วยหน่อยนะคะ',
  ])('"%s"', async (text) => {
    const out = await new RecordingChannel(`conn-${text.length}`).send(text);
    expect(actsOf(out)).not.toContain('out-of-scope');
  });

  it.each(['ขอใบกำกับภาษีค่าแพ็กเกจค่ะ', 'ค่าส่ง kerry แพงจัง', 'how do I print shipping labels'])('"%s" still is', async (text) => {
    const out = await new RecordingChannel(`oos-${text.length}`).send(text);
    expect(actsOf(out)).toContain('out-of-scope');
  });
});

describe('"tell me a little more" answered with the missing words', () => {
  it('reads the platform named next with the words before it', async () => {
    const ch = new RecordingChannel('more-tiktok');
    expect(actsOf(await ch.send('ร้าน disconnect เองเลยค่ะ งงมาก'))).toContain('ask-more');
    expect((await ch.state())!.question).toMatchObject({ kind: 'more' });
    const out = await ch.send('ติ๊กต๊อกค่ะ');
    expect(actsOf(out).some((a) => a.startsWith('answer:'))).toBe(true);
  });

  it('leaves an open question alone, and a new problem is read on its own', async () => {
    const ch = new RecordingChannel('more-new');
    await ch.send('ร้าน disconnect เองเลยค่ะ งงมาก');
    expect(actsOf(await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ'))).toContain('answer:lazada-password-not-match');
  });
});
