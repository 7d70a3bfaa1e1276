/**
 * npm run line:richmenu: creates or replaces the LINE rich menus (not linked / linked, Thai and
 * English) and sets the default, as docs/channels.md describes. Safe to run again: unchanged
 * menus stay, a change replaces the menu and moves its sellers over.
 *   --images DIR          also writes the four images there (nothing is sent to LINE with --dry-run)
 *   --dry-run             renders and prints the menus and their versions, calls nothing
 *   --delete-unrecorded   deletes menus of this bot on LINE that this storage does not know
 */
import fs from 'node:fs';
import { HTTPFetchError } from '@line/bot-sdk';
import path from 'node:path';
import { loadConfig } from '../config';
import { loadTranslations } from '../i18n';
import { createLogger } from '../logger';
import { LineRichMenuApi } from '../channels/line/richmenu/api';
import { menuSpecs, menuVersion, type MenuSpec } from '../channels/line/richmenu/definition';
import { renderMenuImage } from '../channels/line/richmenu/images';
import { publishMenus, type MenuImage } from '../channels/line/richmenu/publish';
import { connectRedis } from '../storage/redis';
import { RedisRichMenuStore, SqliteRichMenuStore } from '../storage/richmenu-store';
import { openDatabase } from '../storage/sqlite';
import { runCommand } from './run-command';

interface Options {
  images?: string;
  dryRun: boolean;
  deleteUnrecorded: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { dryRun: false, deleteUnrecorded: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--delete-unrecorded') opts.deleteUnrecorded = true;
    else if (a === '--images' && argv[i + 1]) opts.images = argv[++i];
    else throw new Error(`line:richmenu: unknown argument "${a}" (use --images DIR, --dry-run, --delete-unrecorded)`);
  }
  return opts;
}

/** What an operator can act on, rather than "401 - Unauthorized" or "fetch failed". */
function explained(err: unknown, apiBaseUrl: string): Error {
  if (err instanceof HTTPFetchError) {
    const hint = err.status === 401 ? ' (check LINE_CHANNEL_ACCESS_TOKEN)' : '';
    return new Error(`line:richmenu: LINE answered ${err.status} ${err.statusText}${hint}: ${String(err.body ?? '').slice(0, 300)}`);
  }
  if (err instanceof TypeError) {
    const cause = (err as TypeError & { cause?: { message?: string } }).cause?.message;
    return new Error(`line:richmenu: LINE at ${apiBaseUrl} did not answer: ${cause ?? err.message}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  const config = loadConfig();
  const log = createLogger(config.logLevel).child({ process: 'line:richmenu' });
  const specs = menuSpecs(loadTranslations());
  const rendered = new Map<string, MenuImage>();
  const render = async (spec: MenuSpec): Promise<MenuImage> => {
    const image = rendered.get(spec.key) ?? (await renderMenuImage(spec));
    rendered.set(spec.key, image);
    if (opts.images) {
      fs.mkdirSync(opts.images, { recursive: true });
      fs.writeFileSync(path.join(opts.images, `richmenu-${spec.key}.${image.contentType === 'image/png' ? 'png' : 'jpg'}`), image.data);
    }
    return image;
  };
  if (opts.dryRun) {
    for (const spec of specs) {
      const image = await render(spec);
      console.log(`${spec.key}: ${spec.size.width}x${spec.size.height}, ${image.data.length} bytes, version ${menuVersion(spec, image.data)}`);
    }
    return 0;
  }
  if (!config.line) throw new Error('line:richmenu needs LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN (or --dry-run)');
  // The same storage as the bot, which links sellers to the menus recorded here.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log) : undefined;
  const db = redis ? undefined : openDatabase(config.dataDir);
  try {
    const store = redis ? new RedisRichMenuStore(redis) : new SqliteRichMenuStore(db!);
    const line = config.line;
    const { menus, unrecorded, deleted } = await publishMenus(specs, { api: new LineRichMenuApi(line), store, render, log }, { deleteUnrecorded: opts.deleteUnrecorded }).catch(
      (err: unknown) => {
        throw explained(err, line.apiBaseUrl);
      },
    );
    for (const m of menus) {
      const moved = m.retired.length > 0 ? `, sellers moved from ${m.retired.join(', ')} (deleted)` : '';
      console.log(`${m.key}: ${m.outcome} ${m.id} (version ${m.version})${moved}`);
    }
    if (deleted) console.log(`deleted menus of this bot that this storage did not know: ${unrecorded.join(', ')}`);
    else if (unrecorded.length > 0) {
      console.log(
        `left alone: ${unrecorded.length} menu(s) of this bot on LINE that this storage does not know (${unrecorded.join(', ')}).\n` +
          'They may be the live menus of a bot with another DATA_DIR or REDIS_URL on this channel, or left by a run that stopped.\n' +
          'If this is the storage of the bot that serves this channel, run again with --delete-unrecorded to remove them.',
      );
    }
    return 0;
  } finally {
    redis?.disconnect();
    db?.close();
  }
}

runCommand(main);
