import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * "Can X be connected?" against "X cannot connect" (the issue on understanding the seller): the
 * first is the supported-platforms article whatever X's own articles score, the second never.
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

describe('a question whether a platform can be connected', () => {
  it.each(['รองรับ lineshopping ไหมคะ', 'tiktok shop ผูกกับ bigseller ได้ป่าว', 'can bigseller connect to shopline?', 'is woocommerce supported', 'เชื่อมร้าน shopify เข้าระบบได้มั้ยครับ', 'ไลน์ช้อปปิ้งเชื่อมได้ยังคะ อยากเอาออเดอร์เข้ามารวมกัน', 'tts connect ได้ยังคะ', 'ร้าน shopline ผูกกับ bigseller ได้ป่ะคะ', 'ขายในเฟสค่ะ จะดูดออเดอร์เข้าระบบได้ป่ะคะ', 'How do I connect Shopify?', 'how to connect lazada', 'bigseller ต่อกับ shopee lazada tiktok ได้หมดเลยมั้ยคะ'])('"%s" gets the supported platforms', (text) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic: 'platforms-supported' });
  });

  it.each(['tiktok shop เชื่อมไม่ได้', 'shopline connect failed', 'lazada เชื่อมต่อไม่สำเร็จ ช่วยได้ไหม', 'ตั้งชื่อเล่นร้านให้เหมือนร้าน shopee ได้ไหม', 'shopee ต่ออายุได้ไหม', 'how do i connect my shopee store again after it expired', 'how to connect lazada, it says password not match'])('"%s" is no such question', (text) => {
    const m = matcher.explain(text);
    expect({ text, answered: m.decision === 'answer' && m.topic === 'platforms-supported' }).toEqual({ text, answered: false });
  });

  // Channels BigSeller does not connect are asked about the same way (lexicon otherChannels).
  it.each(['จะเพิ่มร้านใน amazon ได้ไหม', 'รองรับ etsy ไหมครับ', 'ขายในไอจีด้วย เชื่อมได้มั้ยคะ', 'can i connect my instagram shop', 'tiktok ต่อได้แล้วหรือยังคะ', 'ขายของบน Shopify store can connect มั้ยคะ'])(
    '"%s" gets the supported platforms too',
    (text) => {
      const m = matcher.explain(text);
      expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic: 'platforms-supported' });
    },
  );

  // "Can I do X with my Lazada shop?" names another subject than connecting Lazada.
  it.each([
    ['ย้ายร้าน lazada ไปบัญชี bigseller ใหม่ได้ไหมคะ', 'store-bound-other-account'],
    ['เปลี่ยนชื่อร้าน shopee ใน bigseller ได้ไหม', 'store-nickname-duplicate'],
  ])('"%s" gets %s, the subject it names', (text, topic) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic });
  });
});

// Orders only, of a channel named: what it does in BigSeller (lexicon onlyWords), never a fault.
describe('a question why a channel brings only its orders', () => {
  it.each(['ต่อ thisshop แล้วทำไมแก้สินค้าไม่ได้ มีแต่ออเดอร์', 'ร้าน shopline จัดการได้แค่คำสั่งซื้อใช่ไหมคะ', 'my line shopping store only shows orders, cannot edit stock'])('"%s" gets the supported platforms', (text) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic: 'platforms-supported' });
  });

  it.each(['ร้าน shopee หมดอายุ มีแต่ออเดอร์ค้าง', 'lazada ขึ้น INTERNAL_DATA_ERROR มีแค่ออเดอร์เก่า'])('"%s", an expiry or an error code, is no such question', (text) => {
    expect(matcher.explain(text).analysis.asksOrdersOnly).toBe(false);
  });
});
