import type Redis from 'ioredis';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { BotService } from '../../src/conversation/service';
import type { HeldConversation } from '../../src/storage/conversation-store';
import { HOLD, RedisConversationStore, type HoldOptions } from '../../src/storage/redis';
import { newState } from '../../src/conversation/state';
import { core } from './recording-channel';

/**
 * Two instances on one Redis, one conversation, quick messages on both: every turn must see the
 * state left by the one before (never two turns between reading and writing it).
 */
const REDIS_URL = redisTestUrl(12);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('one conversation across instances (Redis)', () => {
  let redis: Redis | undefined;
  beforeAll(async () => {
    redis = await connectTestRedis(REDIS_URL);
    await redis.flushdb();
  });
  afterAll(async () => {
    await redis?.flushdb();
    redis?.disconnect();
  });

  it('serialises turns of one conversation between two instances', async () => {
    // Each turn reads the state, then writes it: two turns inside that window at once would
    // overwrite each other's state. Both instances share this count (one test process).
    let inTurn = 0;
    let most = 0;
    let holds = 0;
    class WatchedStore extends RedisConversationStore {
      override async hold(key: string): Promise<HeldConversation> {
        const held = await super.hold(key);
        holds++;
        most = Math.max(most, ++inTurn);
        let open = true;
        const leave = () => {
          if (open) inTurn--;
          open = false;
        };
        return {
          state: held.state,
          save: async (...args) => {
            leave();
            await held.save(...args);
          },
          release: async () => {
            leave();
            await held.release();
          },
        };
      }
    }
    const instance = () => new BotService({ core, store: new WatchedStore(redis!), idleTtlSeconds: 600 });
    const [a, b] = [instance(), instance()];
    const turn = (text: string) => ({ channel: 'web' as const, conversationId: 'c-shared', userId: 'u', kind: 'message' as const, text, at: new Date().toISOString() });
    const texts = Array.from({ length: 12 }, (_, i) => `message ${i}`);
    await Promise.all(texts.map((t, i) => (i % 2 ? a : b).handle(turn(t))));
    const lines = await new RedisConversationStore(redis!).transcript(BotService.key('web', 'c-shared'));
    const said = lines.filter((e) => e.from === 'user').map((e) => e.text);
    expect([...said].sort()).toEqual([...texts].sort());
    expect(holds).toBe(12);
    expect(most).toBe(1);
    expect(await redis!.exists('bot:lock:web:c-shared')).toBe(0);
  });

  describe('the hold on a conversation', () => {
    const quick: HoldOptions = { ...HOLD, lockMs: 300, renewMs: 100, waitMs: 3000, retryMs: 10 };
    const state = (lang: 'th' | 'en') => ({ ...newState('2026-11-29T00:00:00.000Z'), lang });

    it('gives the next holder the state the one before saved', async () => {
      const store = new RedisConversationStore(redis!, 'bot:state:', 'bot:lock:', quick);
      const first = await store.hold('k1');
      expect(first.state).toBeUndefined();
      const second = store.hold('k1');
      await sleep(50);
      await first.save(state('en'), 60, [{ from: 'user', text: 'hello', at: '2026-11-29T00:00:00.000Z' }]);
      const next = await second;
      expect(next.state?.lang).toBe('en');
      await next.release();
      expect(await store.transcript('k1')).toEqual([{ from: 'user', text: 'hello', at: '2026-11-29T00:00:00.000Z' }]);
    });

    it('is renewed while a slow turn runs, and expires when its instance died', async () => {
      const store = new RedisConversationStore(redis!, 'bot:state:', 'bot:lock:', quick);
      const slow = await store.hold('k2');
      const waiting = store.hold('k2');
      let got = false;
      void waiting.then(() => (got = true));
      // Three lock lifetimes: renewed, still held.
      await sleep(900);
      expect(got).toBe(false);
      await slow.release();
      const next = await waiting;
      // Its instance "dies": nothing renews or releases, yet the lock expires.
      const dead = new RedisConversationStore(redis!, 'bot:state:', 'bot:lock:', { ...quick, renewMs: 60_000 });
      await next.release();
      await dead.hold('k2');
      const t0 = Date.now();
      const after = await store.hold('k2');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
      await after.release();
    });

    it('gives up with an error when another instance keeps the conversation too long', async () => {
      const store = new RedisConversationStore(redis!, 'bot:state:', 'bot:lock:', { ...quick, waitMs: 200 });
      const holder = await store.hold('k3');
      await expect(store.hold('k3')).rejects.toThrow(/busy in another instance/);
      await holder.release();
    });

    it('keeps the state it saved in memory, and reads the state another instance saved after it', async () => {
      const a = new RedisConversationStore(redis!, 'bot:state:', 'bot:lock:', quick);
      const b = new RedisConversationStore(redis!, 'bot:state:', 'bot:lock:', quick);
      await (await a.hold('k5')).save({ ...state('th'), tried: ['a1'] }, 60);
      // Changed behind the store's back (the version stays): instance a does not read it again.
      await redis!.set('bot:state:k5', JSON.stringify({ ...state('th'), tried: ['changed in Redis'] }));
      const again = await a.hold('k5');
      expect(again.state?.tried).toEqual(['a1']);
      // The holder may change what it was handed; unsaved, that reaches nobody.
      again.state!.tried.push('not saved');
      await again.release();
      const fromB = await b.hold('k5');
      expect(fromB.state?.tried).toEqual(['changed in Redis']);
      await fromB.release();
      // a saves (and remembers), then b saves: a's memory is out of date and not used.
      await (await a.hold('k5')).save({ ...state('th'), tried: ['a2'] }, 60);
      const b2 = await b.hold('k5');
      expect(b2.state?.tried).toEqual(['a2']);
      await b2.save({ ...state('en'), tried: ['b1'] }, 60);
      const backToA = await a.hold('k5');
      expect(backToA.state).toMatchObject({ lang: 'en', tried: ['b1'] });
      await backToA.release();
      await a.delete('k5');
      expect(await redis!.exists('bot:state:k5:version')).toBe(0);
      const gone = await a.hold('k5');
      expect(gone.state).toBeUndefined();
      await gone.release();
    });

    it('lets go of the lock only with its own token', async () => {
      const store = new RedisConversationStore(redis!, 'bot:state:', 'bot:lock:', { ...quick, renewMs: 60_000 });
      const stale = await store.hold('k4');
      // Its lock expired and another instance holds the conversation now.
      await sleep(400);
      const current = await store.hold('k4');
      await stale.release();
      expect(await redis!.exists('bot:lock:k4')).toBe(1);
      await current.save(state('th'), 60);
      expect(await redis!.exists('bot:lock:k4')).toBe(0);
    });
  });
});
