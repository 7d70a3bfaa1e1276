// Runs once before the test files: finds out whether a Redis server answers, so tests that need
// one are reported by jest as skipped (with the reason printed) rather than as passed.
const Redis = require('ioredis');

module.exports = async function globalSetup() {
  const url = process.env.REDIS_TEST_URL_BASE ?? 'redis://127.0.0.1:6379';
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    process.env.REDIS_TEST_AVAILABLE = '1';
  } catch (e) {
    process.env.REDIS_TEST_AVAILABLE = '';
    console.log(`\nskipped: tests that need Redis (storage suite on Redis, shared de-duplication, cross-instance lock): no Redis server at ${url} (${e.message})`);
  } finally {
    r.disconnect();
  }
};
