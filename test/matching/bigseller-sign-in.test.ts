import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * BigSeller's own sign-in and sign-up send codes of their own: a code that does not come for
 * them is no marketplace's OTP. With a store, a platform or a connecting word named, it is.
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

it.each([
  'OTP ตอนล็อกอินเข้า bigseller ไม่เข้าอีเมล',
  'ล็อกอินเข้า bigseller แล้ว otp ทางอีเมลไม่มาค่ะ',
  'สมัคร bigseller แล้ว otp ไม่เข้าเบอร์ค่ะ',
  'bigseller login code never arrives in my email',
])('"%s" gets no article', (text) => {
  expect({ text, decision: matcher.explain(text).decision }).toEqual({ text, decision: 'none' });
});

it.each([
  'ล็อกอิน bigseller แล้วกดเชื่อมร้าน shopee otp ไม่เข้า',
  'otp ไม่เข้าตอนเชื่อมต่อ ล็อกอินเข้า bigseller ได้ปกติ',
  'shopee otp not coming when I login to bigseller to connect',
])('"%s" is still the Shopee OTP', (text) => {
  const m = matcher.explain(text);
  expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic: 'shopee-otp-not-received' });
});
