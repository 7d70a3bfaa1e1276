import crypto from 'node:crypto';
import type Redis from 'ioredis';
import { LuaScript } from '../../src/storage/lua-script';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';

describeWithRedis('Lua scripts by SHA (EVALSHA)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectTestRedis(redisTestUrl(15));
  });
  afterAll(() => redis.disconnect());

  it('sends the text only when Redis does not know the script, then its SHA', async () => {
    // A script this server has never seen (as after a restart or SCRIPT FLUSH).
    const script = new LuaScript(`-- ${crypto.randomUUID()}\nreturn ARGV[1] .. KEYS[1]`);
    const evals = jest.spyOn(redis, 'eval');
    expect(await script.run(redis, ['k'], ['v'])).toBe('vk');
    expect(evals).toHaveBeenCalledTimes(1);
    expect(await script.run(redis, ['k2'], ['w'])).toBe('wk2');
    expect(evals).toHaveBeenCalledTimes(1);
    evals.mockRestore();
  });

  it('passes on the errors of the script itself', async () => {
    const script = new LuaScript(`-- ${crypto.randomUUID()}\nreturn redis.call('INCR', KEYS[1])`);
    await redis.set('lua-test:text', 'not a number');
    await expect(script.run(redis, ['lua-test:text'], [])).rejects.toThrow(/not an integer/);
  });
});
