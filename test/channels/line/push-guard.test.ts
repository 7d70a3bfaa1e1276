import { LineClient } from '../../../src/channels/line/client';
import { PushGuard } from '../../../src/channels/line/push-guard';
import { createLogger } from '../../../src/logger';
import { FakeLineApi, TOKEN, USER } from './fake-line-api';

/** One guard for every push: answers pushed late are counted, proactive messages asked for. */
describe('the push guard', () => {
  it('leaves proactive pushes the budget share of the quota less what was pushed since LINE was read, reading LINE again after a minute', async () => {
    let now = 0;
    let reads = 0;
    let used = 49;
    const guard = new PushGuard({ readQuota: async () => (reads++, { limit: 100, used }), budgetPercent: 50, now: () => now });
    expect(await guard.proactiveLeft()).toBe(1);
    guard.pushed();
    expect(await guard.proactiveLeft()).toBe(0);
    expect(reads).toBe(1);
    // A minute on, LINE's own count has the push (and one more from another instance).
    [now, used] = [61_000, 51];
    expect(await guard.proactiveLeft()).toBe(0);
    expect(reads).toBe(2);
    expect(guard.quota).toEqual({ limit: 100, used: 51 });
  });

  it('allows nothing proactive when LINE cannot be read, and everything when LINE sets no limit', async () => {
    expect(await new PushGuard({ readQuota: () => Promise.reject(new Error('LINE down')), budgetPercent: 50 }).proactiveLeft()).toBeUndefined();
    expect(await new PushGuard({ readQuota: async () => ({ used: 10_000 }), budgetPercent: 50 }).proactiveLeft()).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts an answer the LINE client pushes because its reply window passed', async () => {
    const fake = new FakeLineApi();
    await fake.start();
    fake.quota = { type: 'limited', value: 100 };
    fake.quotaUsage = 49;
    const guard = new PushGuard({ readQuota: () => client.pushQuota(), budgetPercent: 50 });
    const client: LineClient = new LineClient({ channelAccessToken: TOKEN, apiBaseUrl: fake.url, guard }, createLogger('silent'));
    try {
      expect(await guard.proactiveLeft()).toBe(1);
      const delivered = await client.deliver({ to: USER, replyToken: 'expired-window', replyUsable: false, retryKeySeed: 'event-1' }, [[{ type: 'text', text: 'ในรูปเห็นข้อความ PASSWORD_NOT_MATCH ค่ะ' }]]);
      expect(delivered).toEqual({ replied: false, pushed: 1 });
      expect(await guard.proactiveLeft()).toBe(0);
    } finally {
      await client.close();
      await fake.stop();
    }
  });
});
