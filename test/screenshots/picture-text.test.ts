import fc from 'fast-check';
import { codesTakenForSecrets, MAX_PICTURE_TEXT, PICTURE_MASK, redactPictureText, tidyReadText } from '../../src/screenshots/picture-text';

describe('the text read in a picture, made fit to keep', () => {
  it('hides the e-mail address, the phone number and a password shown in clear', () => {
    const read = redactPictureText('Shopee Seller Centre\nอีเมล: ploy.shop@gmail.com\nรหัสผ่าน: sunflower2020\nโทร 081-234-5678\nError: PASSWORD_NOT_MATCH');
    expect(read.text).toBe(`Shopee Seller Centre\nอีเมล: ${PICTURE_MASK.email}\nรหัสผ่าน: [password removed]\nโทร ${PICTURE_MASK.phone}\nError: PASSWORD_NOT_MATCH`);
    expect(read.kinds).toEqual(['password']);
    expect(read.hidden).toBe(true);
  });

  it.each([
    ['an address read with spaces around the dot', 'seller: somchai.shop @ gmail . com', `seller: ${PICTURE_MASK.email}`],
    ['a Thai mobile number without dashes', 'OTP sent to 0812345678', `OTP sent to ${PICTURE_MASK.phone}`],
    ['a number with the country code', 'Phone +66 81 234 5678', `Phone ${PICTURE_MASK.phone}`],
    ['an address whose dot OCR lost', '* Account urbanbag.th@outiook com', `* Account ${PICTURE_MASK.email}`],
    ['an address OCR ran together', 'BigSeller ภาษาไทย | malveauy@gmaiicomv', `BigSeller ภาษาไทย | ${PICTURE_MASK.email}`],
    ['an OTP code with its label', 'รหัส OTP ของคุณคือ 483920', 'รหัส OTP ของคุณคือ [code removed]'],
  ])('hides %s', (_what, raw, kept) => {
    expect(redactPictureText(raw).text).toBe(kept);
  });

  it('keeps error codes, order numbers of other lengths and words as they are', () => {
    const raw = 'Lazada error code: INTERNAL_DATA_ERROR\nrequest_id 2140e3a817\nคำสั่งซื้อ 12 รายการ';
    expect(redactPictureText(raw)).toEqual({ text: raw, kinds: [], hidden: false });
  });

  it('drops empty and symbol-only lines and runs of spaces, and keeps at most MAX_PICTURE_TEXT characters', () => {
    expect(tidyReadText('  Error:   PASSWORD_NOT_MATCH \n\n —— \n ตกลง ')).toBe('Error: PASSWORD_NOT_MATCH\nตกลง');
    expect(tidyReadText('ก'.repeat(5000))).toHaveLength(MAX_PICTURE_TEXT);
  });

  it('never keeps an e-mail address, whatever surrounds it', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,12}$/);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), word, word, fc.constantFrom('com', 'co.th', 'net'), fc.string({ maxLength: 40 }), (before, user, host, tld, after) => {
        const address = `${user}@${host}.${tld}`;
        expect(redactPictureText(`${before} ${address}\n${after}`).text).not.toContain(address);
      }),
    );
  });

  it('reads a long run of dots and dashes around an @ and hides it (bounded patterns: the test timeout catches a quadratic one)', () => {
    const raw = `${'a.'.repeat(500)}@${'b-'.repeat(90)}`;
    expect(redactPictureText(raw).text).not.toContain('@');
  });
});

describe('error codes the redaction took for a secret', () => {
  const KNOWN = ['INTERNAL_DATA_ERROR', 'PASSWORD_NOT_MATCH'];
  const lost = (raw: string) => codesTakenForSecrets(raw, redactPictureText(raw).text, KNOWN);

  it.each([
    ['printed under the password field, whose value was not read', 'อีเมลบัญชี Lazada\nbaan.shop@gmail.com\nรหัสผ่าน\nPASSWORD_NOT_MATCH'],
    ['split after the word password', 'A Lazada store connection failed — PASSWORD _NOT_MATCH. Re-enter the password'],
    ['as the value of a password label', 'Password: PASSWORD_NOT_MATCH'],
  ])('gives back a code %s', (_how, raw) => {
    expect(redactPictureText(raw).text).not.toContain('PASSWORD_NOT_MATCH');
    expect(lost(raw)).toEqual(['PASSWORD_NOT_MATCH']);
  });

  it('gives back nothing else: not the password, not a code the text kept', () => {
    expect(lost('รหัสผ่าน\nSunflower#2020\nError: INTERNAL_DATA_ERROR')).toEqual([]);
    expect(lost('Password: SUNFLOWER_2020')).toEqual([]);
    expect(lost('Error: PASSWORD_NOT_MATCH')).toEqual([]);
  });
});
