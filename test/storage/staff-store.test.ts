import Database from 'better-sqlite3';
import type Redis from 'ioredis';
import { StaffAuth, StaffError } from '../../src/admin/staff';
import { RedisStaffStore, SqliteStaffStore, type StaffStore } from '../../src/storage/staff-store';
import { connectTestRedis, dropTestKeys, describeWithRedis, HAVE_REDIS, redisTestUrl } from '../helpers/redis';

/** Console accounts and sessions: the same on the embedded SQLite default and on Redis. */
const REDIS_URL = redisTestUrl(5);
const prefix = `test:${process.pid}:${Date.now()}:staff:`;
let redis: Redis | undefined;

beforeAll(async () => {
  if (HAVE_REDIS) redis = await connectTestRedis(REDIS_URL);
});
afterAll(() => dropTestKeys(redis, prefix));

function suite(make: (run: number) => StaffStore): void {
  let run = 0;
  let store: StaffStore;
  let staff: StaffAuth;
  beforeEach(() => {
    store = make(run++);
    staff = new StaffAuth(store);
  });

  it('keeps an argon2id hash, never the password, and signs in with it', async () => {
    expect(await staff.setPassword('Ploy@BigSeller.example', 'correct horse battery')).toBe(true);
    const account = await store.account('ploy@bigseller.example');
    expect(account?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(account)).not.toContain('correct horse');
    expect(await staff.login('ploy@bigseller.example', 'wrong password')).toBeUndefined();
    const session = await staff.login('PLOY@bigseller.example', 'correct horse battery');
    expect(session?.email).toBe('ploy@bigseller.example');
    expect(await staff.sessionOf(session!.token)).toBe('ploy@bigseller.example');
    expect(await staff.sessionOf('made-up')).toBeUndefined();
    expect(await staff.accounts()).toEqual([{ email: 'ploy@bigseller.example', createdAt: expect.any(String) }]);
  });

  it('a new password, or the account removed, ends its sessions', async () => {
    await staff.setPassword('ploy@bigseller.example', 'correct horse battery');
    const first = await staff.login('ploy@bigseller.example', 'correct horse battery');
    expect(await staff.setPassword('ploy@bigseller.example', 'another long password')).toBe(false);
    expect(await staff.sessionOf(first!.token)).toBeUndefined();
    const second = await staff.login('ploy@bigseller.example', 'another long password');
    expect(await staff.remove('ploy@bigseller.example')).toBe(true);
    expect(await staff.sessionOf(second!.token)).toBeUndefined();
    expect(await staff.login('ploy@bigseller.example', 'another long password')).toBeUndefined();
    expect(await staff.remove('ploy@bigseller.example')).toBe(false);
  });

  it('refuses a short password and an address inside a sentence', async () => {
    await expect(staff.setPassword('ploy@bigseller.example', 'short')).rejects.toThrow(StaffError);
    await expect(staff.setPassword('my address is ploy@bigseller.example', 'correct horse battery')).rejects.toThrow(/not an e-mail address/);
    expect(await staff.accounts()).toEqual([]);
  });
}

describe('staff accounts on SQLite', () => {
  suite(() => new SqliteStaffStore(new Database(':memory:')));
});

describeWithRedis('staff accounts on Redis', () => {
  suite((run) => new RedisStaffStore(redis!, `${prefix}${run}:`));
});
