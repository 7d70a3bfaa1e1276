import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeLineApi, lineEvent, sign } from '../channels/line/fake-line-api';
import { lineEnv } from '../helpers/line-app';
import { startServer } from '../helpers/server-process';

/**
 * The embedded default (SQLite, one process), killed with SIGKILL while a LINE event it had
 * acknowledged was not yet answered (its reply still on the way to LINE). LINE will not send
 * that event again; the process restarted on the same DATA_DIR must answer it, once.
 */
describe('a LINE event in hand when the only process is killed (SQLite)', () => {
  const fake = new FakeLineApi();
  let dataDir: string;

  beforeAll(async () => {
    await fake.start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-crash-'));
  });
  afterAll(async () => {
    await fake.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is answered by the restarted process, once', async () => {
    const env = { DATA_DIR: dataDir, ...lineEnv(fake) };
    const first = await startServer(env);
    // LINE is slow to take this reply: the process dies before it gets through.
    fake.plan('/v2/bot/message/reply', { status: 200, delayMs: 5_000 });
    const event = lineEvent({ replyToken: 'rt-crash-1', message: { id: 'm-crash-1', type: 'text', text: 'ลาซาด้าขึ้น INTERNAL_DATA_ERROR ค่ะ', quoteToken: 'q' } });
    const body = JSON.stringify({ destination: 'Ubot', events: [event] });
    const res = await fetch(`${first.url}/webhooks/line`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) }, body });
    expect(res.status).toBe(200);
    for (let i = 0; i < 200 && fake.sends().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.sends()).toHaveLength(1); // the reply is on its way...
    expect(await first.stop('SIGKILL')).toBeNull(); // ...when the process is killed
    expect(fake.accepted).toHaveLength(0);

    const second = await startServer(env);
    try {
      // The dead process counts as alive for up to 15 s; then the new one takes its events.
      for (let i = 0; i < 300 && fake.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(fake.accepted.map((c) => [c.path, c.body.replyToken])).toEqual([['/v2/bot/message/reply', 'rt-crash-1']]);
      expect(JSON.stringify(fake.accepted[0]!.body)).toMatch(/INTERNAL_DATA_ERROR/);
      expect(second.output()).toContain('LINE events adopted from an instance that stopped before answering them');
      // LINE redelivering it now (it never will, but if it did) changes nothing.
      const again = JSON.stringify({ destination: 'Ubot', events: [{ ...event, deliveryContext: { isRedelivery: true } }] });
      expect((await fetch(`${second.url}/webhooks/line`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': sign(again) }, body: again })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.accepted).toHaveLength(1);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
