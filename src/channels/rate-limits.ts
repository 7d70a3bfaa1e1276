import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Per-client-address budgets on the public routes that cost the bot something (a token, a turn,
 * a signature check). On Redis every instance draws from the same budget; otherwise this
 * process keeps it in memory. A budget spent is answered 429 with Retry-After.
 */
export interface RateLimits {
  /** POST /directline/tokens/generate: each token is a new anonymous seller. */
  tokens: RequestHandler;
  /** A seller's messages and uploads. */
  activities: RequestHandler;
  /**
   * Requests that fail the LINE signature check: only failures count, so LINE's own traffic is
   * never held back, while a caller guessing signatures is.
   */
  unsignedLine: RequestHandler;
}

/**
 * A budget of `points` per key and `durationSeconds`: shared by every instance on Redis, this
 * process's own otherwise. Redis down: this process's own budget stands in (nobody is refused
 * for it, and nothing waits for it).
 */
export function budget(keyPrefix: string, points: number, durationSeconds: number, redis: Redis | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  return redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `ratelimit:${keyPrefix}`, points, duration: durationSeconds, rejectIfRedisNotReady: true, insuranceLimiter: memory })
    : memory;
}

export function createRateLimits(opts: { perMinute: number; redis?: Redis }): RateLimits {
  const limiter = (keyPrefix: string, points: number) => budget(keyPrefix, points, 60, opts.redis);
  // A page load mints a token and a seller sends a few messages a minute: tokens get a third of
  // the budget of messages.
  const tokens = limiter('tokens', Math.max(1, Math.ceil(opts.perMinute / 3)));
  const activities = limiter('activities', opts.perMinute);
  const unsigned = limiter('line-unsigned', Math.max(1, Math.ceil(opts.perMinute / 6)));
  return {
    tokens: consuming(tokens),
    activities: consuming(activities),
    unsignedLine: countingFailures(unsigned, (status) => status === 401 || status === 403),
  };
}

/** The client's address: req.ip follows X-Forwarded-For only from the proxies TRUST_PROXY names. */
const addressOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** 429 with Retry-After: when the budget has room again. */
export function tooMany(res: Response, r: RateLimiterRes, message = 'Too many requests, try again shortly'): void {
  res.set('Retry-After', String(Math.max(1, Math.ceil(r.msBeforeNext / 1000))));
  res.status(429).json({ error: { code: 'too_many_requests', message } });
}

/** Every request spends a point. */
function consuming(limiter: RateLimiterAbstract): RequestHandler {
  return (req, res, next) => {
    limiter.consume(addressOf(req)).then(
      () => next(),
      (rejected: unknown) => (rejected instanceof RateLimiterRes ? tooMany(res, rejected) : next(rejected)),
    );
  };
}

/** Only requests answered with a status that `counts` spend a point; a spent budget refuses all. */
function countingFailures(limiter: RateLimiterAbstract, counts: (status: number) => boolean): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const key = addressOf(req);
    limiter.get(key).then(
      (r) => {
        if (r && r.consumedPoints >= limiter.points) return tooMany(res, r);
        res.on('finish', () => {
          if (counts(res.statusCode)) limiter.penalty(key, 1).catch(() => undefined);
        });
        next();
      },
      // The shared store cannot be read: the check is skipped rather than LINE's events refused.
      () => next(),
    );
  };
}
