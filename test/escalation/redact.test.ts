import fs from 'node:fs';
import path from 'node:path';
import { loadKnowledge } from '../../src/knowledge/load';
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
    // Found by sellers' phrasings: words between the label and the value, no separator, a
    // password of several words, spaced digits.
    ['รหัส lazada ของหนู ploy1999 ค่ะ', 'ploy1999', 'password'],
    ['รหัสผ่านใหม่ที่เปลี่ยนคือ abcd1234', 'abcd1234', 'password'],
    ['ลองแล้วค่ะ รหัสผ่านของร้านคือ mani1234 ใส่แล้วก็ยังขึ้นเหมือนเดิม', 'mani1234', 'password'],
    ['ตั้งรหัสใหม่เป็น sunflower99 แล้วก็ยังไม่ได้ค่ะ', 'sunflower99', 'password'],
    ['อ้อ password shopee คือ Kaew@2024 นะคะ', 'Kaew@2024', 'password'],
    ['รหัสเข้า seller center คือ somsri2530', 'somsri2530', 'password'],
    ['รหัส ploy1999', 'ploy1999', 'password'],
    ['password for lazada is Qwerty99.', 'Qwerty99', 'password'],
    ['I changed my password yesterday to Abc123 but still fails', 'Abc123', 'password'],
    ['pw: Mango Sticky 99', 'Sticky 99', 'password'],
    ['password: correct horse battery staple', 'horse battery staple', 'password'],
    ['otp 4 8 3 9 2 0 ค่ะ', '4 8 3 9 2 0', 'otp'],
    ['รหัส OTP 4839 20', '4839 20', 'otp'],
    ['OTP ที่ได้คือ 4821', '4821', 'otp'],
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
    // Codes support needs, names, and complaints that read like a label and a value.
    'เชื่อมร้าน lazada ไม่ได้ ขึ้นรหัสข้อผิดพลาด 500100 ค่ะ',
    'error code 10001',
    'error code 500100',
    'Shopify ตอบรหัส 402 เมื่อร้านถูกระงับ',
    'ร้านชื่อ Ploy2024Shop ค่ะ',
    'รหัสไม่ถูกค่ะ',
    'password: wrong',
    'password: not accepted by lazada',
    'PASSWORD NOT MATCH ลาซาด้า แก้ยังไงคะ',
    "lazada keeps saying password doesn't match",
    'Check that the password you typed in the connection form is correct.',
    'forgot the password of the account where my shop is connected',
    'after a password change, a security checkpoint',
    'Never send a password or OTP code by chat or e-mail.',
    'ก๊อปรหัสมาวางแล้วก็ยังขึ้น password_not_match',
    'กรุณาอย่าส่งรหัสผ่านหรือรหัสยืนยัน (OTP) ในแชทนะคะ',
    'my permalink is ?p=123 and woocommerce wont connect',
    'https://open.lazada.com/apps/doc/doc?nodeId=10777&docId=108260',
    '555555',
    'code not received since 2024',
  ])('leaves ordinary text alone: %j', (input) => {
    expect(redact(input)).toEqual({ text: input, kinds: [] });
  });

  it('ends a password of several words where the sentence or another secret goes on', () => {
    expect(redact('pw: Mango Sticky 99 but lazada fails').text).toBe('pw: [password removed] but lazada fails');
    expect(redact('shopee password: Hunter2!x otp 123456').text).toBe('shopee password: [password removed] otp [code removed]');
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

  it("leaves the bot's own texts and the labelled sellers' messages alone", () => {
    // Bot lines go through redact() too, and the labelled messages hold no secrets: anything
    // found there is a rule hiding what sellers and support need to read.
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    const root = path.join(__dirname, '..', '..');
    for (const lang of ['th', 'en']) walk(JSON.parse(fs.readFileSync(path.join(root, 'locales', lang, 'translation.json'), 'utf8')));
    walk(loadKnowledge(path.join(root, 'knowledge')).topics);
    for (const file of ['labelled.jsonl', 'holdout.jsonl']) {
      for (const line of fs.readFileSync(path.join(root, 'test', 'data', file), 'utf8').split('\n').filter(Boolean)) strings.push((JSON.parse(line) as { text: string }).text);
    }
    expect(strings.length).toBeGreaterThan(2000);
    expect(strings.filter((s) => redact(s).kinds.length > 0)).toEqual([]);
  });
});
