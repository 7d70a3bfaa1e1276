import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { ConnectorError, HttpConnectorClient, type HttpConnectorOptions } from '../../src/status/connector';
import { SANDBOX_SELLERS, createSandboxConnectorRouter } from '../../src/status/sandbox';
import { diagnose } from '../../src/status/diagnose';
import { loadKnowledge } from '../../src/knowledge/load';

/**
 * Contract tests: the real client over real HTTP against a local server whose answer each test
 * chooses, counting the requests that reach it.
 */

type Handler = (req: Request, res: Response) => void;

let server: http.Server;
let baseUrl: string;
let handler: Handler;
let requests: Request[];
const pendingTimers = new Set<NodeJS.Timeout>();

/** A timer that dies with the test, so a slow handler cannot outlive it. */
function later(ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    pendingTimers.delete(t);
    fn();
  }, ms);
  pendingTimers.add(t);
}

beforeAll(async () => {
  const app = express();
  app.use('/sandbox', createSandboxConnectorRouter());
  app.get('/v1/accounts/:accountId/stores', (req, res) => {
    requests.push(req);
    handler(req, res);
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  handler = (req, res) => res.json(body(req.params.accountId));
});

afterEach(() => {
  for (const t of pendingTimers) clearTimeout(t);
  pendingTimers.clear();
});

function store(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    storeId: 's1',
    platform: 'shopee',
    nickname: 'My Shop',
    status: 'active',
    expiresAt: '2026-12-01T00:00:00Z',
    lastError: null,
    ...overrides,
  };
}

function body(accountId: string, stores: unknown = [store()]): Record<string, unknown> {
  return { accountId, stores };
}

function client(options: Partial<HttpConnectorOptions> = {}): HttpConnectorClient {
  return new HttpConnectorClient({
    baseUrl,
    apiKey: 'test-key',
    timeoutMs: 200,
    retries: 2,
    retryDelayMs: 5,
    maxRetryDelayMs: 20,
    cacheTtlMs: 0,
    ...options,
  });
}

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected the call to fail');
}

describe('HttpConnectorClient: good answers', () => {
  it('returns the stores, with the bearer key and the account id URL-encoded', async () => {
    const now = Date.parse('2026-05-01T10:00:00Z');
    const result = await client({ now: () => now }).getStores('A 1/ä?x');
    expect(result).toEqual({ accountId: 'A 1/ä?x', stores: [store()], fetchedAt: '2026-05-01T10:00:00.000Z' });
    expect(requests).toHaveLength(1);
    expect(requests[0].originalUrl).toBe('/v1/accounts/A%201%2F%C3%A4%3Fx/stores');
    expect(requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('sends no Authorization header without a key', async () => {
    await client({ apiKey: undefined }).getStores('A1');
    expect(requests[0].headers.authorization).toBeUndefined();
  });

  it('tolerates unknown fields, platforms, statuses and error codes, and keeps only the contract fields', async () => {
    handler = (req, res) =>
      res.json({
        accountId: req.params.accountId,
        plan: 'pro',
        stores: [
          store({ storeId: 'a', platform: 'mercadolibre', region: 'MX' }),
          store({ storeId: 'b', status: 'suspended', expiresAt: null }),
          store({
            storeId: 'c',
            platform: 'Lazada',
            status: 'ERROR',
            lastError: { code: 'SHOP_LOCKED_BY_PARTNER', message: null, at: 'sometime', retryable: false },
          }),
          store({ storeId: 'd', status: 'error', expiresAt: '2026-12-01T07:00:00+07:00', lastError: { code: 'PASSWORD_NOT_MATCH', message: 'no', at: '2026-04-30T00:00:00Z' } }),
        ],
      });
    const { stores } = await client().getStores('A1');
    expect(stores.map((s) => [s.storeId, s.platform, s.status])).toEqual([
      ['a', 'mercadolibre', 'active'],
      ['b', 'shopee', 'suspended'],
      ['c', 'lazada', 'error'],
      ['d', 'shopee', 'error'],
    ]);
    expect(stores[0]).not.toHaveProperty('region');
    expect(stores[2].lastError).toEqual({ code: 'SHOP_LOCKED_BY_PARTNER', at: 'sometime' });
    expect(stores[3].lastError).toEqual({ code: 'PASSWORD_NOT_MATCH', message: 'no', at: '2026-04-30T00:00:00Z' });
  });

  it('accepts an account with no stores', async () => {
    handler = (req, res) => res.json(body(req.params.accountId, []));
    expect((await client().getStores('A1')).stores).toEqual([]);
  });
});

describe('HttpConnectorClient: definite failures are not retried', () => {
  it('404 -> not-found, one request', async () => {
    handler = (_req, res) => res.status(404).json({ error: { code: 'ACCOUNT_NOT_FOUND' } });
    const err = await failure(client().getStores('nobody'));
    expect(err.kind).toBe('not-found');
    expect(requests).toHaveLength(1);
  });

  it('401 -> unavailable, one request (a wrong key does not fix itself)', async () => {
    handler = (_req, res) => res.status(401).end();
    const err = await failure(client().getStores('A1'));
    expect([err.kind, err.status]).toEqual(['unavailable', 401]);
    expect(requests).toHaveLength(1);
  });

  it.each<[string, Handler]>([
    ['garbage JSON', (_req, res) => res.type('application/json').send('{"accountId": "A1", "stores": [')],
    ['an HTML error page', (_req, res) => res.type('text/html').send('<html>Bad gateway</html>')],
    ['stores not an array', (req, res) => res.json(body(req.params.accountId, { s1: store() }))],
    ['a store without storeId', (req, res) => res.json(body(req.params.accountId, [store({ storeId: undefined })]))],
    ["expiresAt 'yesterday'", (req, res) => res.json(body(req.params.accountId, [store({ expiresAt: 'yesterday' })]))],
    ['a numeric status', (req, res) => res.json(body(req.params.accountId, [store({ status: 3 })]))],
    ['lastError without code', (req, res) => res.json(body(req.params.accountId, [store({ status: 'error', lastError: { message: 'x' } })]))],
    ['a body for another account', (_req, res) => res.json(body('SOMEONE-ELSE'))],
    ['a JSON null body', (_req, res) => res.json(null)],
  ])('%s -> invalid-response, one request', async (_name, h) => {
    handler = h;
    const err = await failure(client().getStores('A1'));
    expect(err.kind).toBe('invalid-response');
    expect(requests).toHaveLength(1);
  });

  it('refuses an oversized body without buffering it', async () => {
    handler = (req, res) => res.json(body(req.params.accountId, Array.from({ length: 50 }, (_, i) => store({ storeId: `s${i}` }))));
    const err = await failure(client({ maxBodyBytes: 1000 }).getStores('A1'));
    expect(err.kind).toBe('invalid-response');
  });

  it('never calls the API for path segments the URL parser would resolve', async () => {
    for (const id of ['', '.', '..']) expect((await failure(client().getStores(id))).kind).toBe('not-found');
    expect(requests).toHaveLength(0);
  });
});

describe('HttpConnectorClient: transient failures are retried a bounded number of times', () => {
  it.each([500, 503, 429])('%i then 200 -> retried and succeeds', async (status) => {
    let n = 0;
    handler = (req, res) => (n++ === 0 ? res.status(status).end() : res.json(body(req.params.accountId)));
    expect((await client().getStores('A1')).stores).toHaveLength(1);
    expect(requests).toHaveLength(2);
  });

  it('always 500 -> unavailable after 1 + retries requests', async () => {
    handler = (_req, res) => res.status(500).send('boom');
    const err = await failure(client({ retries: 2 }).getStores('A1'));
    expect([err.kind, err.status]).toEqual(['unavailable', 500]);
    expect(requests).toHaveLength(3);
  });

  it('slow headers past the timeout -> timeout', async () => {
    handler = (req, res) => later(1000, () => res.json(body(req.params.accountId)));
    const started = Date.now();
    const err = await failure(client({ retries: 1 }).getStores('A1'));
    expect(err.kind).toBe('timeout');
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('a body that stalls past the timeout -> timeout (the timer covers the body too)', async () => {
    handler = (req, res) => {
      res.type('application/json');
      res.write('{"accountId": ');
      later(1000, () => res.end(`${JSON.stringify(req.params.accountId)}, "stores": []}`));
    };
    const err = await failure(client({ retries: 0 }).getStores('A1'));
    expect(err.kind).toBe('timeout');
  });

  it('connection refused -> unavailable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await failure(client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 }).getStores('A1'));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe('HttpConnectorClient: circuit breaker', () => {
  it('opens after N consecutive failures, fails fast without calling, and closes once the connector recovers', async () => {
    const c = client({ retries: 0, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 } });
    handler = (_req, res) => res.status(503).end();
    for (let i = 0; i < 3; i++) expect((await failure(c.getStores('A1'))).kind).toBe('unavailable');
    expect(requests).toHaveLength(3);

    const started = Date.now();
    const open = await failure(c.getStores('A1'));
    expect(open.kind).toBe('circuit-open');
    expect(Date.now() - started).toBeLessThan(150);
    expect(requests).toHaveLength(3);

    handler = (req, res) => res.json(body(req.params.accountId));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await c.getStores('A1')).stores).toHaveLength(1);
    expect((await c.getStores('A2')).stores).toHaveLength(1);
    expect(requests).toHaveLength(5);
  });

  it('re-opens when the half-open test call fails', async () => {
    const c = client({ retries: 0, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 200 } });
    handler = (_req, res) => res.status(500).end();
    await failure(c.getStores('A1'));
    await failure(c.getStores('A1'));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await failure(c.getStores('A1'))).kind).toBe('unavailable');
    expect(requests).toHaveLength(3);
    expect((await failure(c.getStores('A1'))).kind).toBe('circuit-open');
    expect(requests).toHaveLength(3);
  });

  it('404s and invalid bodies prove the connector is alive and do not open it', async () => {
    const c = client({ retries: 0, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } });
    handler = (_req, res) => res.status(404).end();
    for (let i = 0; i < 4; i++) expect((await failure(c.getStores(`X${i}`))).kind).toBe('not-found');
    handler = (_req, res) => res.send('not json');
    for (let i = 0; i < 4; i++) expect((await failure(c.getStores('A1'))).kind).toBe('invalid-response');
    expect(requests).toHaveLength(8);
  });

  it('a call whose own retries open the circuit reports what the connector answered', async () => {
    const c = client({ retries: 2, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } });
    handler = (_req, res) => res.status(502).end();
    const err = await failure(c.getStores('A1'));
    expect([err.kind, err.status]).toEqual(['unavailable', 502]);
    expect(requests).toHaveLength(2);
    expect((await failure(c.getStores('A1'))).kind).toBe('circuit-open');
  });
});

describe('HttpConnectorClient: cache', () => {
  it('answers twice within the TTL with one request, and asks again after it', async () => {
    let now = 1_000_000;
    const c = client({ cacheTtlMs: 30_000, now: () => now });
    const first = await c.getStores('A1');
    first.stores.length = 0; // a caller altering its copy must not alter the cache
    now += 29_000;
    expect((await c.getStores('A1')).stores).toHaveLength(1);
    expect(requests).toHaveLength(1);
    now += 2_000;
    await c.getStores('A1');
    expect(requests).toHaveLength(2);
  });

  it('shares one request between simultaneous calls for the same account', async () => {
    handler = (req, res) => later(50, () => res.json(body(req.params.accountId)));
    const c = client({ cacheTtlMs: 30_000 });
    await Promise.all([c.getStores('A1'), c.getStores('A1'), c.getStores('A1')]);
    expect(requests).toHaveLength(1);
  });

  it('remembers an unknown account briefly, and never a failure', async () => {
    let now = 1_000_000;
    const c = client({ cacheTtlMs: 30_000, notFoundTtlMs: 5_000, retries: 0, now: () => now });
    handler = (_req, res) => res.status(404).end();
    await failure(c.getStores('nobody'));
    await failure(c.getStores('nobody'));
    expect(requests).toHaveLength(1);
    now += 6_000;
    await failure(c.getStores('nobody'));
    expect(requests).toHaveLength(2);

    handler = (_req, res) => res.status(500).end();
    await failure(c.getStores('A1'));
    handler = (req, res) => res.json(body(req.params.accountId));
    expect((await c.getStores('A1')).stores).toHaveLength(1);
    expect(requests).toHaveLength(4);
  });
});

describe('sandbox connector through the real client', () => {
  const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
  const sandbox = () => client({ baseUrl: `${baseUrl}/sandbox/`, apiKey: undefined });

  it('labels its answers as sandbox', async () => {
    const res = await fetch(`${baseUrl}/sandbox/v1/accounts/demo-active/stores`);
    expect(res.headers.get('x-sandbox')).toBe('true');
    expect(await res.json()).toMatchObject({ sandbox: true, accountId: 'demo-active' });
  });

  it('has a Thai and English display name for every seller', () => {
    expect(SANDBOX_SELLERS.map((s) => s.accountId)).toEqual([
      'demo-expired',
      'demo-password',
      'demo-expiring',
      'demo-active',
      'demo-unknown-error',
      'demo-many',
    ]);
    for (const s of SANDBOX_SELLERS) {
      expect(s.displayName.th).toMatch(/[\u0E00-\u0E7F]/);
      expect(s.displayName.en).toMatch(/^[\x20-\x7E]+$/);
    }
  });

  it.each([
    ['demo-expired', ['expired:connection-expired'], []],
    ['demo-password', ['known-error:lazada-password-not-match'], []],
    ['demo-expiring', [], ['expiring-soon:3']],
    ['demo-active', [], []],
    ['demo-unknown-error', ['unknown-error:SHOP_LOCKED_BY_PARTNER'], []],
    ['demo-many', ['expired:connection-expired', 'known-error:lazada-internal-data-error'], ['expiring-soon:2']],
  ])('%s passes the schema and shows its case', async (accountId, problems, warnings) => {
    const account = await sandbox().getStores(accountId);
    expect(account.accountId).toBe(accountId);
    const d = diagnose(account, kb, new Date());
    const label = (f: (typeof d.problems)[number]) =>
      f.kind === 'expired' || f.kind === 'known-error' ? `${f.kind}:${f.topic}` : f.kind === 'unknown-error' ? `${f.kind}:${f.code}` : `${f.kind}:${f.days}`;
    expect(d.problems.map(label)).toEqual(problems);
    expect(d.warnings.map(label)).toEqual(warnings);
    expect(d.allActive).toBe(problems.length === 0 && warnings.length === 0);
  });

  it('has the Shopee store "ร้านแม่มณี" expired 3 days ago', async () => {
    const { stores } = await sandbox().getStores('demo-expired');
    const shopee = stores.find((s) => s.platform === 'shopee')!;
    expect(shopee).toMatchObject({ nickname: 'ร้านแม่มณี', status: 'expired' });
    const daysAgo = (Date.now() - Date.parse(shopee.expiresAt!)) / 86_400_000;
    expect(daysAgo).toBeGreaterThan(2.99);
    expect(daysAgo).toBeLessThan(3.01);
  });

  it('answers 404 for an unknown account', async () => {
    expect((await failure(sandbox().getStores('demo-nobody'))).kind).toBe('not-found');
  });
});
