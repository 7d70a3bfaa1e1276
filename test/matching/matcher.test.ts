import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

describe('matcher decisions', () => {
  it('answers the README example and explains why', () => {
    const r = matcher.explain('ร้าน shopee หมดอายุ ต้องทำยังไง');
    expect(r.decision).toBe('answer');
    expect(r.topic).toBe('connection-expired');
    expect(r.analysis.platforms).toEqual(['shopee']);
    expect(r.why.join('\n')).toMatch(/covers \d+% of the message/);
  });

  it('ranks a message the same whatever was ranked before it (the ranking reuses its scratch arrays)', () => {
    const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
    const texts = ['ร้าน shopee หมดอายุ ต้องทำยังไง', 'lazada PASSWORD_NOT_MATCH', 'woocommerce 401 unauthorized', 'วิธีพิมพ์ใบปะหน้าขนส่ง'];
    const rankingOf = (m: Matcher, text: string) => {
      const { ranked, outOfScope } = m.explain(text);
      return JSON.stringify({ ranked, outOfScope });
    };
    const fresh = texts.map((text) => rankingOf(new Matcher(kb), text));
    expect(fresh.every((r) => r.includes('"topic"'))).toBe(true);
    const shared = new Matcher(kb);
    for (const order of [texts, [...texts].reverse(), texts]) {
      for (const text of order) expect(rankingOf(shared, text)).toBe(fresh[texts.indexOf(text)]);
    }
  });

  it('ranks the article for every platform first, at equal evidence, when the message names none', () => {
    const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
    const base = kb.topics.find((t) => t.id === 'store-nickname-duplicate')!;
    const same = (id: string, platforms: typeof base.platforms) => ({
      ...base,
      id,
      platforms,
      th: { ...base.th, symptoms: ['ช่องชื่อร้านขึ้นว่าซ้ำ'] },
      en: { ...base.en, symptoms: ['the store name says duplicate'] },
    });
    const topics = [same('for-tiktok', ['tiktok']), same('for-all', ['all'])];
    const m = new Matcher({ ...kb, topics, byId: new Map(topics.map((t) => [t.id, t])) });
    expect(m.explain('the store name says duplicate').ranked[0]!.topic).toBe('for-all');
    expect(m.explain('tiktok store name says duplicate').ranked[0]!.topic).toBe('for-tiktok');
  });

  it('puts its reasons into words only when they are read, and a copy carries them', () => {
    const r = matcher.match('ร้าน shopee หมดอายุ ต้องทำยังไง');
    expect(Object.getOwnPropertyDescriptor(r, 'why')?.get).toBeDefined();
    expect(r.why[r.why.length - 1]).toBe('answer: enough evidence and a clear lead');
    expect(r.why).toBe(r.why);
    expect({ ...r }.why).toEqual(r.why);
    expect(JSON.parse(JSON.stringify(r)).why).toEqual(r.why);
  });

  it.each([
    ['INTERNAL_DATA_ERROR', 'lazada-internal-data-error'],
    ['internal data eror', 'lazada-internal-data-error'],
    ['internaldataerror ค่ะ', 'lazada-internal-data-error'],
    ['password_not_match', 'lazada-password-not-match'],
    ['pasword not match', 'lazada-password-not-match'],
    ['ลาซาด้าขึ้น password not match', 'lazada-password-not-match'],
  ])('recognises the error code in %j', (text, topic) => {
    const r = matcher.match(text);
    expect(r).toMatchObject({ decision: 'answer', topic });
  });

  it.each([
    ['ช้อปปี้', 'shopee'],
    ['ชอปปี้', 'shopee'],
    ['shoppe', 'shopee'],
    ['ลาซาด้า', 'lazada'],
    ['lzd', 'lazada'],
    ['ติ๊กต็อก', 'tiktok'],
    ['woo', 'woocommerce'],
    ['เฟสบุ๊ค', 'facebook'],
    ['shopfy', 'shopify'],
  ])('reads the platform spelling %j', (spelling, platform) => {
    expect(matcher.explain(`ร้าน${spelling}เชื่อมไม่ได้`).analysis.platforms).toEqual([platform]);
  });

  it('lets the platform steer: OTP on Lazada is not the Shopee OTP article', () => {
    const lazada = matcher.match('lazada OTP not arriving');
    expect(lazada.topic).not.toBe('shopee-otp-not-received');
    expect(lazada.decision).not.toBe('answer');
    expect(matcher.match('shopee OTP not arriving')).toMatchObject({ decision: 'answer', topic: 'shopee-otp-not-received' });
  });

  it('flags a platform-specific answer when the message names no platform', () => {
    const r = matcher.match('otp ไม่เข้าเลยค่ะ');
    expect(r).toMatchObject({ decision: 'answer', topic: 'shopee-otp-not-received', platformUnconfirmed: true });
    expect(matcher.match('shopee otp ไม่เข้าเลยค่ะ').platformUnconfirmed).toBe(false);
  });

  // "ช่วย" (help) asks too: "ให้ทีมงานช่วยปลดให้หน่อย" (have the team unbind it for me).
  it.each(['ขอคุยกับเจ้าหน้าที่หน่อยค่ะ', 'I want to talk to a real person', 'human please', 'ทำเองไม่ได้ค่ะ ให้ทีมงานช่วยปลดให้หน่อย', 'แอดมินช่วยทีค่ะ', 'แล้วใครช่วยเรื่องนี้ได้บ้างคะ', 'who can help me with this', 'agent', 'human pls', 'i said AGENT', 'แอดมิน', 'can you fix it for me', 'so you can connect it for me ok?', 'can someone call me?', 'โทรหาเจ้าหน้าที่ได้ไหมคะ', 'I need support to unbind it', 'can support look at this', 'I want to speak to your support staff about my lazada connection', 'I need someone from your team', 'ok fine, yes, hand it to support', 'ขอส่งเรื่องให้ฝ่ายเทคนิคค่ะ', 'can the tech team look at it'])('escalates %j', (text) => {
    expect(matcher.match(text)).toMatchObject({ decision: 'escalate', topic: 'contact-support' });
  });

  // Ways to reach support other than a chat with a person: a ticket, a screenshot to send.
  it.each(['is there a ticket system for support?', 'where can I send screenshots of the error to your team'])('answers %j with how to reach support', (text) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic: 'contact-support' });
  });

  it.each(['สวัสดีค่ะ', 'hello', 'ขอบคุณมากค่ะ', 'thanks!', '555555', '👍😀', 'ok', '   '])('does not answer small talk or noise %j', (text) => {
    expect(matcher.match(text)).toMatchObject({ decision: 'none', topic: null });
  });

  // "มีปัญหาค่ะ", "I have a problem": a problem named by nothing but the word says nothing of which.
  it.each(['มีปัญหาค่ะ', 'I have a problem'])('does not answer %j with an article', (text) => {
    expect(matcher.match(text).decision).not.toBe('answer');
  });

  it.each(['วิธีพิมพ์ใบปะหน้าขนส่ง', 'how much is the premium package', 'วันนี้อากาศร้อนมาก', 'how do I edit product variants'])(
    'does not answer other questions with an article: %j',
    (text) => {
      expect(matcher.match(text).decision).not.toBe('answer');
    },
  );

  it('tells a vague message about store connections from an off-topic one', () => {
    for (const text of ['เชื่อมต่อร้านไม่ได้', "I can't connect my store"]) {
      expect(matcher.match(text)).toMatchObject({ decision: 'none', vague: true });
    }
    for (const text of ['how do I change my BigSeller password', 'วันนี้อากาศร้อนมาก', 'how do I edit product variants', 'hello']) {
      expect(matcher.match(text)).toMatchObject({ decision: 'none', vague: false });
    }
    expect(matcher.match('ร้าน shopee หมดอายุ ต้องทำยังไง').vague).toBe(false);
  });

  it('answers nothing from a short reply that names no problem ("no", "not sure", a choice number)', () => {
    // "ทำไงต่อ" (what next): ต่อ alone is half of a supported-platforms phrasing ("ต่อกับ woo ได้มั้ย").
    for (const text of ['no', 'ไม่แน่ใจค่ะ', 'ข้อ 2 ค่ะ', '2', 'not sure', 'ทำไงต่อ', 'แล้วต้องทำไงต่อคะ']) {
      expect({ text, decision: matcher.match(text).decision }).toEqual({ text, decision: 'none' });
    }
    // Numbers with words still count: Lazada's 30 and 180 days.
    expect(matcher.match('ลาซาด้าครบ 180 วันแล้วต้องเชื่อมใหม่ใช่ไหม').topic).toBe('lazada-token-lifetime');
  });

  it('asks which article when the message is only a platform\'s name, which all its articles explain as well', () => {
    // "error" beside the name says no more than the name.
    for (const text of ['woocommerce', 'woo ค่ะ', 'shopee', 'woocommerce error', 'shopify เออเร่อค่ะ']) {
      const r = matcher.match(text);
      expect({ text, decision: r.decision }).toEqual({ text, decision: 'clarify' });
      expect(r.candidates.length).toBeGreaterThanOrEqual(2);
    }
    expect(matcher.match('woocommerce').candidates.map((c) => c.topic).sort()).toEqual(['woocommerce-api-key', 'woocommerce-permalinks', 'woocommerce-rest-blocked']);
    // With anything about the problem, it answers as before.
    expect(matcher.match('woocommerce ขึ้น 401 consumer key').topic).toBe('woocommerce-api-key');
  });

  it('offers at most three candidates when it asks to clarify', () => {
    for (const text of ['ร้านเชื่อมต่อไม่ได้', 'connect store problem', 'woocommerce error']) {
      expect(matcher.match(text).candidates.length).toBeLessThanOrEqual(3);
    }
  });

  it('normalises chat habits before matching', () => {
    const r = matcher.match('ร้านshopeeหมดอายุุุ ๆ ทำไงดีคะะะ 555');
    expect(r).toMatchObject({ decision: 'answer', topic: 'connection-expired' });
  });
});
