import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { TRANSCRIPT_LIMIT, type ConversationState, type TranscriptEntry } from '../conversation/state';
import { withoutTranscript, type ConversationStore, type HeldConversation } from './conversation-store';
import { LuaScript } from './lua-script';
import { RecentStates } from './recent-states';

// KEYS: state, transcript, lock, state version. ARGV: state JSON, ttl seconds, lines kept, lock
// token (empty: none held), version, lines to append... One command instead of a MULTI of
// five: under load the client's cost is per command.
const SET_STATE_SCRIPT = new LuaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[2])
if #ARGV > 5 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 6))
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
return 1
`);

// KEYS: lock, state, state version. ARGV: token, lock ms, the version this instance has in
// memory (empty: none). The lock, and with it the state, in one step; {2} when the state is
// still the one this instance saved, which it need not read again.
const HOLD_SCRIPT = new LuaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) == ARGV[3] then return {2} end
return {1, redis.call('GET', KEYS[2])}
`);
// KEYS: lock. ARGV: token, lock ms (0: let go). Only the holder's token touches the lock.
const LOCK_SCRIPT = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`);

export interface HoldOptions {
  /** The lock expires unless renewed: a crashed instance holds a conversation this long at most. */
  lockMs: number;
  /** Renewed this often while a turn runs (a slow status check, a hand-over). */
  renewMs: number;
  /** A turn waits for another instance's turn of the same conversation up to about this long. */
  waitMs: number;
  retryMs: number;
}

export const HOLD: HoldOptions = { lockMs: 10_000, renewMs: 3_000, waitMs: 15_000, retryMs: 25 };

export class RedisConversationStore implements ConversationStore {
  /**
   * The states this instance saved last (up to 2,000), parsed, with the version each was saved
   * under (the saving turn's lock token, kept in Redis beside the state). A conversation's next
   * turn often comes to the same instance; the hold then finds the version unchanged and the
   * state need not cross the network and be parsed again (about 3 KB). Another instance's save
   * changes the version. Handed over by the hold like SQLite's (the caller may change the object).
   */
  private readonly recent = new RecentStates<{ state: ConversationState; version: string }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:state:',
    private readonly lockPrefix = 'bot:lock:',
    private readonly holdOptions: HoldOptions = HOLD,
  ) {}

  async hold(key: string): Promise<HeldConversation> {
    const o = this.holdOptions;
    const token = randomUUID();
    const lockKey = this.lockPrefix + key;
    const deadline = Date.now() + o.waitMs;
    const kept = this.recent.take(key);
    let reply: [number, string | null];
    for (;;) {
      reply = (await HOLD_SCRIPT.run(this.redis, [lockKey, this.prefix + key, this.versionKey(key)], [token, o.lockMs, kept?.version ?? ''])) as [number, string | null];
      if (reply[0] !== 0) break;
      if (Date.now() >= deadline) throw new Error(`conversation ${key} is busy in another instance (waited ${o.waitMs} ms)`);
      await new Promise((resolve) => setTimeout(resolve, o.retryMs * (0.5 + Math.random())));
    }
    const lock = (ms: number) => LOCK_SCRIPT.run(this.redis, [lockKey], [token, ms]);
    let held = true;
    const renew = setInterval(() => void lock(o.lockMs).catch(() => undefined), o.renewMs);
    renew.unref();
    const letGo = () => {
      held = false;
      clearInterval(renew);
    };
    return {
      state: reply[0] === 2 ? kept!.state : reply[1] ? (JSON.parse(reply[1]) as ConversationState) : undefined,
      save: async (state, ttlSeconds, lines = []) => {
        if (!held) throw new Error('conversation saved after its hold ended');
        letGo();
        try {
          const stored = await this.write(key, state, ttlSeconds, lines, token);
          this.recent.keep(key, { state: stored, version: token });
        } catch (err) {
          // Not saved: the lock still goes now, not when it expires.
          await lock(0).catch(() => undefined);
          throw err;
        }
      },
      release: async () => {
        if (!held) return;
        letGo();
        await lock(0);
      },
    };
  }

  private linesKey(key: string): string {
    return `${this.prefix}${key}:transcript`;
  }

  private versionKey(key: string): string {
    return `${this.prefix}${key}:version`;
  }

  async get(key: string): Promise<ConversationState | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw ? (JSON.parse(raw) as ConversationState) : undefined;
  }

  async set(key: string, state: ConversationState, ttlSeconds: number, lines: TranscriptEntry[] = []): Promise<void> {
    this.recent.drop(key);
    await this.write(key, state, ttlSeconds, lines, '');
  }

  /** Saves the state under a new version (the lock token when held); returns it as stored. */
  private async write(key: string, state: ConversationState, ttlSeconds: number, lines: TranscriptEntry[], token: string): Promise<ConversationState> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const stored = withoutTranscript(state);
    await SET_STATE_SCRIPT.run(
      this.redis,
      [this.prefix + key, this.linesKey(key), this.lockPrefix + key, this.versionKey(key)],
      [JSON.stringify(stored), ttl, TRANSCRIPT_LIMIT, token, token || randomUUID(), ...lines.map((l) => JSON.stringify(l))],
    );
    return stored;
  }

  async transcript(key: string): Promise<TranscriptEntry[]> {
    return (await this.redis.lrange(this.linesKey(key), -TRANSCRIPT_LIMIT, -1)).map((l) => JSON.parse(l) as TranscriptEntry);
  }

  async delete(key: string): Promise<void> {
    this.recent.drop(key);
    await this.redis.del(this.prefix + key, this.linesKey(key), this.versionKey(key));
  }

  // Keys expire on their own: nothing to sweep.
  async sweep(): Promise<number> {
    return 0;
  }
}
