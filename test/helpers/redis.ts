import Redis from 'ioredis';

/**
 * A connected Redis client for tests that need one, or undefined with a printed reason: Redis
 * runs on the team's machines and in CI (.ci/run starts it), not necessarily on a laptop.
 */
export async function redisOrSkip(url: string, what: string): Promise<Redis | undefined> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return r;
  } catch (e) {
    console.log(`skipped: ${what} needs a Redis server at ${url} (${(e as Error).message})`);
    r.disconnect();
    return undefined;
  }
}
