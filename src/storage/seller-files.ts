import fs from 'node:fs';
import path from 'node:path';
import type Redis from 'ioredis';
import { ticketFileName } from '../escalation/ticket';
import type { Logger } from '../logger';

/** A seller's files to delete: their pictures' folders (under screenshots/) and their tickets' saved mail. */
export interface SellerFilesRequest {
  folders: string[];
  tickets: string[];
}

const FOLDER = /^[0-9a-f]{32}$/;
const CHANNEL = 'bot:seller-files:erase';

/**
 * Deletes a seller's files on every process's disk: pictures and saved mail are on the disk of
 * whichever process wrote them (the instance the seller talked to, the mail worker), and, with
 * Redis, pictures are also copied there. The process asked deletes its own and the Redis copies,
 * and tells the others on a channel; each deletes its own as it hears.
 */
export class SellerFiles {
  private subscriber?: Redis;

  constructor(
    private readonly dataDir: string,
    private readonly redis?: Redis,
    private readonly log?: Logger,
    private readonly shotPrefix = 'bot:shot:',
  ) {}

  /** Deletes here, in Redis, and tells the other processes; returns what was deleted here. */
  async erase(request: SellerFilesRequest): Promise<{ pictures: number; mailFiles: number }> {
    const here = await this.eraseHere(request);
    if (this.redis) {
      for (const folder of request.folders.filter((f) => FOLDER.test(f))) {
        let cursor = '0';
        do {
          const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.shotPrefix}${folder}/*`, 'COUNT', 200);
          cursor = next;
          if (keys.length > 0) await this.redis.del(...keys);
        } while (cursor !== '0');
      }
      await this.redis.publish(CHANNEL, JSON.stringify(request));
    }
    return here;
  }

  /** Listens for the other processes' requests (Redis only). */
  listen(): void {
    if (!this.redis) return;
    const sub = (this.subscriber = this.redis.duplicate());
    sub.on('message', (_channel: string, raw: string) => {
      this.eraseHere(JSON.parse(raw) as SellerFilesRequest).then(
        (done) => this.log?.info(done, 'seller files deleted on request of another process'),
        (err: unknown) => this.log?.warn({ err }, 'seller files could not be deleted'),
      );
    });
    sub.on('ready', () => void sub.subscribe(CHANNEL).catch((err: unknown) => this.log?.warn({ err }, 'seller files: could not listen')));
    sub.on('error', (err: Error) => this.log?.warn({ err }, 'seller files: Redis subscriber error'));
  }

  /** The pictures kept on this disk in a seller's folder, as refs. */
  picturesIn(folder: string): string[] {
    const dir = path.join(this.dataDir, 'screenshots', folder);
    return FOLDER.test(folder) && fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => `${folder}/${name}`) : [];
  }

  /** Whether this disk has the ticket's saved mail. */
  hasMail(ticket: string): boolean {
    return fs.existsSync(this.mailFile(ticket));
  }

  private async eraseHere(request: SellerFilesRequest): Promise<{ pictures: number; mailFiles: number }> {
    let pictures = 0;
    let mailFiles = 0;
    for (const folder of request.folders) {
      pictures += this.picturesIn(folder).length;
      if (FOLDER.test(folder)) await fs.promises.rm(path.join(this.dataDir, 'screenshots', folder), { recursive: true, force: true });
    }
    for (const ticket of request.tickets) {
      if (!this.hasMail(ticket)) continue;
      await fs.promises.rm(this.mailFile(ticket), { force: true });
      mailFiles++;
    }
    return { pictures, mailFiles };
  }

  private mailFile(ticket: string): string {
    return path.join(this.dataDir, 'mail', `${ticketFileName(ticket)}.eml`);
  }

  close(): void {
    this.subscriber?.disconnect();
  }
}
