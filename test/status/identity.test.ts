import jwt from 'jsonwebtoken';
import { signIdentity, verifyIdentity } from '../../src/status/identity';

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
  it('is anonymous when no secret is configured', () => {
    expect(verifyIdentity(signIdentity('A1', secret), undefined)).toBeUndefined();
  });
});
