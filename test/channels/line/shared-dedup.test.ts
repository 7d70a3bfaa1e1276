import type Redis from 'ioredis';
import { connectTestRedis, describeWithRedis, redisTestUrl } from '../../helpers/redis';
import { deliverLine, startApp, type RunningApp } from '../../helpers/app-harness';
import { lineEnv } from '../../helpers/line-app';
import { FakeLineApi, textEvent } from './fake-line-api';

/** With REDIS_URL, a LINE event redelivered to another instance is still answered only once. */
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
    const env = { ...lineEnv(fake), REDIS_URL };
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
    const first = await deliverLine(apps[0], fake, event);
    const again = await deliverLine(apps[1], fake, { ...event, deliveryContext: { isRedelivery: true } });
    expect(first).toMatch(/flex/);
    expect(again).toBe('[]');
    expect(fake.sends()).toHaveLength(1);
  });
});
