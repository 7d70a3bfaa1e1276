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
    ['LINE_HANDOVER', 'phone', "LINE_HANDOVER: Invalid enum value. Expected 'email' | 'chat', received 'phone'"],
    ['LINE_PAUSE_HOURS', '0', 'LINE_PAUSE_HOURS: Number must be greater than or equal to 0.01'],
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
      expect(busy.output).toContain(`The bot could not listen on port ${port} of 0.0.0.0 (EADDRINUSE): another process uses it`);
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

  const REAL = {
    PUBLIC_BASE_URL: 'https://help.example.com',
    SMTP_URL: 'smtp://mail.example.com:587',
    MAIL_FROM: 'Help <help@example.com>',
    CONNECTOR_API_URL: 'https://connector.example.com',
    CONNECTOR_API_KEY: 'k',
  };

  it('with NODE_ENV=production, refuses to start while a setting of a real deployment is missing, naming each', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production', LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const name of ['PUBLIC_BASE_URL', 'SMTP_URL', 'MAIL_FROM', 'CONNECTOR_API_URL', 'LINE_LINK_LOGIN_URL', 'LINK_CONFIRM_SECRET']) expect(message).toContain(`  ${name}: not set`);
    expect(loadConfig({ NODE_ENV: 'production', ...REAL })).toMatchObject({ production: true, warnings: [] });
    expect(() => loadConfig({ NODE_ENV: 'production', ...REAL, CONNECTOR_API_KEY: '' })).toThrow('CONNECTOR_API_KEY: not set');
  });

  it('without NODE_ENV=production, starts on defaults with one warning per missing setting', () => {
    const c = loadConfig({});
    expect(c.production).toBe(false);
    expect(c.warnings.map((w) => w.split(':')[0])).toEqual(['PUBLIC_BASE_URL', 'SMTP_URL', 'MAIL_FROM', 'CONNECTOR_API_URL']);
    expect(c.mailFrom).toBe('Connection Help Bot <no-reply@localhost>');
  });

  it('never serves the sandbox sign-in page beside a real connector', () => {
    const line = { LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' };
    expect(() => loadConfig({ ...line, CONNECTOR_API_URL: 'https://connector.example.com' })).toThrow('LINE_LINK_LOGIN_URL: must be set when CONNECTOR_API_URL');
    expect(loadConfig({ ...line, CONNECTOR_API_URL: 'https://connector.example.com', LINE_LINK_LOGIN_URL: 'https://bs.example.com/line-login' }).lineLinkLoginUrl).toBe(
      'https://bs.example.com/line-login',
    );
  });

  it('listens on the address HOST names, and says so when the address is not this machine\'s', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-'));
    const wrong = await runServer({ PORT: '0', HOST: '203.0.113.9', DATA_DIR: dataDir });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('could not listen on port 0 of 203.0.113.9 (EADDRNOTAVAIL): no such address on this machine; set HOST');
    expect(wrong.output).not.toMatch(/\n\s+at /);
  }, 30_000);
});
