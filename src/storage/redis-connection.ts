import Redis from 'ioredis';

export type RedisLog = { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };

export function connectRedis(url: string, log?: RedisLog): Redis {
  // Auto-pipelining: the commands of concurrent turns issued in one tick go out in one write.
  // Under load that is most of the cost saved: each socket write is a system call.
  const redis = new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true, lazyConnect: false, enableAutoPipelining: true });
  return reportOutages(redis, log);
}

/** ioredis reconnects by itself; say so once per outage instead of a stack trace per attempt. */
export function reportOutages(redis: Redis, log?: RedisLog, what = 'Redis'): Redis {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log?.warn({ err: { message: err.message } }, `${what} unreachable; reconnecting (readiness reports it)`);
  });
  redis.on('ready', () => {
    if (down) log?.info({}, `${what} reachable again`);
    down = false;
  });
  return redis;
}
