import fs from 'node:fs';
import path from 'node:path';
import { BotService } from '../../src/conversation/service';
import { migrate, type ConversationStateV1 } from '../../src/conversation/state';
import { RedisConversationStore } from '../../src/storage/redis';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../helpers/redis';
import { core, RecordingChannel } from './recording-channel';

/**
 * States stored by the version-1 build (test/data/states-v1: saved from real conversations at
 * each open question) are read in the version-2 shape and the conversation goes on from them.
 */
const dir = path.join(__dirname, '../data/states-v1');
const v1 = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as ConversationStateV1;

describe('version-1 states', () => {
  it('are read with their open question and hand-over draft in the new shape', () => {
    expect(migrate(v1('feedback'))).toMatchObject({ version: 2, question: { kind: 'feedback', topic: 'lazada-password-not-match' } });
    expect(migrate(v1('platform')).question).toMatchObject({ kind: 'platform', topic: v1('platform').pendingTopic, text: v1('platform').pendingText });
    expect(migrate(v1('clarify')).question).toEqual({ kind: 'clarify' });
    for (const step of ['offer', 'email', 'description', 'confirm'] as const) {
      const s = migrate(v1(`handover-${step}`));
      expect(s.question).toEqual({ kind: 'handover' });
      expect(s.draft).toMatchObject({ step });
    }
    // A summary that outlived another question: the draft stays, the question is the article's.
    const outlived = migrate(v1('summary-outlived'));
    expect(outlived.draft).toMatchObject({ step: 'confirm' });
    expect(outlived.question).toMatchObject({ kind: 'feedback' });
    expect(migrate(v1('resolved')).question).toBeUndefined();
    for (const name of fs.readdirSync(dir)) {
      const s = migrate(v1(name.replace('.json', ''))) as unknown as Record<string, unknown>;
      for (const gone of ['awaiting', 'pendingTopic', 'pendingText', 'handover']) expect({ name, has: gone in s }).toEqual({ name, has: false });
    }
  });

  it.each([
    ['feedback', 'ได้แล้วค่ะ ขอบคุณ', 'resolved'],
    ['platform', 'shopee ค่ะ', 'answer:'],
    ['clarify', '1', 'answer:'],
    ['handover-offer', 'ได้คับ ส่งเลย', 'ask-email'],
    ['handover-email', 'ploy.shop@gmail.com', 'ask-description'],
    ['handover-description', 'ข้ามจ้า', 'handover-summary'],
    ['handover-confirm', 'ส่งค่ะ', 'ticket'],
    ['summary-outlived', 'ส่งเลย', 'ticket'],
    ['after-ticket', 'ร้าน shopee หมดอายุ', 'answer:'],
  ])('continue from %s: "%s" gets %s', async (name, text, act) => {
    const ch = new RecordingChannel(`migrated-${name}`);
    await ch.store.set(BotService.key('test', ch.conversationId), v1(name) as never, 3600);
    const out = await ch.send(text);
    expect(out.map((m) => m.act).some((a) => a.startsWith(act))).toBe(true);
    expect((await ch.state())!.version).toBe(2);
  });
});

describeWithRedis('version-1 states stored in Redis', () => {
  it('are continued by the bot on a Redis store as on SQLite', async () => {
    const redis = await connectTestRedis(redisTestUrl(7));
    const prefix = `test:v1:${process.pid}:${Date.now()}:`;
    const store = new RedisConversationStore(redis, prefix);
    const bot = new BotService({ core, store, idleTtlSeconds: 3600, escalate: async () => ({ ticket: 'BS-REDIS1', existing: false, limited: false }) });
    try {
      const at = new Date().toISOString();
      for (const [name, text, act] of [
        ['handover-description', 'ข้ามจ้า', 'handover-summary'],
        ['summary-outlived', 'ส่งเลย', 'ticket'],
        ['feedback', 'ได้แล้วค่ะ ขอบคุณ', 'resolved'],
      ] as const) {
        // Written as the version-1 build wrote it: the JSON of its state, under the conversation's key.
        await redis.set(`${prefix}test:${name}`, JSON.stringify(v1(name)));
        const out = await bot.handle({ channel: 'test', conversationId: name, userId: 'u', kind: 'message', text, at });
        expect({ name, acts: out.map((m) => m.act) }).toEqual({ name, acts: expect.arrayContaining([act]) });
        expect((await store.get(`test:${name}`))!.version).toBe(2);
      }
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
