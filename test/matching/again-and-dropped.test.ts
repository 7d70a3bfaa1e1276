import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * "อีกแล้ว" is "again", not the "อีก" of "another shop/account"; a store "bounced out" or
 * "logged out" is a store that dropped its connection (the issue on understanding the seller).
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));
const ANOTHER = ['store-nickname-duplicate', 'tiktok-multiple-shops', 'store-bound-other-account'];

describe('again, and a store that dropped out', () => {
  it.each(['ร้านเด้งออกจากระบบอีกแล้วค่ะ ต้องทำไงคะ', 'ร้านหลุดอีกแล้วค่ะ', 'lazada หลุดอีกละ'])('"%s" is no "another shop/account" article', (text) => {
    const m = matcher.explain(text);
    expect({ text, another: m.decision === 'answer' && ANOTHER.includes(m.topic!) }).toEqual({ text, another: false });
    expect(m.analysis.connectionWord).toBe(true);
  });

  it('"logout" said of the store is a dropped store, "log out of" Seller Center is still the second-shop step', () => {
    expect(matcher.explain('ร้านชอบ logout ออกจาก bigseller เองค่ะ').analysis.connectionWord).toBe(true);
    expect(matcher.explain('do I need to log out of tiktok seller center before adding a 2nd shop?')).toMatchObject({ decision: 'answer', topic: 'tiktok-multiple-shops' });
  });

  it('"my lazada store got logged out by itself" is the expired store', () => {
    expect(matcher.explain('my lazada store got logged out by itself')).toMatchObject({ decision: 'answer', topic: 'connection-expired' });
  });
});

// Too few words for a clear lead, but a lost or expired connection said (lexicon expiryWords)
// and the first article that fits is of that family: its article, not "tell me more".
describe('a lost connection said in few words', () => {
  it.each(['ร้านหลุดการเชื่อมต่อค่ะ ต้องทำยังไงต่อ', 'หมดอายุอีกแล้วค่าาา เพิ่งต่อไปเมื่อวานเอง หงุดหงิดมาก'])('"%s" gets the expired-connection article', (text) => {
    expect(matcher.explain(text)).toMatchObject({ decision: 'answer', topic: 'connection-expired' });
  });

  it('leaves an article backed by a word of its own, and a failed reconnection, to the ranking', () => {
    expect(matcher.explain('ร้านหลุด otp ไม่มา')).toMatchObject({ decision: 'answer', topic: 'shopee-otp-not-received' });
    expect(matcher.explain("Hello, my shop on Shopee shows 'authorization failed, please try again later' when I reconnect").decision).not.toBe('answer');
  });
});

// A specific article earns its place over the general one by a clear lead over it and over its
// siblings for the same platform: Shopee's yearly renewal and its timed-out page tie on "expired".
describe('two specific articles as close as each other', () => {
  it.each([
    ['my shopee authorization has expired, help please', 'connection-expired'],
    ['shopee authorize หมดอายุ ช่วยด้วย', 'connection-expired'],
    ['shopee authorization expired after one year', 'shopee-authorization-yearly'],
    ['shopee authorization page expired because I left it open', 'shopee-authorization-page-timeout'],
  ])('"%s" gets %s', (text, topic) => {
    expect(matcher.explain(text)).toMatchObject({ decision: 'answer', topic });
  });
});

describe('a person asked for in other words', () => {
  it.each(['that did not help, can someone from support look at it?', 'can an admin check my shopee store', 'ช่วยให้เจ้าหน้าที่ดูให้หน่อยค่ะ'])('"%s" is a request for a person', (text) => {
    expect(matcher.explain(text).decision).toBe('escalate');
  });

  // The support team named as such ("ฝ่ายซัพพอร์ต", "support team", "customer service").
  it.each(['ขอคุยกับฝ่ายซัพพอร์ตหน่อยค่ะ', 'can the support team look at my case', 'อยากติดต่อฝ่ายบริการลูกค้าค่ะ'])('"%s" asks for the support team', (text) => {
    expect(matcher.explain(text).decision).toBe('escalate');
  });

  it('"check my stores" alone is no request for a person', () => {
    expect(matcher.explain('check my stores').decision).not.toBe('escalate');
  });
});
