import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteLinkStore } from '../../src/storage/link-store';
import { closeDatabase, openDatabase } from '../../src/storage/sqlite';
import { FakeLineApi } from '../channels/line/fake-line-api';
import { lineEnv } from '../helpers/line-app';

/**
 * `npm run notify:expiring` as an operator runs it: on a DATA_DIR where a LINE user is linked to
 * the sandbox seller demo-expiring, with LINE pointed at a fake LINE API, at 10:00 in Bangkok
 * (--at: the sandbox's stores and the quiet hours follow that clock).
 */
const ROOT = path.resolve(__dirname, '../..');
const AT = '2026-11-28T03:00:00Z';

function run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'notify:expiring', '--', ...args],
      { cwd: ROOT, env: { ...process.env, REDIS_URL: '', CONNECTOR_API_URL: '', LOG_LEVEL: 'warn', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe('npm run notify:expiring', () => {
  let fake: FakeLineApi;
  let dataDir: string;

  beforeAll(async () => {
    fake = new FakeLineApi();
    await fake.start();
    fake.quota = { type: 'limited', value: 1000 };
    fake.quotaUsage = 10;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-cli-'));
    const db = openDatabase(dataDir);
    await new SqliteLinkStore(db).link('U-cli', 'demo-expiring');
    await new SqliteLinkStore(db).link('U-fine', 'demo-active');
    await closeDatabase(db);
  });
  afterAll(async () => {
    await fake.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('pushes once to the linked seller whose store expires in 3 days, and not again on a second run', async () => {
    const env = { ...lineEnv(fake), DATA_DIR: dataDir };
    const first = await run(['--at', AT], env);
    expect(first.out).toContain('expiry warning pass: done; 2 linked seller(s) looked at, 1 warning(s) pushed; skipped: nothing-due 1');
    expect(first.code).toBe(0);
    const pushes = () => fake.accepted.filter((c) => c.path === '/v2/bot/message/push');
    expect(pushes().map((c) => c.body.to)).toEqual(['U-cli']);
    expect(JSON.stringify(pushes()[0]!.body)).toContain('Nid Fashion');

    const second = await run(['--at', AT], env);
    expect(second.out).toContain('2 linked seller(s) looked at');
    expect(second.out).toContain('0 warning(s) pushed; skipped: daily-limit 1, nothing-due 1');
    expect(pushes()).toHaveLength(1);
  }, 90_000);

  it('says what is missing without LINE, and refuses --at with a real connector', async () => {
    const noLine = await run([], { DATA_DIR: dataDir, LINE_CHANNEL_SECRET: '', LINE_CHANNEL_ACCESS_TOKEN: '' });
    expect(noLine.code).toBe(1);
    expect(noLine.out).toContain('notify:expiring needs LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN');
    const real = await run(['--at', AT], { ...lineEnv(fake), DATA_DIR: dataDir, CONNECTOR_API_URL: 'https://connector.example.com', LINE_LINK_LOGIN_URL: 'https://bs.example.com/login' });
    expect(real.code).toBe(1);
    expect(real.out).toContain('--at only works with the sandbox connector');
  }, 90_000);
});
