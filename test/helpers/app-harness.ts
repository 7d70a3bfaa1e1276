import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { sign, type FakeLineApi } from '../channels/line/fake-line-api';

export interface RunningApp {
  bot: App;
  base: string;
  /** The DATA_DIR it stores into. */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Tests open many chats a minute from one address and file many hand-overs: the rate limits and
 * the hourly mail cap are out of their way unless a test sets them itself. Their sellers wait
 * for each answer before typing on, so no message waits for a burst unless a test asks. No
 * daily expiry warning pass pushes to their linked sellers unless a test runs one.
 */
export const UNLIMITED = { RATE_LIMIT_PER_MINUTE: '100000000', HANDOVER_MAX_PER_HOUR: '100000', MESSAGE_BURST_WAIT_MS: '0', EXPIRY_WARNING: 'off' };

/** The whole bot in this process on a random port, with a fresh DATA_DIR and the given settings. */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-'));
  const bot = createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0', ...UNLIMITED, ...env }), createLogger('silent'));
  const server: http.Server = bot.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  bot.listening(server);
  return {
    bot,
    base: `http://127.0.0.1:${port}`,
    dataDir: env.DATA_DIR ?? dataDir,
    close: async () => {
      server.close();
      bot.closeStreams();
      await bot.close();
    },
  };
}

/** Delivers signed LINE events, waits until they are handled, returns what the bot sent (JSON). */
export async function deliverLine(app: RunningApp, fake: FakeLineApi, ...events: Record<string, unknown>[]): Promise<string> {
  const before = fake.sends().length;
  const body = JSON.stringify({ destination: 'Uxxx', events });
  const r = await request(app.base).post('/webhooks/line').set('content-type', 'application/json').set('x-line-signature', sign(body)).send(body);
  if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
  await app.bot.line!.idle();
  return JSON.stringify(fake.sends().slice(before).map((c) => c.body));
}
