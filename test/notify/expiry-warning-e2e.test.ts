import { loadTranslations } from '../../src/i18n';
import { createExpiryWarning, type ExpiryWarning } from '../../src/notify/expiry-warning';
import { nextRunAt } from '../../src/notify/expiry-rules';
import { HttpConnectorClient } from '../../src/status/connector';
import { SqliteConversationStore } from '../../src/storage/conversation-store';
import { SqliteLinkStore } from '../../src/storage/link-store';
import { SqlitePauseStore } from '../../src/storage/pause-store';
import { startLineApp, type LineApp } from '../helpers/line-app';
import { lineEvent, silentLog, textEvent, TOKEN, USER, type FakeLineApi } from '../channels/line/fake-line-api';

/**
 * The whole bot with LINE on (a fake LINE API, the sandbox connector): a linked seller says
 * "stop" and "remind me" in the chat, the pass respects it, and the warning's buttons work
 * as postbacks the conversation already understands.
 *
 * The app's own daily timer is off (the test harness's EXPIRY_WARNING=off); the pass here is a
 * second instance on the app's SQLite file with its clock at the next 10:00 in Bangkok (the
 * sandbox's stores are relative to the real time: demo-expiring's expires 2 to 3 days after it).
 */
describe('the expiry warning in the LINE chat', () => {
  let line: LineApp;
  let fake: FakeLineApi;
  let expiry: ExpiryWarning;
  const at = nextRunAt(new Date(), { hour: 10, minute: 0 });

  beforeAll(async () => {
    line = await startLineApp();
    fake = line.fake;
    const app = line.app;
    await new SqliteLinkStore(app.bot.db).link(USER, 'demo-expiring');
    expiry = createExpiryWarning({
      line: { channelAccessToken: TOKEN, apiBaseUrl: fake.url },
      budgetPercent: 50,
      db: app.bot.db,
      kb: app.bot.kb,
      t: loadTranslations(),
      log: silentLog,
      connector: () => new HttpConnectorClient({ baseUrl: `${app.base}/sandbox/connector`, cacheTtlMs: 0 }),
      conversations: new SqliteConversationStore(app.bot.db),
      now: () => at,
    });
  });
  afterAll(async () => {
    await expiry.close();
    await line.close();
  });

  const pushesTo = (to: string, before: number) => fake.accepted.slice(before).filter((c) => c.path === '/v2/bot/message/push' && c.body.to === to);
  const pass = async () => {
    const before = fake.accepted.length;
    const report = await expiry.runPass();
    return { report, to: (user: string) => pushesTo(user, before) };
  };

  it('"ไม่ต้องเตือนแล้ว" stops the warnings, says how to turn them on again; "เตือนด้วย" does', async () => {
    const stopped = await line.deliver(textEvent('ไม่ต้องเตือนแล้วค่ะ'));
    expect(stopped).toContain('จะไม่ส่งการแจ้งเตือน');
    expect(stopped).toContain('เตือนด้วย');
    expect((await pass()).to(USER)).toHaveLength(0);

    const resumed = await line.deliver(textEvent('เตือนด้วยนะคะ'));
    expect(resumed).toContain('เปิดการแจ้งเตือนแล้ว');
    const { to } = await pass();
    expect(to(USER)).toHaveLength(1);
    // The seller's conversation is Thai: so is the warning.
    expect(JSON.stringify(to(USER)[0]!.body)).toContain('ใกล้หมดอายุการเชื่อมต่อ');
  });

  it('the warning\'s buttons: the reconnect article, the status check, and "stop reminders"', async () => {
    const article = await line.deliver(lineEvent({ type: 'postback', postback: { data: 'topic:tiktok-renew-authorization' } }));
    expect(article).toContain('TikTok');
    const status = await line.deliver(lineEvent({ type: 'postback', postback: { data: 'status:check' } }));
    expect(status).toContain('Nid Fashion');
    const stop = await line.deliver(lineEvent({ type: 'postback', postback: { data: 'reminders:off' } }));
    expect(stop).toContain('จะไม่ส่งการแจ้งเตือน');
    expect((await pass()).to(USER)).toHaveLength(0);
  });

  it('warns nobody a person of support is answering in the chat (paused), and warns them once the pause is lifted', async () => {
    const seller = 'U-paused';
    const pauses = new SqlitePauseStore(line.app.bot.db);
    await new SqliteLinkStore(line.app.bot.db).link(seller, 'demo-expiring');
    await pauses.pause(seller, new Date(Date.now() + 3600_000), 'test');
    const paused = await pass();
    expect(paused.to(seller)).toHaveLength(0);
    expect(paused.report.skipped.paused).toBe(1);
    await pauses.lift(seller);
    expect((await pass()).to(seller)).toHaveLength(1);
  });

  it('warns in English a seller whose conversation is in English, and "stop reminders" works in English', async () => {
    const en = { source: { type: 'user', userId: 'U-en' } };
    await new SqliteLinkStore(line.app.bot.db).link('U-en', 'demo-expiring');
    await line.deliver({ ...textEvent('hello, I need help with my stores'), ...en });
    const { to } = await pass();
    expect(to('U-en')).toHaveLength(1);
    const body = JSON.stringify(to('U-en')[0]!.body);
    expect(body).toContain('Stop reminders');
    expect(body).toContain('expires');
    const stopped = await line.deliver({ ...textEvent('please stop reminders'), ...en });
    expect(stopped).toContain('remind me');
    expect((await pass()).to('U-en')).toHaveLength(0);
  });
});
