import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * A long story whose problem sits in one sentence: the whole has too many words for any article,
 * the sentence has one. Stories off-topic or with two problems are not given an article.
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

describe('a long story', () => {
  it.each([
    [
      'สวัสดีค่ะ คือว่าเมื่อวานพยายามเชื่อมร้านช้อปปี้เข้ากับบิ๊กเซลเลอร์ค่ะ กดไปแล้วมันให้ใส่รหัสที่ส่งไปทางมือถือ แต่รอตั้งนานไม่มีอะไรเข้ามาเลย กดส่งใหม่ก็แล้ว ปิดเปิดเครื่องก็แล้ว ลองอีกทีเช้านี้ก็ยังไม่มา ตอนนี้ออเดอร์ค้างเยอะมากเลยค่ะ ช่วยหน่อยนะคะ',
      'shopee-otp-not-received',
    ],
    ['This store is already connected to another BigSeller account. The old staff made it and he left the company last year, nobody knows his login', 'store-bound-other-account'],
    // English clauses separated by commas, not full stops.
    [
      "I sell handmade soap on Lazada and Shopee, last night I added the Shopee shop to BigSeller, but it said the shop's identity verification is not complete, so what should I do",
      'shopee-identity-verification',
    ],
    [
      'ขอเล่าก่อนนะคะ ร้านเราขายเสื้อผ้าบนลาซาด้ามาสามปี เพิ่งจ้างแอดมินใหม่มาช่วยดูออเดอร์ วันนี้เขาลองเชื่อมร้านกับ bigseller แล้วขึ้น INTERNAL_DATA_ERROR ทุกครั้ง เขาใช้บัญชีของเขาเองนะคะ ไม่ใช่บัญชีเจ้าของ',
      'lazada-internal-data-error',
    ],
    // ผูก (bound) is a connection word: the sentence quoting the error is the one that counts.
    ['อ๋อ ไม่ใช่ค่ะ อ่านผิด มันขึ้นว่าร้านนี้ถูกผูกกับบัญชีอื่นแล้ว', 'store-bound-other-account'],
    ['ขอโทษค่ะ เมื่อกี้พิมพ์ผิดเรื่อง จริงๆ ระบบแจ้งว่าร้านช้อปปี้ของเราผูกอยู่กับบัญชีอื่น', 'store-bound-other-account'],
  ])('"%s…" gets %s', (text, topic) => {
    const m = matcher.explain(text);
    expect({ decision: m.decision, topic: m.topic }).toEqual({ decision: 'answer', topic });
  });

  it.each([
    'สวัสดีค่ะ ร้านเราขายบน shopee กับ lazada มานาน อยากรู้ว่าใน bigseller ตั้งค่าให้ตัดสต็อกทุกร้านพร้อมกันยังไง แล้วพิมพ์ใบปะหน้าหลายออเดอร์ทีเดียวได้ไหม ขอบคุณค่ะ',
    'My shopee shop has the OTP problem: no code arrives when connecting. Also my lazada shop says PASSWORD_NOT_MATCH every time I connect it to bigseller, since this morning',
  ])('"%s…" with no one problem of an article is not answered from a sentence', (text) => {
    const m = matcher.explain(text);
    expect(m.why.some((w) => w.startsWith('a long message'))).toBe(false);
  });
});

// A long story that ends asking for support: its last clauses are the request.
describe('a long story that ends asking for a person', () => {
  it.each([
    'พยายามมาสามวันแล้วค่ะ ดูคลิปก็แล้ว ถามเพื่อนก็แล้ว ยังทำไม่เป็นเลย อยากให้เจ้าหน้าที่โทรกลับหรือติดต่อมาหน่อยค่ะ',
    'I have tried everything for two days and read all the help pages about my shop. Nothing works and I am really tired of this. Can someone from your support team contact me by email?',
    // A request word right before its person, however long the story.
    'เชื่อมร้านไม่ได้มา 3 วันแล้ว ลองทุกวิธีแล้ว ขอเจ้าหน้าที่ติดต่อกลับด่วน',
    'โทรหาใครได้บ้างคะ เชื่อมร้านไม่ได้มา 3 วันแล้ว ลองทุกวิธีแล้ว',
    'the lazada connection has been failing since monday and nothing in the help works, I need an agent today',
  ])('"%s…" is a request for support', (text) => {
    const m = matcher.explain(text);
    expect({ text, asks: m.decision === 'escalate' || (m.decision === 'answer' && m.topic === 'contact-support') }).toEqual({ text, asks: true });
  });
});

// Other people are no request for one: someone else's account, the seller's many staff.
describe('other people', () => {
  it.each([
    ['ร้านเราไปอยู่ในบัญชี bigseller ของคนอื่น ช่วยปลดให้หน่อย', 'store-bound-other-account'],
    ["my shop is on someone else's bigseller account, help me unbind it", 'store-bound-other-account'],
    // A friend, a former owner, the seller's own second account ("แอค", slang for account).
    ['เพื่อนเคยเอาร้านเราไปเชื่อมกับ bigseller ของเค้า ตอนนี้เราจะเชื่อมเองไม่ได้', 'store-bound-other-account'],
    ['เจ้าของเก่าขายร้านต่อให้ แต่ร้านยังผูกกับ bigseller ของเค้าอยู่ค่ะ', 'store-bound-other-account'],
    ['มีสองแอคเค้า bigseller ร้านอยู่แอคเก่า อยากย้ายร้านไปแอคใหม่ค่ะ', 'store-bound-other-account'],
    // A former admin out of reach is the store's story, not a request for support's people.
    ['แอดมินคนเก่าผูกร้านไว้กับบัญชีเค้า ตอนนี้ติดต่อไม่ได้แล้วค่ะ', 'store-bound-other-account'],
  ])('"%s" gets %s', (text, topic) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic });
  });

  // A request taken back: "no need to contact support", "ไม่ต้องติดต่อเจ้าหน้าที่แล้ว".
  it.each(['ได้แล้วค่ะ ไม่ต้องติดต่อเจ้าหน้าที่แล้ว', 'no need to contact support, it works', "i don't need a human"])('"%s" asks for nobody', (text) => {
    expect({ text, asks: matcher.explain(text).analysis.handover }).toEqual({ text, asks: false });
  });

  it.each(["don't want a bot, I want a human", 'ไม่อยากคุยกับบอท ขอคุยกับคน', 'ติดต่อไม่ได้ ขอคุยกับเจ้าหน้าที่'])('"%s" still asks for a person', (text) => {
    expect({ text, asks: matcher.explain(text).analysis.handover }).toEqual({ text, asks: true });
  });

  it('"หลายคนช่วยกันดูแลร้าน" asks for nobody', () => {
    expect(matcher.explain('ร้านเรามีหลายคนช่วยกันดูแล').analysis.handover).toBe(false);
  });
});

// A story of eight content words or more is read by the sentence an article answers, when the
// others point at no other problem as surely, and only by an article of the platform it names.
describe('a story read by its key sentence', () => {
  it.each([
    ['ส่งไฟล์ไม่ได้เหรอคะ งั้นพิมพ์ละกัน ร้านถูกผูกกับบัญชีอื่นอยู่ค่ะ', 'store-bound-other-account'],
    ['สวัสดีค่ะ พอดีเพิ่งซื้อร้านต่อจากเพื่อน เป็นร้านช้อปปี้ค่ะ พอจะเชื่อมกับ bigseller ของตัวเอง มันขึ้นว่าร้านนี้เชื่อมกับบัญชีอื่นอยู่ ต้องทำไงคะ', 'store-bound-other-account'],
    ['ขอโทษค่ะ แมวเหยียบคีย์บอร์ด 😅 จะถามว่าเชื่อม woocommerce ได้ไหมคะ', 'platforms-supported'],
  ])('"%s" gets %s', (text, topic) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic });
  });

  it('never answers a story about one platform with another platform\'s article', () => {
    const m = matcher.explain('ร้าน tiktok เชื่อมไม่ได้ ขึ้น error แปลกๆ ไม่มีในคู่มือเลย');
    expect(m.decision === 'answer' && m.topic === 'lazada-internal-data-error').toBe(false);
  });
});

// Two stores, a problem each: read store by store for the conversation to keep the other.
describe('problems store by store', () => {
  it.each([
    ['ร้าน shopee หมดอายุ แล้ว lazada ขึ้น INTERNAL_DATA_ERROR ด้วยค่ะ', { lazada: 'lazada-internal-data-error' }],
    ['ร้าน tiktok หมดอายุ ส่วน shopee otp ไม่มาค่ะ', { shopee: 'shopee-otp-not-received' }],
    ['I have lazada AND shopee. lazada: PASSWORD_NOT_MATCH. shopee: otp not received', { lazada: 'lazada-password-not-match', shopee: 'shopee-otp-not-received' }],
  ])('"%s" names a problem for each platform', (text, some) => {
    const found = Object.fromEntries(matcher.problemsByPlatform(text).map((p) => [p.platform, p.topic]));
    expect(Object.keys(found)).toHaveLength(2);
    expect(found).toMatchObject(some);
  });

  it.each(['ร้าน shopee กับ tiktok หมดอายุพร้อมกันครับ', 'lazada PASSWORD_NOT_MATCH ค่ะ'])('"%s" is one problem', (text) => {
    expect(matcher.problemsByPlatform(text)).toEqual([]);
  });
});
