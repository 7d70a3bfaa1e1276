import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/** Words sellers spell their own way, read as the knowledge base's: Thai-script SMS, "tts", ชื่อร้านค้า. */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

describe('sellers\' own spellings', () => {
  it.each([
    ['ไม่มีเอสเอ็มเอสจากช้อปปี้เลยค่ะ ขอใหม่ก็ไม่มา', 'shopee-otp-not-received'],
    ['shopee ไม่ส่ง เอสเอ็มเอส มาเลย', 'shopee-otp-not-received'],
    ['ชื่อร้านค้าซ้ำค่ะ ต้องใส่เลขต่อท้ายไหม', 'store-nickname-duplicate'],
  ])('"%s" gets %s', (text, topic) => {
    const m = matcher.explain(text);
    expect({ text, decision: m.decision, topic: m.topic }).toEqual({ text, decision: 'answer', topic });
  });

  it('reads "tts" as TikTok Shop', () => {
    expect(matcher.explain('tts หมดอายุ ต่อยังไง').analysis.platforms).toEqual(['tiktok']);
  });
});
