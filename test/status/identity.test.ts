import jwt from 'jsonwebtoken';
import { signIdentity, verifiedIdentity } from '../../src/status/identity';

const verifyIdentity = (token: unknown, secret: string | undefined) => verifiedIdentity(token, secret)?.accountId;

describe('web identity token', () => {
  const secret = 'test-identity-secret';
  it('accepts a valid token and returns the account id', () => {
    expect(verifyIdentity(signIdentity('A1', secret), secret)).toBe('A1');
  });
  it.each([
    ['forged (other secret)', () => signIdentity('A1', 'other')],
    ['expired', () => jwt.sign({ sub: 'A1', exp: Math.floor(Date.now() / 1000) - 10 }, secret)],
    ['without expiry', () => jwt.sign({ sub: 'A1' }, secret)],
    ['without sub', () => jwt.sign({ foo: 1 }, secret, { expiresIn: 60 })],
    ['alg none', () => jwt.sign({ sub: 'A1' }, '', { algorithm: 'none', expiresIn: 60 })],
    ['garbage', () => 'not.a.jwt'],
  ])('treats a %s token as anonymous', (_name, make) => {
    expect(verifyIdentity(make(), secret)).toBeUndefined();
  });
  it('reads an optional e-mail claim, ignoring one that is not an address', () => {
    expect(verifiedIdentity(signIdentity('A1', secret, 60, 'owner@shop.example'), secret)).toEqual({ accountId: 'A1', email: 'owner@shop.example' });
    expect(verifiedIdentity(signIdentity('A1', secret, 60, 'x\r\nBcc: y@z.com'), secret)).toEqual({ accountId: 'A1' });
  });
  it('is anonymous when no secret is configured', () => {
    expect(verifyIdentity(signIdentity('A1', secret), undefined)).toBeUndefined();
  });
});
