import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/storage/sqlite';
import { SqlitePauseStore } from '../../src/storage/pause-store';

const ROOT = path.resolve(__dirname, '../..');
const SELLER = 'U206d25c2ea6bd87c17655609a1c37cb8';

/** `npm run line:pause` as support runs it, on a data folder of its own (the bot's storage there). */
describe('npm run line:pause', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-pause-'));
  const run = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'line:pause', '--', ...args], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, REDIS_URL: '', LINE_PAUSE_HOURS: '', ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('pauses a seller in the bot\'s own SQLite file, lists, lifts', async () => {
    expect((await run(['--list'])).stdout).toBe('No seller is paused.\n');
    const paused = await run([SELLER, '--hours', '1.5']);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/^Paused until \d{4}-\d\d-\d\d \d\d:\d\d \(Bangkok\) \(1\.5 h\): the bot answers nothing of U206d25c2ea6bd87c17655609a1c37cb8 on LINE/);

    // What the bot reads: the same file, the same table.
    const db = openDatabase(dataDir);
    try {
      const until = (await new SqlitePauseStore(db).pausedUntil(SELLER))!.getTime() - Date.now();
      expect(until).toBeGreaterThan(1.5 * 3600_000 - 120_000);
      expect(until).toBeLessThanOrEqual(1.5 * 3600_000);
    } finally {
      db.close();
    }
    const time = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(Bangkok\\)';
    expect((await run(['--list'])).stdout).toMatch(new RegExp(`^${SELLER}  until ${time}  by line:pause \\(.*\\)  since ${time}\\n$`));

    expect((await run(['--lift', SELLER])).stdout).toBe(`Lifted: the bot answers ${SELLER} on LINE again.\n`);
    expect((await run(['--lift', SELLER])).stdout).toBe(`${SELLER} was not paused.\n`);
    expect((await run(['--list'])).stdout).toBe('No seller is paused.\n');
  }, 60_000);

  it('takes an id copied in upper case or with spaces around as the webhook writes it', async () => {
    expect((await run([` ${SELLER.toUpperCase().replace(/^U/, 'U')} `])).code).toBe(0);
    expect((await run(['--list'])).stdout).toContain(`${SELLER}  until`);
    expect((await run(['--lift', SELLER.toUpperCase()])).stdout).toBe(`Lifted: the bot answers ${SELLER} on LINE again.\n`);
  }, 60_000);

  it('pauses for LINE_PAUSE_HOURS (24 by default) without --hours', async () => {
    expect((await run([SELLER])).stdout).toContain('(24 h)');
    expect((await run([SELLER], { LINE_PAUSE_HOURS: '3' })).stdout).toContain('(3 h)');
    await run(['--lift', SELLER]);
  }, 60_000);

  it('refuses what it cannot read, with the usage, and pauses nobody', async () => {
    const results = await Promise.all([run(['Ubad']), run([SELLER, '--hours', '0']), run([SELLER, '--hours']), run([]), run(['--lift']), run([SELLER, '--for', '2'])]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('usage: npm run line:pause -- <LINE user id> [--hours N]');
    }
    expect(results[0]!.stderr).toContain('not a LINE user id: Ubad');
    expect((await run(['--list'])).stdout).toBe('No seller is paused.\n');
  }, 60_000);
});
