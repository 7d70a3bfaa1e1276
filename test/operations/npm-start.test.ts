import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startCommand } from '../helpers/server-process';

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
    // Both build first (prestart, preworker): the test takes the build's time too. A process group
    // of its own: what npm started can be checked, and stopped should it linger.
    const npm = await startCommand('npm', args, { PORT: String(await freePort()), DATA_DIR: dataDir }, ready, 100_000, { detached: true });
    const pgid = npm.child.pid!;
    try {
      await npm.stop('SIGTERM');
      for (const stopped = Date.now(); groupAlive(pgid) && Date.now() - stopped < 10_000; ) await new Promise((r) => setTimeout(r, 100));
      expect(groupAlive(pgid)).toBe(false);
      expect(npm.output()).toMatch(/"signal":"SIGTERM".*stopping/);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 150_000);
});
