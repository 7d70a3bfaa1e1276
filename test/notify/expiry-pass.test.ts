import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { loadTranslations } from '../../src/i18n';
import { loadKnowledge } from '../../src/knowledge/load';
import { Metrics } from '../../src/metrics';
import { createExpiryWarning, type ExpiryWarning } from '../../src/notify/expiry-warning';
import { DailySchedule } from '../../src/notify/expiry-schedule';
import { HttpConnectorClient } from '../../src/status/connector';
import type { ConnectorClient } from '../../src/status/connector-port';
import { createSandboxConnectorRouter } from '../../src/status/sandbox';
import { SqliteLinkStore } from '../../src/storage/link-store';
import { openDatabase, type Db } from '../../src/storage/sqlite';
import { FakeLineApi, silentLog, TOKEN, type Call } from '../channels/line/fake-line-api';

/**
 * One pass of the expiry warning against a fake LINE API and the sandbox connector (called over
 * HTTP by the real client), on SQLite, with the clock injected everywhere.
 */
const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
const t = loadTranslations();
/** 10:00 in Bangkok. */
const MORNING = Date.parse('2026-11-28T03:00:00Z');
const DAY = 24 * 3600 * 1000;

let fake: FakeLineApi;
let sandbox: http.Server;
let sandboxUrl: string;
const clock = { now: MORNING };

beforeAll(async () => {
  fake = new FakeLineApi();
  await fake.start();
  const app = express();
  app.use('/sandbox/connector', createSandboxConnectorRouter({ now: () => new Date(clock.now) }));
  sandbox = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  sandboxUrl = `http://127.0.0.1:${(sandbox.address() as AddressInfo).port}/sandbox/connector`;
});
afterAll(async () => {
  await fake.stop();
  await new Promise((r) => sandbox.close(r));
});

interface World {
  db: Db;
  links: SqliteLinkStore;
  metrics: Metrics;
  expiry: ExpiryWarning;
  close(): Promise<void>;
}

function world(opts: { budgetPercent?: number; connector?: ConnectorClient } = {}): World {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'expiry-'));
  const db = openDatabase(dir);
  const metrics = new Metrics();
  const connector = opts.connector ?? new HttpConnectorClient({ baseUrl: sandboxUrl, cacheTtlMs: 0, retries: 0 });
  const expiry = createExpiryWarning({
    line: { channelAccessToken: TOKEN, apiBaseUrl: fake.url },
    budgetPercent: opts.budgetPercent ?? 50,
    db,
    kb,
    t,
    log: silentLog,
    metrics,
    connector: () => connector,
    now: () => new Date(clock.now),
    retry: { sleep: async () => undefined, random: () => 0.5 },
  });
  return {
    db,
    links: new SqliteLinkStore(db),
    metrics,
    expiry,
    close: async () => {
      await expiry.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const pushes = (): Call[] => fake.accepted.filter((c) => c.path === '/v2/bot/message/push');
const postbacks = (call: Call): string[] => (call.body.messages[0].contents?.footer?.contents ?? []).map((b: { action: { data: string } }) => b.action.data);

async function metric(w: World, line: string): Promise<boolean> {
  return (await w.metrics.registry.metrics()).includes(line);
}

let w: World | undefined;
beforeEach(() => {
  fake.reset();
  fake.quota = { type: 'limited', value: 500 };
  fake.quotaUsage = 0;
  clock.now = MORNING;
});
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('npm run notify:expiring, one pass', () => {
  it('pushes once to a linked seller whose store expires in 3 days, not again, and none to one who said stop', async () => {
    w = world();
    await w.links.link('U-nid', 'demo-expiring');
    await w.links.link('U-stopped', 'demo-expiring');
    await w.links.link('U-fine', 'demo-active');
    await w.expiry.setReminders({ channel: 'line', userId: 'U-stopped' }, false);

    const first = await w.expiry.runPass();
    expect(first).toMatchObject({ result: 'done', sellers: 3, pushed: 1, skipped: { stopped: 1, 'nothing-due': 1 } });
    expect(pushes()).toHaveLength(1);
    const [push] = pushes();
    expect(push!.body.to).toBe('U-nid');
    expect(push!.headers['x-line-retry-key']).toMatch(/^[0-9a-f-]{36}$/);
    const message = push!.body.messages[0];
    expect(message.type).toBe('flex');
    expect(message.altText).toContain('Nid Fashion');
    expect(JSON.stringify(message)).toContain('1 ธันวาคม 2569'); // the conversation is unknown: Thai
    expect(postbacks(push!)).toEqual(['topic:tiktok-renew-authorization', 'status:check', 'reminders:off']);
    // The act of the core's message is counted as any reply's.
    expect(await metric(w, 'bot_replies_total{channel="line",act="expiry-warning"} 1')).toBe(true);
    expect(await metric(w, 'bot_expiry_warnings_total{outcome="pushed"} 1')).toBe(true);
    expect(await metric(w, 'bot_expiry_warnings_total{outcome="stopped"} 1')).toBe(true);
    expect(fake.paths()).toEqual(expect.arrayContaining(['GET /v2/bot/message/quota', 'GET /v2/bot/message/quota/consumption']));

    const second = await w.expiry.runPass();
    expect(second).toMatchObject({ result: 'done', pushed: 0, skipped: { 'daily-limit': 1, stopped: 1, 'nothing-due': 1 } });
    expect(pushes()).toHaveLength(1);
    expect(await w.expiry.notices.lastPassDay()).toBe('2026-11-28');
  });

  it('never twice for a store and its expiry date, on later days either; a new expiry date is warned again', async () => {
    let expiresAt = '2026-12-01T05:00:00Z';
    const fixed: ConnectorClient = {
      getStores: async (accountId) => ({
        accountId,
        fetchedAt: new Date(clock.now).toISOString(),
        stores: [{ storeId: 'st1', platform: 'lazada', nickname: 'Fixed', status: 'active', expiresAt, lastError: null }],
      }),
    };
    w = world({ connector: fixed });
    await w.links.link('U-1', 'A-1');
    expect((await w.expiry.runPass()).pushed).toBe(1);
    clock.now += DAY;
    expect(await w.expiry.runPass()).toMatchObject({ pushed: 0, skipped: { 'already-warned': 1 } });
    // Renewed, and expiring again within a week (a short authorisation).
    expiresAt = '2026-12-04T05:00:00Z';
    clock.now += DAY;
    expect((await w.expiry.runPass()).pushed).toBe(1);
    expect(postbacks(pushes()[1]!)[0]).toBe('topic:lazada-token-lifetime');
  });

  it('stops before a push that would take the month\'s usage over LINE_PUSH_BUDGET_PERCENT, and says so in /metrics', async () => {
    w = world({ budgetPercent: 50 });
    await w.links.link('U-a', 'demo-expiring');
    await w.links.link('U-b', 'demo-many');
    await w.links.link('U-c', 'demo-expiring');
    // 100 a month, 49 used: the 50% budget leaves one push.
    fake.quota = { type: 'limited', value: 100 };
    fake.quotaUsage = 49;
    expect(await w.expiry.runPass()).toMatchObject({ result: 'budget', pushed: 1, budget: 1 });
    expect(pushes()).toHaveLength(1);
    expect(await metric(w, 'bot_expiry_warning_passes_total{result="budget"} 1')).toBe(true);

    // Nearly used up: nothing at all, not even a connector call.
    fake.reset();
    fake.quota = { type: 'limited', value: 100 };
    fake.quotaUsage = 50;
    clock.now += DAY;
    expect(await w.expiry.runPass()).toMatchObject({ result: 'budget', pushed: 0, sellers: 0, budget: 0 });
    expect(pushes()).toHaveLength(0);
    expect(await metric(w, 'bot_expiry_warning_passes_total{result="budget"} 2')).toBe(true);
  });

  it('pushes nothing between 21:00 and 08:00 in Bangkok, and asks LINE nothing', async () => {
    w = world();
    await w.links.link('U-nid', 'demo-expiring');
    for (const at of ['2026-11-28T14:00:00Z', '2026-11-28T22:30:00Z', '2026-11-28T00:59:00Z']) {
      clock.now = Date.parse(at);
      expect((await w.expiry.runPass()).result).toBe('quiet-hours');
    }
    expect(fake.calls).toHaveLength(0);
    expect(await w.expiry.notices.lastPassDay()).toBeUndefined();
    expect(await metric(w, 'bot_expiry_warning_passes_total{result="quiet-hours"} 3')).toBe(true);
  });

  it('a pass that died after LINE took the push sends it again with the same retry key: LINE delivers it once', async () => {
    w = world();
    await w.links.link('U-nid', 'demo-expiring');
    const record = w.expiry.notices.recordSent.bind(w.expiry.notices);
    w.expiry.notices.recordSent = async () => {
      throw new Error('process died');
    };
    await expect(w.expiry.runPass()).rejects.toThrow('process died');
    w.expiry.notices.recordSent = record;
    expect(await w.expiry.runPass()).toMatchObject({ result: 'done', pushed: 1 });
    const tries = fake.calls.filter((c) => c.path === '/v2/bot/message/push');
    expect(tries).toHaveLength(2);
    expect(tries[1]!.headers['x-line-retry-key']).toBe(tries[0]!.headers['x-line-retry-key']);
    expect(pushes()).toHaveLength(1); // the second was answered 409: already accepted
    expect(await w.expiry.runPass()).toMatchObject({ pushed: 0, skipped: { 'daily-limit': 1 } });
  });

  it('runs one pass at a time, and none without LINE\'s quota figures', async () => {
    w = world();
    await w.links.link('U-nid', 'demo-expiring');
    expect(await w.expiry.notices.lock('another-instance', 60_000)).toBe(true);
    expect((await w.expiry.runPass()).result).toBe('locked');
    await w.expiry.notices.unlock('another-instance');
    fake.plan('/v2/bot/message/quota', { status: 403, body: { message: 'forbidden' } });
    expect((await w.expiry.runPass()).result).toBe('quota-unavailable');
    expect(pushes()).toHaveLength(0);
    expect(await w.expiry.notices.lastPassDay()).toBeUndefined();
    // LINE sets no limit (type "none"): no budget stop.
    fake.quota = { type: 'none' };
    fake.quotaUsage = 100_000;
    expect(await w.expiry.runPass()).toMatchObject({ result: 'done', pushed: 1 });
  });
});

describe('the daily timer', () => {
  it('catches up on a day whose pass has not run, once, then waits for the next day; stops cleanly', async () => {
    const runs: number[] = [];
    let last: string | undefined;
    const schedule = new DailySchedule({
      at: { hour: 10, minute: 0 },
      now: () => new Date('2026-11-28T04:00:00Z'), // 11:00 in Bangkok
      catchUpAfterMs: 5,
      log: silentLog,
      lastPassDay: async () => last,
      run: async () => {
        runs.push(Date.now());
        last = '2026-11-28';
      },
    });
    schedule.start();
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toHaveLength(1);
    await schedule.stop();
  });

  it('does not catch up before today\'s time, nor in quiet hours, nor when today\'s pass ran', async () => {
    let runs = 0;
    const make = (iso: string, last?: string) =>
      new DailySchedule({ at: { hour: 10, minute: 0 }, now: () => new Date(iso), catchUpAfterMs: 5, log: silentLog, lastPassDay: async () => last, run: async () => void runs++ });
    const schedules = [make('2026-11-28T02:00:00Z'), make('2026-11-28T15:00:00Z'), make('2026-11-28T04:00:00Z', '2026-11-28')];
    for (const s of schedules) s.start();
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(0);
    await Promise.all(schedules.map((s) => s.stop()));
  });
});
