import fs from 'node:fs';
import path from 'node:path';
import type Redis from 'ioredis';

/** A screenshot ref that stays inside the screenshot directory: relative, no '..', no NUL, no drive. */
export function isRelativeRef(ref: string): boolean {
  return ref !== '' && !ref.includes('\0') && !path.isAbsolute(ref) && !/^[a-zA-Z]:/.test(ref) && !ref.split(/[\\/]/).includes('..');
}

/**
 * Screenshots are files under DATA_DIR/screenshots of the instance that received them. With
 * several instances the mail is sent by a worker with its own disk, so on Redis each kept
 * picture is also copied into Redis (for as long as a hand-over may wait for delivery), and the
 * worker puts back any picture a case needs that its disk lacks.
 */
export class RedisScreenshotShare {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 7 * 24 * 3600,
    private readonly prefix = 'bot:shot:',
  ) {}

  /** Copies a kept picture (`ref` relative to `dir`) into Redis. */
  async publish(dir: string, ref: string): Promise<void> {
    const data = await fs.promises.readFile(path.join(dir, ref));
    await this.redis.set(this.prefix + ref, data, 'EX', this.ttlSeconds);
  }

  /**
   * Writes into `dir` the pictures among `refs` that are missing there and present in Redis;
   * `replace`: also those present (another process changed the shared copy: lines blacked out).
   * Refs that could leave `dir` are ignored (the mail builder refuses them anyway).
   */
  async restore(dir: string, refs: readonly string[], opts: { replace?: boolean } = {}): Promise<number> {
    let restored = 0;
    for (const ref of refs) {
      if (!isRelativeRef(ref)) continue;
      const file = path.join(dir, ref);
      if (!opts.replace && fs.existsSync(file)) continue;
      const data = await this.redis.getBuffer(this.prefix + ref);
      if (!data) continue;
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.part`;
      await fs.promises.writeFile(tmp, data, { mode: 0o600 });
      await fs.promises.rename(tmp, file);
      restored++;
    }
    return restored;
  }
}
