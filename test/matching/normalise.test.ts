import { isNoise, normalise } from '../../src/matching/normalise';
import { segment } from '../../src/matching/segment';
import { withinOneEdit, TypoIndex } from '../../src/matching/typos';

describe('normalise', () => {
  it.each([
    ['full-width Latin and case', 'ＳＨＯＰＥＥ Ｏtp', 'shopee otp'],
    ['zero-width characters', 'ร้าน\u200Bค้า\uFEFF', 'ร้านค้า'],
    ['Thai digits', 'รหัส ๑๒๓๔', 'รหัส 1234'],
    ['sara am typed as nikhahit + sara aa, tone mark between', 'น\u0E4D\u0E49\u0E32', 'น\u0E49\u0E33'],
    ['sara am as one character survives NFKC', 'ทำ', 'ทำ'],
    ['repeated Thai letters', 'ไม่ได้มากกกก', 'ไม่ได้มาก'],
    ['doubled Thai vowels and tone marks', 'ค่ะะะ ค่่ะ', 'ค่ะ ค่ะ'],
    ['stretched Latin words keep a double letter', 'shopeeeee pleeeease', 'shopee pleease'],
    ['laughter in digits and letters', '555+ ok 5555 hahaha lol ฮ่าๆ', 'ok'],
    ['a real number with 5s is kept', 'order 1555 and 5550', 'order 1555 and 5550'],
    ['mai yamok', 'เร็วๆ หน่อย', 'เร็ว หน่อย'],
    ['Thai glued to Latin and digits gets spaces', 'ร้านshopeeหมดอายุ2วัน', 'ร้าน shopee หมดอายุ 2 วัน'],
    ['punctuation and emoji become separators, underscores stay', '"PASSWORD_NOT_MATCH"!! 😭', 'password_not_match'],
  ])('%s', (_name, input, expected) => {
    expect(normalise(input)).toBe(expected);
  });

  it('recognises messages with nothing to read', () => {
    expect(isNoise('😀👍 !!! ...')).toBe(true);
    expect(isNoise('555555')).toBe(true);
    expect(isNoise('otp')).toBe(false);
  });
});

describe('segment', () => {
  it('splits Thai into words with ICU and keeps Latin words apart', () => {
    expect(segment(normalise('ร้านshopeeหมดอายุ ต้องทำยังไง'))).toEqual(['ร้าน', 'shopee', 'หมด', 'อายุ', 'ต้อง', 'ทำ', 'ยัง', 'ไง']);
  });
  it('splits error codes on underscores', () => {
    expect(segment(normalise('INTERNAL_DATA_ERROR'))).toEqual(['internal', 'data', 'error']);
  });
});

describe('typo index', () => {
  const idx = new TypoIndex(['password', 'reconnect', 'internal', 'nickname', 'otp']);
  it.each([
    ['pasword', 'password'],
    ['reconect', 'reconnect'],
    ['internla', 'internal'],
    ['nicknamee', 'nickname'],
  ])('corrects %s to %s', (typo, word) => {
    expect(idx.correct(typo)).toBe(word);
  });
  it('does not guess past one edit', () => {
    expect(idx.correct('pswrd')).toBeUndefined();
    expect(idx.correct('printer')).toBeUndefined();
  });
  it('measures one edit including a swap', () => {
    expect(withinOneEdit('abcd', 'abdc')).toBe(true);
    expect(withinOneEdit('abcd', 'abce')).toBe(true);
    expect(withinOneEdit('abcd', 'abc')).toBe(true);
    expect(withinOneEdit('abcd', 'badc')).toBe(false);
  });
});
