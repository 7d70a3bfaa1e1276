import { mayHideCodes, needsEnglishReading } from '../../src/screenshots/latin-in-thai';

/** Lines as tesseract read them with English and Thai together, from the held-out screenshot sets. */

const KNOWN = ['INTERNAL_DATA_ERROR', 'PASSWORD_NOT_MATCH'];

describe('lines worth reading again in English', () => {
  it.each([
    ['ข้อผิดพลาด: INTERNAL คค ERROR (request', 'the middle word of a code read as Thai'],
    ['Lazada ตอบกลับข้อผิดพลาด: INTERNAL 0ค1 6สพอล', 'the end of a code read as Thai'],
    ['กลอง เกา (56 ธร พ๐ อล 0ผ๐1 MATCH) เมตร', 'the start of a code read as Thai'],
    ['© การอนุญาตร้านค้าล้มเหลว: INTERNAL อด7ล 8คล0ล x', 'a code after a Thai sentence'],
  ])('reads again %s (%s)', (line) => {
    expect(needsEnglishReading(line, KNOWN)).toBe(true);
  });

  it.each([
    ['เกิดข้อผิดพลาด: PASSWORD_NOT_MATCH กรุณาตรวจสอบ', 'a code read'],
    ['เกิดข้อผิดพลาด: PASSWORD NOT MATC กรุณาตรวจสอบ', 'a code read with a space and cut short'],
    ['Lazada ตอบกลับข้อผิดพลาด กรุณาลองใหม่', 'no capitals'],
    ['Lazada returned INTERNAL DATA ERRXR', 'no Thai: English was read as English'],
    ['ร้าน Shopee ของฉัน', 'a name, not capitals'],
  ])('leaves %s (%s)', (line) => {
    expect(needsEnglishReading(line, KNOWN)).toBe(false);
  });
});

describe('pictures worth reading again in English', () => {
  it('reads again a reading with Thai letters and no known code', () => {
    // The whole code read as Thai: no capitals are left to show it.
    expect(mayHideCodes('ไม่สามารถซิงค์คําสั่งซื้อได้ (ผาธคุผ/แ 0ครค ธุศุ08) เชื่อมต่อร้านค้า', KNOWN)).toBe(true);
    // An English JSON line read as Thai on an English page.
    expect(mayHideCodes('configniang-en\nยกรร "รนะ0055":รัลรอ,"อกณ์แอ":40012', KNOWN)).toBe(true);
  });

  it('leaves a reading with a known code, one without Thai, and any when no code is known', () => {
    expect(mayHideCodes('รหัสข้อผิดพลาด: INTERNAL_DATA_EROR', KNOWN)).toBe(false);
    expect(mayHideCodes('Something went wrong\nERROR CODE', KNOWN)).toBe(false);
    expect(mayHideCodes('ไม่สามารถเชื่อมต่อได้', [])).toBe(false);
  });
});
