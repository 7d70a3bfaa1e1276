import type Redis from 'ioredis';
import type { EventDedupStore } from './event-dedup';
import type { EventInbox, PendingEvent } from './event-inbox';
import { LuaScript } from './lua-script';

/** Webhook de-duplication shared by every instance: SET NX, so exactly one instance wins an id. */
export class RedisEventDedupStore implements EventDedupStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:once:',
  ) {}

  async claim(id: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + id, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK';
  }
}

// KEYS: once key, inbox hash. ARGV: id, "owner\nreceivedAt\nbody", ttl seconds.
const INBOX_ACCEPT_SCRIPT = new LuaScript(`
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[3], 'NX') then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`);

// KEYS: inbox hash. ARGV: alive key prefix, owner, alive ms. Entries are "owner\nreceivedAt\nbody".
// One script, so two live instances never adopt the same orphan.
const INBOX_ADOPT_SCRIPT = new LuaScript(`
redis.call('SET', ARGV[1] .. ARGV[2], '1', 'PX', ARGV[3])
local all = redis.call('HGETALL', KEYS[1])
local alive = {}
local out = {}
for i = 1, #all, 2 do
  local v = all[i + 1]
  local nl = string.find(v, '\\n', 1, true)
  local owner = string.sub(v, 1, nl - 1)
  if owner ~= ARGV[2] then
    if alive[owner] == nil then alive[owner] = redis.call('EXISTS', ARGV[1] .. owner) == 1 end
    if not alive[owner] then
      local rest = string.sub(v, nl + 1)
      redis.call('HSET', KEYS[1], all[i], ARGV[2] .. '\\n' .. rest)
      out[#out + 1] = all[i]
      out[#out + 1] = rest
    end
  end
end
return out
`);

/**
 * The inbox shared by every instance: one hash of pending events, and a short-lived key per
 * live instance. The id is claimed under the same key the de-duplication store uses.
 */
export class RedisEventInbox implements EventInbox {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:',
  ) {}

  private get inboxKey(): string {
    return `${this.prefix}inbox`;
  }

  async accept(id: string, body: string, receivedAt: number, owner: string, ttlSeconds: number): Promise<boolean> {
    const entry = `${owner}\n${receivedAt}\n${body}`;
    const fresh = await INBOX_ACCEPT_SCRIPT.run(this.redis, [`${this.prefix}once:${id}`, this.inboxKey], [id, entry, Math.max(1, Math.ceil(ttlSeconds))]);
    return Number(fresh) === 1;
  }

  async done(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.hdel(this.inboxKey, ...ids);
  }

  async adoptOrphans(owner: string, aliveMs: number): Promise<PendingEvent[]> {
    const flat = (await INBOX_ADOPT_SCRIPT.run(this.redis, [this.inboxKey], [`${this.prefix}alive:`, owner, Math.max(1, Math.round(aliveMs))])) as string[];
    const adopted: PendingEvent[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const rest = flat[i + 1]!;
      const nl = rest.indexOf('\n');
      adopted.push({ id: flat[i]!, receivedAt: Number(rest.slice(0, nl)), body: rest.slice(nl + 1) });
    }
    return adopted.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
  }

  async release(owner: string): Promise<void> {
    await this.redis.del(`${this.prefix}alive:${owner}`);
  }
}
