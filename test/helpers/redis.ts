import Redis from 'ioredis';

/** Whether the global setup found a Redis server (see test/global-setup.js). */
export const HAVE_REDIS = process.env.REDIS_TEST_AVAILABLE === '1';

/** `describe` when Redis answers, `describe.skip` otherwise (the reason is printed once by the setup). */
export const describeWithRedis: jest.Describe = HAVE_REDIS ? describe : describe.skip;

/**
 * The test Redis server (REDIS_TEST_URL_BASE, else 127.0.0.1:6379, as the global setup checks)
 * with a database of the suite's own: suites run in parallel and some flush their database.
 */
export function redisTestUrl(db: number): string {
  const url = new URL(process.env.REDIS_TEST_URL_BASE ?? 'redis://127.0.0.1:6379');
  url.pathname = `/${db}`;
  return url.toString();
}

/** A connected client for a test database (the server was found by the global setup). */
export async function connectTestRedis(url: string): Promise<Redis> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  await r.ping();
  return r;
}

/** Deletes a test's keys (its own prefix: suites share a server) and disconnects. */
export async function dropTestKeys(redis: Redis | undefined, prefix: string): Promise<void> {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
