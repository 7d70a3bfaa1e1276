import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/** Words sellers spell their own way, read as the knowledge base's: Thai-script SMS and reconnect, "tts", ชื่อร้านค้า, บัตรปชช. */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

describe('sellers\' own spellings', () => {
  it.each([
    ['ไม่มีเอสเอ็มเอสจากช้อปปี้เลยค่ะ ขอใหม่ก็ไม่มา', 'shopee-otp-not-received'],
    ['shopee ไม่ส่ง เอสเอ็มเอส มาเลย', 'shopee-otp-not-received'],
    ['ชื่อร้านค้าซ้ำค่ะ ต้องใส่เลขต่อท้ายไหม', 'store-nickname-duplicate'],
    ['ช้อปปี้ไม่ให้เชื่อม เพราะยังไม่ยืนยันบัตรปชช.', 'shopee-identity-verification'],
    ['shopee asks for my id card before connecting', 'shopee-identity-verification'],
  ])('"%s" gets %s', (text, topic) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic });
  });

  it('reads "รีคอนเนค" as reconnect', () => {
    expect(matcher.explain('ขอวิธีรีคอนเนคร้านหน่อยค่ะ').analysis.content).toContain('reconnect');
  });

  it('reads "tts" as TikTok Shop', () => {
    expect(matcher.explain('tts หมดอายุ ต่อยังไง').analysis.platforms).toEqual(['tiktok']);
  });
});
