import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/** Error codes written by their sound in Thai, and "ลาซ" for Lazada (the issue on understanding the seller). */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

it.each([
  ['ลาซาด้าขึ้นพาสเวิร์ดนอตแมตช์ค่ะ', 'lazada-password-not-match'],
  ['ลาซาด้า พาสเวิร์ดนอทแมท หมายถึงอะไรคะ', 'lazada-password-not-match'],
  ['ร้านลาซขึ้นอินเทอร์นอลดาต้าเออเร่อ', 'lazada-internal-data-error'],
])('"%s" is the article of that code', (text, topic) => {
  const m = matcher.explain(text);
  expect({ decision: m.decision, topic: m.topic, platforms: m.analysis.platforms }).toEqual({ decision: 'answer', topic, platforms: ['lazada'] });
});

it('"ลาซ" names Lazada', () => {
  expect(matcher.explain('ลาซ หมดอายุค่ะ').analysis.platforms).toEqual(['lazada']);
});
