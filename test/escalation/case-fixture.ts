import type { EscalationCase } from '../../src/escalation/case';

/** A realistic hand-over with secrets planted where a careless seller would type them. */
export function sampleCase(over: Partial<EscalationCase> = {}): EscalationCase {
  return {
    userKey: 'web:seller-1',
    channel: 'web',
    userRef: 'line:U4af4980629f8a1b2c3d4e5f6a7b8c9d0',
    accountId: 'A-77001',
    lang: 'th',
    contactEmail: 'seller@example.com',
    problem: 'ร้าน Lazada เชื่อมต่อไม่ได้ 😭 ขึ้น PASSWORD_NOT_MATCH ทั้งที่ password: Hunter2! ถูกต้อง',
    reason: 'not-fixed',
    platforms: ['lazada'],
    errorCodes: ['PASSWORD_NOT_MATCH'],
    articlesTried: [{ topic: 'lazada-password-not-match', title: 'Lazada: PASSWORD_NOT_MATCH', outcome: 'not fixed' }],
    needsAccountCredentials: false,
    statusSnapshot: { at: '2026-01-01T10:00:00.000Z', stores: [{ storeId: 's1', platform: 'lazada', nickname: 'ร้านของฉัน 🛍️', status: 'error', lastError: { code: 'PASSWORD_NOT_MATCH' } }] },
    transcript: [
      { from: 'user', text: 'lazada says PASSWORD_NOT_MATCH 🙏', at: '2026-01-01T10:00:00.000Z' },
      { from: 'bot', text: 'ลองทำตามขั้นตอนนี้นะคะ', at: '2026-01-01T10:00:01.000Z' },
      { from: 'user', text: 'ไม่ได้ค่ะ otp 123456 ก็ใส่แล้ว', at: '2026-01-01T10:01:00.000Z' },
    ],
    screenshots: [],
    createdAt: '2026-01-01T10:02:00.000Z',
    ...over,
  };
}

/** Strings that must never reach support's mailbox. */
export const SECRETS = ['Hunter2', '123456'];
