import { redact, redactDeep } from '../../src/escalation/redact';

describe('redact', () => {
  it.each([
    ['my password is Hunter2!', 'Hunter2!', 'password'],
    ['รหัสผ่านคือ abc12345 ค่ะ', 'abc12345', 'password'],
    ['pass: qwerty', 'qwerty', 'password'],
    ['password:hunter2', 'hunter2', 'password'],
    ['pw=abc123', 'abc123', 'password'],
    ['รหัสผ่านAbc12345', 'Abc12345', 'password'],
    ['my pw คือ P@ss', 'P@ss', 'password'],
    ['Lazada123', 'Lazada123', 'password'],
    ['otp 123456', '123456', 'otp'],
    ['รหัส 4821', '4821', 'otp'],
    ['493817', '493817', 'otp'],
    ['โค้ด: ๔๘๒๑๙๙', '๔๘๒๑๙๙', 'otp'],
    ['key ck_0123456789abcdef0123456789abcdef', 'ck_0123456789abcdef0123456789abcdef', 'token'],
    ['Authorization: Bearer abcdefghijklmnop1234', 'abcdefghijklmnop1234', 'token'],
  ])('hides the secret in %j', (input, secret, kind) => {
    const r = redact(input);
    expect(r.text).not.toContain(secret);
    expect(r.kinds).toContain(kind);
  });

  it.each([
    'PASSWORD_NOT_MATCH ตอนเชื่อม lazada',
    'password not match',
    'lazada says my password is wrong',
    'รหัสผ่านไม่ตรง',
    'INTERNAL_DATA_ERROR',
    'order 2311234ABCDEF',
    'call 0812345678',
    'ร้าน shopee หมดอายุ 2 วัน',
    'error 401 on woocommerce',
    'since 2024',
    'https://shop.example.com/wp-json/',
    'me@shop.co.th',
    '/tmp/d1',
    './data/mail',
    'Lazada: INTERNAL_DATA_ERROR',
    '{"key": "value"}',
    '[article lazada-password-not-match] เชื่อมต่อร้าน Lazada แล้วขึ้น PASSWORD_NOT_MATCH',
    'password-not-match',
    'see password.txt',
  ])('leaves ordinary text alone: %j', (input) => {
    expect(redact(input)).toEqual({ text: input, kinds: [] });
  });

  it('changes nothing the second time: its own masks are no label and no secret', () => {
    for (const input of ['my password is Hunter2!', 'Hunter2!', 'otp 123456 pw=abc123', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV']) {
      const once = redact(input).text;
      expect(once).toMatch(/removed\]/);
      expect(redact(once)).toEqual({ text: once, kinds: [] });
    }
    // A new secret beside an old mask is still found.
    expect(redact('[password removed] and pass: qwerty1')).toEqual({ text: '[password removed] and pass: [password removed]', kinds: ['password'] });
  });

  it('redacts inside nested values', () => {
    expect(redactDeep({ a: ['otp 123456'], b: 3 })).toEqual({ a: ['otp [code removed]'], b: 3 });
  });
});
