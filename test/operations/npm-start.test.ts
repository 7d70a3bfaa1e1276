import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/server-process';

const ROOT = path.resolve(__dirname, '../..');

/** True while any process of the group is alive. */
const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Procfile runs `npm start` and `npm run worker`: a process manager stops them with SIGTERM to
 * npm's process. npm passes the signal on to its script's process only, so the script must be the
 * server itself (exec), not a shell around it that dies and leaves the server running.
 */
describe('the Procfile commands under a process manager', () => {
  it.each([
    ['npm start', ['start'], '"bot started"'],
    ['npm run worker', ['run', 'worker'], '"mail worker started"'],
  ])('%s: SIGTERM to npm reaches the process, which stops gracefully and leaves nothing running', async (_name, args, ready) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
    // Both build first (prestart, preworker): the test takes the build's time too.
    const npm = spawn('npm', args, {
      cwd: ROOT,
      env: { ...process.env, PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: what npm started can be checked, and stopped should it linger.
      detached: true,
    });
    let out = '';
    npm.stdout!.on('data', (d) => (out += d));
    npm.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    try {
      for (const started = Date.now(); !out.includes(ready); ) {
        if (npm.exitCode !== null) throw new Error(`npm exited during start-up:\n${out}`);
        if (Date.now() - started > 100_000) throw new Error(`did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      npm.kill('SIGTERM');
      await exited;
      for (const stopped = Date.now(); groupAlive(npm.pid!) && Date.now() - stopped < 10_000; ) await new Promise((r) => setTimeout(r, 100));
      expect(groupAlive(npm.pid!)).toBe(false);
      expect(out).toMatch(/"signal":"SIGTERM".*stopping/);
    } finally {
      if (groupAlive(npm.pid!)) process.kill(-npm.pid!, 'SIGKILL');
    }
  }, 150_000);
});
