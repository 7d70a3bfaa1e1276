import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
import { Matcher } from '../../src/matching/matcher';

/** Accounting is not the BigSeller account: "ทำบัญชี" questions get no article (the issue on understanding the seller). */
const matcher = new Matcher(loadKnowledge(path.resolve(__dirname, '../../knowledge')));

it.each(['bigseller ทำบัญชีให้ได้ไหม', 'ลงบัญชีรายรับรายจ่ายในระบบได้มั้ยคะ', 'can bigseller do accounting for my shop', 'ระบบคิดภาษีให้ไหมคะ'])('"%s" gets no article', (text) => {
  const m = matcher.explain(text);
  expect({ text, answered: m.decision === 'answer' }).toEqual({ text, answered: false });
});

it('a BigSeller account question about connecting still gets its article', () => {
  expect(matcher.explain('บัญชีย่อยเชื่อมต่อร้านไม่ได้ค่ะ')).toMatchObject({ decision: 'answer', topic: 'bigseller-subaccount-permission' });
});
