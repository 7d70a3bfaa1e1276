import type Redis from 'ioredis';
import { FRAGMENT_TTL_MS, type BurstPosition, type BurstStore, type Fragment } from './burst-store';
import { LuaScript } from './lua-script';

// A conversation's burst is one hash, id -> {seq, id, text, at, takenBy?}, and its counter
// field "#seq"; both expire with the burst. A burst holds a handful of pieces, so the scripts
// read it whole.

// KEYS: the hash. ARGV: id, fragment JSON (without seq), ttl ms.
const ADD_SCRIPT = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
local f = cjson.decode(ARGV[2])
f.seq = redis.call('HINCRBY', KEYS[1], '#seq', 1)
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(f))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

// KEYS: the hash. ARGV: id. Marks the untaken fragments up to the id as taken by it, returns
// every fragment it has taken. One script, so two instances never both take one.
const TAKE_SCRIPT = new LuaScript(`
local all = redis.call('HGETALL', KEYS[1])
local mine = redis.call('HGET', KEYS[1], ARGV[1])
if not mine then return {} end
local limit = cjson.decode(mine).seq
local out = {}
for i = 1, #all, 2 do
  if all[i] ~= '#seq' then
    local f = cjson.decode(all[i + 1])
    if f.takenBy == nil and f.seq <= limit then
      f.takenBy = ARGV[1]
      redis.call('HSET', KEYS[1], all[i], cjson.encode(f))
    end
    if f.takenBy == ARGV[1] then out[#out + 1] = cjson.encode(f) end
  end
end
return out
`);

type Kept = Fragment & { seq: number; takenBy?: string };

/** The burst store shared by every instance (see BurstStore). */
export class RedisBurstStore implements BurstStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:burst:',
  ) {}

  async add(conversationId: string, f: Fragment): Promise<void> {
    await ADD_SCRIPT.run(this.redis, [this.prefix + conversationId], [f.id, JSON.stringify({ id: f.id, text: f.text, at: f.at }), FRAGMENT_TTL_MS]);
  }

  async position(conversationId: string, id: string): Promise<BurstPosition> {
    const all = await this.redis.hgetall(this.prefix + conversationId);
    delete all['#seq'];
    const kept = Object.values(all).map((v) => JSON.parse(v) as Kept);
    const mine = kept.find((f) => f.id === id);
    const newest = kept.filter((f) => f.takenBy === undefined).sort((a, b) => b.seq - a.seq)[0];
    return { mine: mine && { takenBy: mine.takenBy }, newest: newest && { id: newest.id, text: newest.text, at: newest.at } };
  }

  async take(conversationId: string, throughId: string): Promise<Fragment[]> {
    const taken = ((await TAKE_SCRIPT.run(this.redis, [this.prefix + conversationId], [throughId])) as string[]).map((v) => JSON.parse(v) as Kept);
    return taken.sort((a, b) => a.seq - b.seq).map(({ id, text, at }) => ({ id, text, at }));
  }
}
