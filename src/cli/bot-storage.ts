import type Redis from 'ioredis';
import type { Config } from '../config';
import { connectRedis } from '../storage/redis';
import { closeDatabase, openDatabase, type Db } from '../storage/sqlite';

/** The bot's own storage as its settings name it, for a command run where the bot runs: Redis when REDIS_URL is set, else the SQLite file in DATA_DIR. */
export type BotStorage = { redis: Redis; db?: undefined } | { redis?: undefined; db: Db };

/** Runs `use` with the bot's storage open, and closes it after. */
export async function withBotStorage<T>(config: Config, use: (storage: BotStorage) => Promise<T>): Promise<T> {
  const storage: BotStorage = config.redisUrl ? { redis: connectRedis(config.redisUrl) } : { db: openDatabase(config.dataDir) };
  try {
    return await use(storage);
  } finally {
    await storage.redis?.quit();
    if (storage.db) await closeDatabase(storage.db);
  }
}
