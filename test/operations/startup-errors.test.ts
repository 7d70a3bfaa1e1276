import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, ensureDataDir, loadConfig } from '../../src/config';

const ROOT = path.resolve(__dirname, '../..');

/** Runs src/server.ts as `npm start` would, until it exits; its exit code and what it printed. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('start-up errors an operator can act on', () => {
  it.each([
    ['SMTP_URL', 'http://mail.example.com', 'SMTP_URL: must start with smtp:// or smtps://'],
    ['CONNECTOR_API_URL', 'ftp://connector', 'CONNECTOR_API_URL: must start with http:// or https://'],
    ['REDIS_URL', 'http://127.0.0.1:6379', 'REDIS_URL: must start with redis:// or rediss://'],
    ['LINE_API_BASE_URL', 'api.line.me', 'LINE_API_BASE_URL: Invalid url'],
  ])('refuses %s=%s with the variable and what it must be', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('takes the URLs the contract names', () => {
    const c = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', REDIS_URL: 'rediss://cache:6380/0', CONNECTOR_API_URL: 'https://connector.example.com' });
    expect(c).toMatchObject({ smtpUrl: 'smtps://u:p@mail.example.com:465', redisUrl: 'rediss://cache:6380/0', connector: { url: 'https://connector.example.com' } });
  });

  it('says which DATA_DIR cannot be used, and creates one that does not exist yet', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-'));
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    expect(() => ensureDataDir(loadConfig({ DATA_DIR: path.join(file, 'data') }))).toThrow(/DATA_DIR: .*a-file\/data cannot be created or written to \(ENOTDIR/);
    const fresh = path.join(tmp, 'new', 'data');
    ensureDataDir(loadConfig({ DATA_DIR: fresh }));
    expect(fs.statSync(fresh).isDirectory()).toBe(true);
  });

  it('ends with one clear line, not a stack, when the port is taken or DATA_DIR is unusable', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, r));
    const port = (taken.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'port-taken-'));
    try {
      const busy = await runServer({ PORT: String(port), DATA_DIR: dataDir });
      expect(busy.code).toBe(1);
      expect(busy.output).toContain(`The bot could not listen on port ${port} (EADDRINUSE): another process uses it`);
      expect(busy.output).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
    const file = path.join(dataDir, 'a-file');
    fs.writeFileSync(file, '');
    const unusable = await runServer({ PORT: '0', DATA_DIR: path.join(file, 'data') });
    expect(unusable.code).toBe(1);
    expect(unusable.output).toMatch(/DATA_DIR: .* cannot be created or written to/);
    expect(unusable.output).not.toMatch(/\n\s+at /);
  }, 60_000);
});
