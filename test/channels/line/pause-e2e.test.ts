import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { startLineApp, type LineApp } from '../../helpers/line-app';
import { SqliteConversationStore } from '../../../src/storage/conversation-store';
import { SqlitePauseStore } from '../../../src/storage/pause-store';
import { lineEvent, textEvent, USER, type FakeLineApi } from './fake-line-api';

/**
 * A person of support answering a seller in the LINE Official Account Manager's chat: LINE
 * sends the bot every event as usual, so the bot is told by a pause, per seller. The whole bot,
 * signed webhooks, a fake LINE API: a paused seller gets nothing back whatever they send (no
 * reply, no push, no typing dots), what support needs is still kept, another seller is answered
 * as ever, and the seller is answered again once the pause is lifted or over. With
 * LINE_HANDOVER=chat a hand-over's ticket pauses the seller, and "talk to the bot" ends it.
 */
const ROOT = path.resolve(__dirname, '../../..');
const OTHER = 'U11111111111111111111111111111111';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** Everything the bot asked of LINE after `from`, but downloading a picture: nothing may go to the seller. */
const saidOrShown = (fake: FakeLineApi, from: number) => fake.calls.slice(from).filter((c) => !/\/content$/.test(c.path)).map((c) => `${c.method} ${c.path}`);

describe('a paused LINE seller (npm run line:pause), end to end', () => {
  let line: LineApp;
  let fake: FakeLineApi;
  let pauses: SqlitePauseStore;
  let dataDir: string;

  beforeAll(async () => {
    line = await startLineApp({ LINK_CONFIRM_SECRET: 'confirm-secret', PUBLIC_BASE_URL: 'https://bot.example.com' });
    fake = line.fake;
    pauses = new SqlitePauseStore(line.app.bot.db);
    dataDir = path.dirname(line.app.bot.db.name);
  });
  afterAll(() => line.close());
  afterEach(() => pauses.lift(USER));

  it('set by the command while the bot runs: nothing at all is sent for a text, a postback, a sticker, a follow, a picture; another seller is answered; lifted, answered again', async () => {
    expect(await line.deliver(textEvent('ร้าน shopee หมดอายุค่ะ'))).toContain('หมดอายุการเชื่อมต่อ');
    const env = { ...process.env, DATA_DIR: dataDir, LINE_CHANNEL_SECRET: '', LINE_CHANNEL_ACCESS_TOKEN: '' };
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'line:pause', '--', USER], { cwd: ROOT, env });
    expect(stdout).toMatch(/^Paused until .* \(24 h\)/);

    const from = fake.calls.length;
    fake.content.set('pic1', { data: PNG, contentType: 'image/png' });
    const said = await line.deliver(
      textEvent('ยังไม่ได้เลยค่ะ'),
      lineEvent({ type: 'postback', postback: { data: 'feedback:no' } }),
      lineEvent({ message: { id: 's1', type: 'sticker', packageId: '1', stickerId: '1' } }),
      lineEvent({ type: 'follow' }),
      lineEvent({ message: { id: 'pic1', type: 'image', contentProvider: { type: 'line' } } }),
      textEvent('link account'),
      textEvent('menu'),
    );
    expect(said).toBe('[]');
    expect(saidOrShown(fake, from)).toEqual([]);
    // The picture is kept for support all the same.
    expect(fake.paths()).toContain('GET /v2/bot/message/pic1/content');
    expect(fs.readdirSync(path.join(dataDir, 'screenshots'), { recursive: true }).some((f) => String(f).endsWith('pic1.png'))).toBe(true);

    expect(await line.deliver({ ...textEvent('lazada says PASSWORD_NOT_MATCH'), source: { type: 'user', userId: OTHER } })).toContain('PASSWORD_NOT_MATCH');

    const lifted = await promisify(execFile)('npm', ['run', '--silent', 'line:pause', '--', '--lift', USER], { cwd: ROOT, env });
    expect(lifted.stdout).toContain('Lifted');
    expect(await line.deliver(textEvent('lazada says PASSWORD_NOT_MATCH'))).toContain('PASSWORD_NOT_MATCH');
  }, 60_000);

  it('what the seller did meanwhile is in the transcript for a later hand-over, a typed password masked, the picture kept for the mail', async () => {
    await pauses.pause(USER, new Date(Date.now() + 3600_000), 'test');
    fake.content.set('pic2', { data: PNG, contentType: 'image/jpeg' });
    await line.deliver(textEvent('รหัสผ่านร้านคือ Mali2024!!x ค่ะ'), lineEvent({ message: { id: 'pic2', type: 'image', contentProvider: { type: 'line' } } }));
    // An announced password: the next message is taken whole for it, as when the bot answers.
    await line.deliver(textEvent('นี่รหัสผ่านนะคะ'));
    await line.deliver(textEvent('sunflowerbaby'));
    const store = new SqliteConversationStore(line.app.bot.db);
    const said = (await store.transcript(`line:${USER}`)).map((l) => l.text);
    expect(said.join('\n')).not.toMatch(/Mali2024|sunflowerbaby/);
    expect(said.at(-1)).toMatch(/\[.+\]/);
    expect(said).toEqual(expect.arrayContaining([expect.stringContaining('รหัสผ่านร้านคือ'), '(image)']));
    expect((await store.get(`line:${USER}`))?.screenshots.map((s) => s.ref)).toEqual(expect.arrayContaining([expect.stringMatching(/pic2\.jpg$/)]));
  });

  it('ends on its own: answered again once its time is over', async () => {
    await pauses.pause(USER, new Date(Date.now() + 300), 'test');
    expect(await line.deliver(textEvent('ขอบคุณค่ะ'))).toBe('[]');
    await new Promise((r) => setTimeout(r, 400));
    expect(await line.deliver(textEvent('ขอบคุณค่ะ'))).not.toBe('[]');
  });

  it('an account link while paused still links, and says nothing; an unfollow still forgets', async () => {
    fake.plan(`/v2/bot/user/${USER}/linkToken`, { status: 200, body: { linkToken: 'LT-PAUSED' } });
    await line.deliver(textEvent('เชื่อมบัญชี'));
    const confirm = await request(line.app.base).post('/line/link/confirm').set('authorization', 'Bearer confirm-secret').send({ linkToken: 'LT-PAUSED', accountId: 'demo-expired' });
    await pauses.pause(USER, new Date(Date.now() + 3600_000), 'test');
    expect(await line.deliver(lineEvent({ type: 'accountLink', link: { result: 'ok', nonce: confirm.body.nonce } }))).toBe('[]');
    await line.deliver(lineEvent({ type: 'unfollow' }));
    expect(await new SqliteConversationStore(line.app.bot.db).get(`line:${USER}`)).toBeUndefined();
    await pauses.lift(USER);
    expect(await line.deliver(textEvent('เช็คสถานะร้านหน่อยค่ะ'))).toContain('ร้านแม่มณี');
  });
});

describe('LINE_HANDOVER=chat, end to end', () => {
  let line: LineApp;
  let pauses: SqlitePauseStore;

  beforeAll(async () => {
    line = await startLineApp({ LINE_HANDOVER: 'chat', LINE_PAUSE_HOURS: '2' });
    line.fake.displayNames.set(USER, 'Somsri Online');
    pauses = new SqlitePauseStore(line.app.bot.db);
  });
  afterAll(() => line.close());

  it('the ticket says a person will answer in this chat, the bot then keeps quiet for LINE_PAUSE_HOURS, and "talk to the bot" brings it back', async () => {
    await line.deliver(textEvent('ขอคุยกับเจ้าหน้าที่ค่ะ'));
    await line.deliver(textEvent('ได้ค่ะ'));
    await line.deliver(textEvent('somsri.online@gmail.com'));
    await line.deliver(textEvent('ข้ามค่ะ'));
    const ticket = await line.deliver(textEvent('ส่งค่ะ'));
    expect(ticket).toMatch(/BS-[A-Z0-9]+/);
    expect(ticket).toContain('เจ้าหน้าที่ทีมซัพพอร์ตจะตอบกลับในแชทนี้');
    const until = (await pauses.pausedUntil(USER))!.getTime() - Date.now();
    expect(until).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(until).toBeLessThanOrEqual(2 * 3600_000);
    expect((await pauses.list()).map((p) => p.by)).toEqual(['chat hand-over']);
    // The mail tells support the seller waits in the LINE chat, and by what name to find them.
    const mailDir = path.join(path.dirname(line.app.bot.db.name), 'mail');
    for (let i = 0; i < 200 && !(fs.existsSync(mailDir) && fs.readdirSync(mailDir).some((f) => f.endsWith('.eml'))); i++) await new Promise((r) => setTimeout(r, 50));
    const mail = (await simpleParser(fs.readFileSync(path.join(mailDir, fs.readdirSync(mailDir).find((f) => f.endsWith('.eml'))!)))).text;
    expect(mail).toContain('Answer in: the LINE chat (LINE Official Account Manager > Chat), display name "Somsri Online"');

    const from = line.fake.calls.length;
    expect(await line.deliver(textEvent('สวัสดีค่ะ'), lineEvent({ type: 'postback', postback: { data: 'menu' } }))).toBe('[]');
    expect(saidOrShown(line.fake, from)).toEqual([]);

    const back = await line.deliver(textEvent('กลับมาคุยกับบอทค่ะ'));
    expect(back).toContain('ร้านหมดอายุ');
    expect(await pauses.pausedUntil(USER)).toBeUndefined();
  });

  it('other sellers are not paused by one seller\'s hand-over', async () => {
    expect(await line.deliver({ ...textEvent('otp ช้อปปี้ไม่มาค่ะ'), source: { type: 'user', userId: OTHER } })).toContain('OTP');
  });
});
