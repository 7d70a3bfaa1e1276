import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { signIdentity } from '../../src/status/identity';
import { fetcherFor, openChat } from '../helpers/directline-chat';
import { startServer } from '../helpers/server-process';

/**
 * The real server process: SIGTERM while a Direct Line turn waits on a slow connector API. The
 * process must stop taking requests, finish that turn (its answer stored), and exit cleanly;
 * the log lines of the turn carry the request id the client sent. An open Direct Line stream is
 * closed as "going away" (1001), so its client reconnects elsewhere.
 */
const SECRET = 'shutdown-test-identity-secret';

describe('SIGTERM with a turn in flight', () => {
  let connector: http.Server;
  let connectorUrl: string;
  let asked = 0;
  let dataDir: string;

  beforeAll(async () => {
    connector = http.createServer((req, res) => {
      asked++;
      // Slow on purpose: the turn is still running when the signal arrives.
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            accountId: 'A-77',
            stores: [{ storeId: 's1', platform: 'shopee', nickname: 'Slow Shop', status: 'expired', expiresAt: '2026-11-01T00:00:00Z', lastError: null }],
          }),
        );
      }, 1500);
    });
    await new Promise<void>((r) => connector.listen(0, '127.0.0.1', () => r()));
    connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutdown-'));
  });
  afterAll(async () => {
    await new Promise((r) => connector.close(r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the turn, stores its answer, closes streams, refuses new requests and exits 0', async () => {
    const env = { DATA_DIR: dataDir, CONNECTOR_API_URL: connectorUrl, WEB_IDENTITY_SECRET: SECRET };
    const server = await startServer(env);
    const chat = await openChat(fetcherFor(server.url), { identity: signIdentity('A-77', SECRET) });
    const posted = await chat.send('check my stores', { 'x-request-id': 'req-shutdown-1' });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-request-id')).toBe('req-shutdown-1');
    while (asked === 0) await new Promise((r) => setTimeout(r, 20));
    const started = await fetch(`${server.url}/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${chat.token}` } });
    const stream = new WebSocket(((await started.json()) as { streamUrl: string }).streamUrl);
    await new Promise((r) => stream.once('open', r));
    const streamClosed = new Promise<number>((r) => stream.once('close', (code) => r(code)));

    const exit = server.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    // No longer listening, while the turn is still waiting on the connector.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(await exit).toBe(0);
    expect(await streamClosed).toBe(1001);
    const log = server.output();
    expect(log).toContain('stopping');
    const turnLine = log.split('\n').find((l) => l.includes('"turn events"'));
    expect(turnLine).toContain('"requestId":"req-shutdown-1"');

    // The next process on the same storage has the answer the stopped one finished.
    const next = await startServer(env);
    try {
      const again = await openChat(fetcherFor(next.url), {}, chat);
      expect((await again.botTexts()).join('\n')).toContain('Slow Shop');
    } finally {
      await next.stop();
    }
  }, 30_000);
});
