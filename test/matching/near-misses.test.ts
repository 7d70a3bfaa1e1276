import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/**
 * Near-misses: a platform and a problem word, but not the store's connection (customer chat,
 * customer payments, the seller's own purchases, a banned page). No connection article.
 */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

describe('a problem of the platform that is not the connection', () => {
  it.each(['ตอบแชทลูกค้าใน lazada ไม่ได้ค่ะ', 'customers cannot pay at my shopify checkout', 'ของที่สั่งใน shopee ยังไม่ได้รับเลย', 'เพจเฟสโดนปิดไปแล้วค่ะ', 'sales on tiktok were great this week', 'my lazada account got hacked, what should I do', 'เพจเฟสโดนแฮกค่ะ ช่วยด้วย', 'my facebook got hacked what do i do'])(
    '"%s" gets no article',
    (text) => {
      const m = matcher.explain(text);
      expect({ text, answered: m.decision === 'answer' ? m.topic : null }).toEqual({ text, answered: null });
    },
  );
});
