import type Redis from 'ioredis';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { BotService } from '../../src/conversation/service';
import { RedisConversationStore, redisConversationLock } from '../../src/storage/redis';
import { core } from './recording-channel';

/**
 * Two instances on one Redis, one conversation, quick messages on both: every turn must see the
 * state left by the one before (never two turns between reading and writing it).
 */
const REDIS_URL = redisTestUrl(12);

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
    class WatchedStore extends RedisConversationStore {
      override async get(key: string) {
        most = Math.max(most, ++inTurn);
        return super.get(key);
      }
      override async set(...args: Parameters<RedisConversationStore['set']>) {
        await super.set(...args);
        inTurn--;
      }
    }
    const instance = () => new BotService({ core, store: new WatchedStore(redis!), idleTtlSeconds: 600, conversationLock: redisConversationLock(redis!) });
    const [a, b] = [instance(), instance()];
    const turn = (text: string) => ({ channel: 'web' as const, conversationId: 'c-shared', userId: 'u', kind: 'message' as const, text, at: new Date().toISOString() });
    const texts = Array.from({ length: 12 }, (_, i) => `message ${i}`);
    await Promise.all(texts.map((t, i) => (i % 2 ? a : b).handle(turn(t))));
    const lines = await new RedisConversationStore(redis!).transcript(BotService.key('web', 'c-shared'));
    const said = lines.filter((e) => e.from === 'user').map((e) => e.text);
    expect([...said].sort()).toEqual([...texts].sort());
    expect(most).toBe(1);
  });
});
