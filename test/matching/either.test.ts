import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * A seller who weighs two causes, each named in the message, is asked which: answering one of
 * them hangs on which scores a hair higher.
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

describe('a message that weighs two causes', () => {
  it.each([
    ['ช้อปปี้เชื่อมไม่ได้ ไม่รู้ว่าติดยืนยันตัวตนหรือว่า otp ไม่เข้ากันแน่', ['shopee-identity-verification', 'shopee-otp-not-received']],
    ["not sure if it's the OTP or the identity verification, shopee won't connect", ['shopee-identity-verification', 'shopee-otp-not-received']],
  ])('"%s" is asked which', (text, both) => {
    const m = matcher.explain(text);
    expect({ decision: m.decision, offered: both.filter((t) => m.candidates.some((c) => c.topic === t)) }).toEqual({ decision: 'clarify', offered: both });
  });

  it('answers one cause named with "or" beside words that name no other', () => {
    const m = matcher.explain('shopee or lazada, the otp never arrives when I connect shopee');
    expect({ decision: m.decision, topic: m.topic }).toEqual({ decision: 'answer', topic: 'shopee-otp-not-received' });
  });
});
