import { printedCodes } from '../../src/matching/printed-codes';

const KNOWN = ['PASSWORD_NOT_MATCH', 'INTERNAL_DATA_ERROR'];

describe('error codes as OCR prints them', () => {
  it.each([
    ['whole', 'Authorization failed: PASSWORD_NOT_MATCH', ['PASSWORD_NOT_MATCH']],
    ['underscores read as spaces', 'Error PASSWORD NOT MATCH', ['PASSWORD_NOT_MATCH']],
    ['letters read as digits', 'PASSW0RD_N0T_MATCH', ['PASSWORD_NOT_MATCH']],
    ['cut off at a table edge', '2024-06-11 10:02:41 Lazada Failed — INTERNAL DATA_ERRC', ['INTERNAL_DATA_ERROR']],
    ['its first letters lost, in a dark DevTools panel', 'rack 00 gt ams code ERNAL DATA ERROR",', ['INTERNAL_DATA_ERROR']],
    ['both codes', 'INTERNAL_DATA_ERROR then PASSWORD_NOT_MATCH', ['PASSWORD_NOT_MATCH', 'INTERNAL_DATA_ERROR']],
  ])('finds a code %s', (_how, text, codes) => {
    expect(printedCodes(text, KNOWN)).toEqual(codes);
  });

  it.each([
    ['a sentence in small letters (the aliases read those)', 'password not match'],
    ['another error of the same shape', 'INTERNAL SERVER ERROR'],
    ['a part of a code only', 'DATA_ERROR … NOT_MATCH'],
    ['half a code, from either end', 'INTERNAL_DA … TA_ERROR … RD_NOT_MATCH'],
    ['a page of capitals and no code', 'BIGSELLER DASHBOARD PRODUCTS ORDERS INVENTORY SETTINGS'],
    ['Latin read as Thai', 'INTERNAL อด7ล 8คล0ล x'],
  ])('finds nothing in %s', (_what, text) => {
    expect(printedCodes(text, KNOWN)).toEqual([]);
  });
});
