import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type Redis from 'ioredis';
import { persistentSecret, type Db } from './sqlite';

/**
 * Signing secrets the bot makes for itself when none is configured (Direct Line tokens, the
 * sandbox identity, the LINE link confirmation). Every instance must use the same ones, or a
 * token issued by one instance is refused by the next: on Redis they are shared through Redis
 * (the first instance to start draws them), on SQLite they are kept in the file.
 */
export interface SecretSource {
  /** The secret called `name`, drawn at random and kept on first use. */
  load(name: string): Promise<string>;
}

export class SqliteSecretSource implements SecretSource {
  constructor(private readonly db: Db) {}
  async load(name: string): Promise<string> {
    return persistentSecret(this.db, name);
  }
}

export class RedisSecretSource implements SecretSource {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bot:secret:',
  ) {}
  async load(name: string): Promise<string> {
    const key = this.prefix + name;
    // NX: whichever instance comes first draws the secret; everyone reads the same one.
    await this.redis.set(key, crypto.randomBytes(32).toString('base64url'), 'NX');
    const value = await this.redis.get(key);
    if (!value) throw new Error(`secret ${name} vanished from Redis`);
    return value;
  }
}

/**
 * The secrets this process needs, loaded once before the first request that could use them.
 * Loading waits for storage; while storage is unreachable requests get a 503 and the next
 * request tries again, so a Redis that is late at start-up does not stop the process.
 */
export class Secrets {
  private readonly values = new Map<string, string>();
  private loading?: Promise<void>;

  constructor(
    private readonly source: SecretSource,
    private readonly names: readonly string[],
  ) {}

  get(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw new Error(`secret ${name} used before it was loaded`);
    return value;
  }

  load(): Promise<void> {
    if (this.values.size === this.names.length) return Promise.resolve();
    this.loading ??= (async () => {
      try {
        for (const name of this.names) this.values.set(name, await this.source.load(name));
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  readonly middleware = (_req: Request, _res: Response, next: NextFunction): void => {
    if (this.values.size === this.names.length) return next();
    this.load().then(
      () => next(),
      (err: unknown) => next(Object.assign(new Error(`storage unreachable: ${err instanceof Error ? err.message : String(err)}`), { status: 503 })),
    );
  };
}
