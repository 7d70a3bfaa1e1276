import request from 'supertest';
import type { RunningApp } from '../../helpers/app-harness';
import { startLineApp, type LineApp } from '../../helpers/line-app';
import { SqliteEventInbox } from '../../../src/storage/event-inbox';
import { lineEvent, textEvent, USER, type FakeLineApi } from './fake-line-api';

/**
 * The whole bot with LINE on, against a local fake LINE API and the sandbox connector: a seller
 * links their LINE to a sample account through the account-link flow and gets their stores
 * checked; a replayed or foreign nonce links nothing.
 */
describe('LINE account linking, end to end', () => {
  const CONFIRM = 'test-link-confirm-secret';
  let line: LineApp;
  let fake: FakeLineApi;
  let app: RunningApp;
  let base: string;

  beforeAll(async () => {
    line = await startLineApp({ LINK_CONFIRM_SECRET: CONFIRM, PUBLIC_BASE_URL: 'https://bot.example.com' });
    ({ fake, app } = line);
    base = app.base;
  });
  afterAll(() => line.close());

  const deliver = (...events: Record<string, unknown>[]) => line.deliver(...events);

  async function linkTokenFlow(linkToken: string): Promise<string> {
    fake.plan(`/v2/bot/user/${USER}/linkToken`, { status: 200, body: { linkToken } });
    const out = await deliver(textEvent('เชื่อมบัญชี'));
    expect(fake.paths()).toContain(`POST /v2/bot/user/${USER}/linkToken`);
    expect(out).toContain(`https://bot.example.com/sandbox/line-login?linkToken=${linkToken}`);
    // The back office confirms the sign-in and gets the one-time nonce.
    const confirm = await request(base).post('/line/link/confirm').set('authorization', `Bearer ${CONFIRM}`).send({ linkToken, accountId: 'demo-expired' });
    expect(confirm.status).toBe(200);
    expect(confirm.body.redirectUrl).toBe(`https://access.line.me/dialog/bot/accountLink?linkToken=${linkToken}&nonce=${confirm.body.nonce}`);
    return confirm.body.nonce as string;
  }

  it('links with the nonce, then checks the linked account\'s stores', async () => {
    const nonce = await linkTokenFlow('LINKTOKEN1');
    const linked = await deliver(lineEvent({ type: 'accountLink', link: { result: 'ok', nonce } }));
    expect(linked).toMatch(/เชื่อม LINE กับบัญชี BigSeller เรียบร้อยแล้ว/);
    const check = await deliver(textEvent('เช็คสถานะร้านหน่อยค่ะ'));
    expect(check).toContain('ร้านแม่มณี');
  });

  it('an accountLink event adopted from an instance that linked and died before saying so is answered "linked"', async () => {
    // First test linked USER with its nonce. An instance that did exactly that then died before
    // its reply: its event, nonce already used, waits in the inbox for a live instance.
    const before = fake.sends().length;
    const event = lineEvent({ type: 'accountLink', replyToken: 'rt-adopted-link', link: { result: 'ok', nonce: 'nonce-used-by-the-dead-instance' } });
    await new SqliteEventInbox(app.bot.db).accept(`line:event:${event.webhookEventId}`, JSON.stringify(event), Date.now(), 'dead-instance', 3600);
    for (let i = 0; i < 150 && fake.sends().length === before; i++) await new Promise((r) => setTimeout(r, 50));
    await app.bot.line!.idle();
    const said = JSON.stringify(fake.sends().slice(before).map((c) => c.body));
    expect(said).toContain('rt-adopted-link');
    expect(said).toMatch(/เชื่อม LINE กับบัญชี BigSeller เรียบร้อยแล้ว/);
  });

  it('offers "link my account" when an unlinked seller asks for a status check, and the button starts the linking', async () => {
    const other = { source: { type: 'user', userId: 'U-not-linked-yet' } };
    const asked = await deliver({ ...textEvent('check my stores'), ...other });
    expect(asked).toContain('Link my account');
    expect(asked).toContain('"data":"account:link:en"');
    fake.plan('/v2/bot/user/U-not-linked-yet/linkToken', { status: 200, body: { linkToken: 'LINKTOKEN9' } });
    const pressed = await deliver(lineEvent({ type: 'postback', postback: { data: 'account:link:en' }, ...other }));
    expect(fake.paths()).toContain('POST /v2/bot/user/U-not-linked-yet/linkToken');
    expect(pressed).toContain('"uri":"https://bot.example.com/sandbox/line-login?linkToken=LINKTOKEN9"');
    expect(pressed).toContain('sign in to BigSeller');
  });

  it('a replayed nonce, a foreign nonce or a wrong confirm secret links nothing', async () => {
    await deliver(textEvent('unlink'));
    const nonce = await linkTokenFlow('LINKTOKEN2');
    // Someone else's LINE account presents the nonce first: refused, and the nonce is spent.
    const foreign = await deliver(lineEvent({ type: 'accountLink', source: { type: 'user', userId: 'U-someone-else' }, link: { result: 'ok', nonce } }));
    expect(foreign).toMatch(/เชื่อมบัญชีไม่สำเร็จ/);
    const replay = await deliver(lineEvent({ type: 'accountLink', link: { result: 'ok', nonce } }));
    expect(replay).toMatch(/เชื่อมบัญชีไม่สำเร็จ/);
    expect(await deliver(textEvent('เช็คสถานะร้านหน่อยค่ะ'))).not.toContain('ร้านแม่มณี');

    fake.plan(`/v2/bot/user/${USER}/linkToken`, { status: 200, body: { linkToken: 'LINKTOKEN3' } });
    await deliver(textEvent('link account'));
    const wrong = await request(base).post('/line/link/confirm').set('authorization', 'Bearer guess').send({ linkToken: 'LINKTOKEN3', accountId: 'demo-expired' });
    expect(wrong.status).toBe(401);
    const unknown = await request(base).post('/line/link/confirm').set('authorization', `Bearer ${CONFIRM}`).send({ linkToken: 'NOT-ISSUED', accountId: 'demo-expired' });
    expect(unknown.status).toBe(404);
  });

  it('the sandbox sign-in page stands in for the back office', async () => {
    fake.plan(`/v2/bot/user/${USER}/linkToken`, { status: 200, body: { linkToken: 'LINKTOKEN4' } });
    await deliver(textEvent('เชื่อมบัญชี'));
    const page = await request(base).get('/sandbox/line-login?linkToken=LINKTOKEN4');
    expect(page.text).toContain('demo-password');
    // A repeated field is an array (it reached SQLite and answered 500): a plain 400.
    const doubled = await request(base).post('/sandbox/line-login').type('form').send('linkToken=a&linkToken=b&accountId=demo-password');
    expect(doubled.status).toBe(400);
    const go = await request(base).post('/sandbox/line-login').type('form').send({ linkToken: 'LINKTOKEN4', accountId: 'demo-password' });
    expect(go.status).toBe(303);
    const nonce = new URL(go.headers.location).searchParams.get('nonce')!;
    await deliver(lineEvent({ type: 'accountLink', link: { result: 'ok', nonce } }));
    expect(await deliver(textEvent('check my stores'))).toContain('PASSWORD_NOT_MATCH');
  });
});
