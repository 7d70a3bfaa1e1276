/**
 * npm run line:pause -- <LINE user id> [--hours N]   the bot keeps quiet for that seller on LINE
 * npm run line:pause -- --lift <LINE user id>        ... and answers them again
 * npm run line:pause -- --list                       the sellers paused now
 *
 * For support answering a seller in the LINE Official Account Manager's chat: LINE tells the bot
 * nothing of it, so without a pause both would answer (docs/channels.md). Reads the bot's own
 * settings and storage (DATA_DIR, or REDIS_URL), so run it where the bot runs.
 */
import os from 'node:os';
import { loadConfig } from '../config';
import { bangkokMinute } from '../notify/expiry-rules';
import { RedisPauseStore, SqlitePauseStore, type PauseStore } from '../storage/pause-store';
import { runCommand } from './run-command';
import { withBotStorage } from './bot-storage';

const USAGE = `usage: npm run line:pause -- <LINE user id> [--hours N]
       npm run line:pause -- --lift <LINE user id>
       npm run line:pause -- --list`;

/** LINE user ids as webhooks give them: U and 32 hex digits (lower case; an id copied in upper case is taken too). */
const LINE_USER_ID = /^U[0-9a-f]{32}$/i;

/** As the webhook writes it, so the pause is found: `U` and lower-case hex, no spaces around. */
function lineUserId(given: string): string | undefined {
  const id = given.trim();
  return LINE_USER_ID.test(id) ? `U${id.slice(1).toLowerCase()}` : undefined;
}

/** "2026-12-08 10:00 (Bangkok)": how support reads times. */
const bangkok = (d: Date) => `${bangkokMinute(d)} (Bangkok)`;
const MAX_HOURS = 24 * 30;

type Command = { kind: 'pause'; userId: string; hours?: number } | { kind: 'lift'; userId: string } | { kind: 'list' };

/** The command line read, or the reason it cannot be. */
function parseArgs(argv: string[]): Command | string {
  const args = [...argv];
  const take = (flag: string): string | undefined | null => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value === undefined || value.startsWith('--') ? null : value;
  };
  if (args.includes('--list')) return args.length === 1 ? { kind: 'list' } : '--list takes nothing else';
  const lift = take('--lift');
  const hours = take('--hours');
  if (lift === null || hours === null) return 'a value is missing after --lift or --hours';
  const rest = args.filter((a) => !a.startsWith('--'));
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown) return `unknown option ${unknown}`;
  if (lift !== undefined) {
    if (rest.length > 0 || hours !== undefined) return '--lift takes one LINE user id and nothing else';
    const id = lineUserId(lift);
    return id ? { kind: 'lift', userId: id } : `not a LINE user id: ${lift} (U and 32 hex digits)`;
  }
  if (rest.length !== 1) return 'give one LINE user id';
  const userId = lineUserId(rest[0]!);
  if (!userId) return `not a LINE user id: ${rest[0]} (U and 32 hex digits)`;
  if (hours === undefined) return { kind: 'pause', userId };
  const n = Number(hours);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_HOURS) return `--hours must be a number above 0 and at most ${MAX_HOURS}`;
  return { kind: 'pause', userId, hours: n };
}

/** Who paused, as --list shows it. */
function operator(): string {
  try {
    return `line:pause (${os.userInfo().username})`;
  } catch {
    return 'line:pause';
  }
}

async function run(command: Command, store: PauseStore, defaultHours: number): Promise<number> {
  if (command.kind === 'list') {
    const pauses = await store.list();
    if (pauses.length === 0) console.log('No seller is paused.');
    for (const p of pauses) console.log(`${p.lineUserId}  until ${bangkok(p.until)}  by ${p.by}  since ${bangkok(p.since)}`);
    return 0;
  }
  if (command.kind === 'lift') {
    const lifted = await store.lift(command.userId);
    console.log(lifted ? `Lifted: the bot answers ${command.userId} on LINE again.` : `${command.userId} was not paused.`);
    return 0;
  }
  const hours = command.hours ?? defaultHours;
  const until = new Date(Date.now() + hours * 3600 * 1000);
  await store.pause(command.userId, until, operator());
  console.log(`Paused until ${bangkok(until)} (${hours} h): the bot answers nothing of ${command.userId} on LINE. Lift with --lift.`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  if (typeof command === 'string') {
    console.error(`${command}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  return withBotStorage(config, ({ redis, db }) => run(command, redis ? new RedisPauseStore(redis) : new SqlitePauseStore(db), config.lineHandover.pauseHours));
}

runCommand(main);
