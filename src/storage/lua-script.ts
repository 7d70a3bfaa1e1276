import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Lua script sent by its SHA1 (EVALSHA), its text only when this Redis has not seen it yet
 * (after a restart or SCRIPT FLUSH): a turn runs several, and their text is most of the bytes.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
