import type Redis from 'ioredis';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../../helpers/redis';
import { deliverLine, startApp, type RunningApp } from '../../helpers/app-harness';
import { lineEnv } from '../../helpers/line-app';
import { FakeLineApi, textEvent } from './fake-line-api';

/**
 * With REDIS_URL, a LINE event redelivered to another instance is still answered only once, and
 * the pieces of a burst that reach different instances are answered once, together.
 */
const REDIS_URL = redisTestUrl(13);

describeWithRedis('LINE de-duplication shared between instances (Redis)', () => {
  let redis: Redis | undefined;
  let fake: FakeLineApi;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis(REDIS_URL);
    await redis.flushdb();
    fake = new FakeLineApi();
    await fake.start();
    const env = { ...lineEnv(fake), REDIS_URL, MESSAGE_BURST_WAIT_MS: '800' };
    apps.push(await startApp(env), await startApp(env));
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await fake?.stop();
    await redis?.flushdb();
    redis?.disconnect();
  });

  it('answers an event once even when both instances receive it', async () => {
    const event = textEvent('ร้าน shopee หมดอายุ ต้องทำยังไง');
    // Alone within the wait: answered after it.
    const first = await deliverLine(apps[0], fake, event);
    const again = await deliverLine(apps[1], fake, { ...event, deliveryContext: { isRedelivery: true } });
    expect(first).toMatch(/flex/);
    expect(again).toBe('[]');
    expect(fake.sends()).toHaveLength(1);
  });

  it('answers the pieces of a burst that reached two instances once, with all of them', async () => {
    const before = fake.sends().length;
    const pieces = ['ร้านlazadaค่ะ', 'ต่อไม่ได้', 'ขึ้น internal data error'];
    await Promise.all(
      pieces.map(async (text, i) => {
        await new Promise((r) => setTimeout(r, i * 200));
        await deliverLine(apps[i % 2], fake, textEvent(text));
      }),
    );
    const sent = fake.sends().slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0].body)).toContain('INTERNAL_DATA_ERROR');
  });
});
