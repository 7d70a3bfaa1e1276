import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** A free TCP port on 127.0.0.1 (closed again before the server takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends the signal; resolves with the exit code once the process is gone and its output all read. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the real server (src/server.ts through tsx) as a separate process, as `npm start` would. */
export async function startServer(env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const p = await startProcess('src/server.ts', { ...env, PORT: String(port) }, '"bot started"', timeoutMs);
  return { ...p, url: `http://127.0.0.1:${port}` };
}

/** Starts the mail worker (src/worker.ts), as `npm run worker` would. */
export function startWorker(env: Record<string, string>, timeoutMs = 20_000): Promise<Omit<ServerProcess, 'url'>> {
  return startProcess('src/worker.ts', env, '"mail worker started"', timeoutMs);
}

function startProcess(script: string, env: Record<string, string>, ready: string, timeoutMs: number): Promise<Omit<ServerProcess, 'url'>> {
  return startCommand(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], env, ready, timeoutMs);
}

/**
 * Runs `command` in the repository and waits until its output shows `ready`. `detached`: in a
 * process group of its own (what it starts can be found by the group), all of it killed should
 * start-up fail.
 */
export async function startCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: string,
  timeoutMs: number,
  opts: { detached?: boolean } = {},
): Promise<Omit<ServerProcess, 'url'>> {
  const what = [path.basename(command), ...args].join(' ');
  const child = spawn(command, args, {
    cwd: ROOT,
    // As in the in-process harness (app-harness UNLIMITED): tests open many chats from one address.
    env: { ...process.env, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '100000000', HANDOVER_MAX_PER_HOUR: '100000', MESSAGE_BURST_WAIT_MS: '0', EXPIRY_WARNING: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  // 'close', not 'exit': the process's last lines (its "stopping" log) may still be in the pipe at
  // its exit, and tests read the output once stop() resolves (the Procfile test failed so in CI).
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const started = Date.now();
  while (!out.includes(ready)) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start-up:\n${out}`);
    if (Date.now() - started > timeoutMs) {
      if (opts.detached) process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
      throw new Error(`${what} did not start in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
