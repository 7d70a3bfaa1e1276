import { codesReadInEnglish, needsEnglishReading } from '../../src/screenshots/latin-in-thai';

/** Lines as tesseract read them with English and Thai together, from the held-out screenshot sets. */

describe('lines worth reading again in English', () => {
  it.each([
    ['ข้อผิดพลาด: INTERNAL คค ERROR (request', 'the middle word of a code read as Thai'],
    ['Lazada ตอบกลับข้อผิดพลาด: INTERNAL 0ค1 6สพอล', 'the end of a code read as Thai'],
    ['กลอง เกา (56 ธร พ๐ อล 0ผ๐1 MATCH) เมตร', 'the start of a code read as Thai'],
    ['© การอนุญาตร้านค้าล้มเหลว: INTERNAL อด7ล 8คล0ล x', 'a code after a Thai sentence'],
  ])('reads again %s (%s)', (line) => {
    expect(needsEnglishReading(line)).toBe(true);
  });

  it.each([
    ['เกิดข้อผิดพลาด: PASSWORD_NOT_MATCH กรุณาตรวจสอบ', 'a code read whole'],
    ['Lazada ตอบกลับข้อผิดพลาด กรุณาลองใหม่', 'no capitals'],
    ['Lazada returned INTERNAL DATA ERROR', 'no Thai: English was read as English'],
    ['ร้าน Shopee ของฉัน', 'a name, not capitals'],
  ])('leaves %s (%s)', (line) => {
    expect(needsEnglishReading(line)).toBe(false);
  });
});

describe('the codes kept from an English reading', () => {
  it('keeps code-shaped words, joined by underscores or spaces, and nothing else', () => {
    expect(codesReadInEnglish('diaflawaia: INTERNAL_DATA_ERROR (request')).toEqual(['INTERNAL_DATA_ERROR']);
    expect(codesReadInEnglish('rp + {success: false, code: "PASSWORD NOT MATCH", message: "password not match"}')).toEqual(['PASSWORD NOT MATCH']);
    expect(codesReadInEnglish('Lazada maundudaiawan: INTERNAL_DATA ERROR')).toEqual(['INTERNAL_DATA ERROR']);
    // Store names, order numbers and single words are not codes.
    expect(codesReadInEnglish('Shopee - 240611QW8KTB JARI')).toEqual([]);
    expect(codesReadInEnglish('Mali Beauty Official ERROR')).toEqual([]);
  });
});
