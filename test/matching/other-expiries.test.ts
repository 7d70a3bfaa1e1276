import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * "Expired" said of a coupon, a voucher, a card or a plan is not a store's connection (lexicon
 * otherExpiries and storeWords): no article. Said of a store, or with an OTP or an error code, it is.
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

it.each([
  'คูปองส่วนลดหมดอายุ ต่ออายุได้ไหม',
  'โปรโมชั่นหมดอายุแล้ว ตั้งใหม่ยังไงคะ',
  'coupon code expired, can I extend it for my customers?',
  'my vouchers expired last night on shopee, customers cannot use them',
  'บัตรเครดิตที่ใช้จ่ายหมดอายุค่ะ',
])('"%s" gets no article', (text) => {
  const m = matcher.explain(text);
  expect({ text, decision: m.decision, expiresSomethingElse: m.analysis.expiresSomethingElse }).toEqual({ text, decision: 'none', expiresSomethingElse: true });
});

const EXPIRY_FAMILY = ['connection-expired', 'shopee-authorization-yearly', 'lazada-token-lifetime', 'tiktok-renew-authorization'];

it.each(['ร้าน shopee หมดอายุค่ะ ต้องทำยังไง', 'shopee store authorization expired', 'ต่ออายุการเชื่อมต่อลาซาด้ายังไงคะ'])('"%s", the expiry of a store, gets its article', (text) => {
  const m = matcher.explain(text);
  expect(m.analysis.expiresSomethingElse).toBe(false);
  expect({ text, decision: m.decision, family: EXPIRY_FAMILY.includes(m.topic ?? '') }).toEqual({ text, decision: 'answer', family: true });
});

// The BigSeller plan spelled as sellers type it (แพ็คเกจ, แพคเกจ; the examples say แพ็กเกจ) is the same plan.
it.each(['แพคเกจหมดอายุแล้วต่อยังไง', 'ต่ออายุแพ็คเกจยังไงคะ'])('"%s", the plan in another spelling, gets no article', (text) => {
  const m = matcher.explain(text);
  expect({ text, decision: m.decision }).toEqual({ text, decision: 'none' });
});

// A printer, a bank account or the courier connected is no store connection (lexicon
// otherConnections): its "connect" is no connection word. Named with a store or a platform, it is.
it.each(['เชื่อมต่อเครื่องปริ้นไม่ได้ค่ะ', 'printer will not connect via bluetooth', 'เชื่อมบัญชีธนาคารไม่ได้', 'เชื่อมขนส่งเคอรี่กับระบบยังไง', 'how to connect flash express'])('"%s" speaks of no store connection', (text) => {
  const a = matcher.explain(text).analysis;
  expect({ text, connectionWord: a.connectionWord, aboutAConnection: a.aboutAConnection }).toEqual({ text, connectionWord: false, aboutAConnection: false });
});

it.each(['ร้านเชื่อมต่อไม่ได้ ตอนต่อ wifi ร้านกาแฟ', 'shopee หลุดตอนเน็ตล่ม ต้องเชื่อมใหม่ไหม'])('"%s", a store named too, is still about its connection', (text) => {
  expect(matcher.explain(text).analysis.aboutAConnection).toBe(true);
});

// A store's expiry said beside another question (what it does to sales, to the products): the
// expiry family's article, however close the other words come to an off-topic example.
it.each(['ร้านขึ้นว่าหมดอายุ แล้วยอดขายไม่เข้าระบบเลย ทำไมคะ', 'ร้านหมดอายุค่ะ ถ้าเชื่อมใหม่ต้องตั้งค่าคลังสินค้าใหม่ไหม'])('"%s" gets the expiry article', (text) => {
  const m = matcher.explain(text);
  expect({ text, decision: m.decision, family: EXPIRY_FAMILY.includes(m.topic ?? '') }).toEqual({ text, decision: 'answer', family: true });
});
