import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { startApp, type RunningApp } from '../helpers/app-harness';
import { actsAnswering, fetcherFor, openChat, type Chat } from '../helpers/directline-chat';

/**
 * The console's API over HTTP, as support staff and scripts use it: an account made with the
 * real `npm run admin:user` command, the login, the session cookie, the CSRF rules, the login
 * rate limit, and the report counted from conversations played through the widget's Direct Line.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const EMAIL = 'ploy@bigseller.example';
const PASSWORD = 'correct horse battery';

let app: RunningApp;

async function addUser(email: string, password: string): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/admin-user.ts', 'add', email], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: app.dataDir, ADMIN_PASSWORD: password, REDIS_URL: '' },
    });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const json = { 'content-type': 'application/json' };

async function login(email = EMAIL, password = PASSWORD, headers: Record<string, string> = {}) {
  return request(app.base).post('/admin/login').set({ ...json, ...headers }).send(JSON.stringify({ email, password }));
}

async function sessionCookie(): Promise<string> {
  const r = await login();
  expect(r.status).toBe(204);
  return String(r.headers['set-cookie']![0]).split(';')[0]!;
}

beforeAll(async () => {
  app = await startApp();
  const made = await addUser(EMAIL, PASSWORD);
  expect(made).toMatchObject({ code: 0, stdout: expect.stringContaining(`Created ${EMAIL}`) });
}, 60_000);
afterAll(() => app.close());

describe('console accounts and sessions', () => {
  it('refuses every /admin/api route without a session, known or not', async () => {
    for (const route of ['/admin/api/report', '/admin/api/review', '/admin/api/export', '/admin/api/me', '/admin/api/nothing']) {
      const r = await request(app.base).get(route);
      expect({ route, status: r.status }).toEqual({ route, status: 401 });
    }
    expect((await request(app.base).get('/admin/api/report').set('cookie', 'bs_admin=made-up')).status).toBe(401);
  });

  it('signs in with the password set by admin:user, with an HttpOnly, SameSite=Strict cookie', async () => {
    expect((await login(EMAIL, 'wrong password!')).status).toBe(401);
    expect((await login('nobody@bigseller.example', PASSWORD)).status).toBe(401);
    const r = await login(` ${EMAIL.toUpperCase()} `);
    expect(r.status).toBe(204);
    const cookie = String(r.headers['set-cookie']![0]);
    expect(cookie).toMatch(/^bs_admin=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    // Plain http here: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/Secure/);
    const me = await request(app.base).get('/admin/api/me').set('cookie', cookie.split(';')[0]!);
    expect(me.body).toEqual({ email: EMAIL });
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const r = await login(EMAIL, PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(String(r.headers['set-cookie']![0])).toMatch(/Secure/);
  });

  it('ends the session at logout', async () => {
    const cookie = await sessionCookie();
    expect((await request(app.base).post('/admin/logout').set({ ...json, cookie }).send('{}')).status).toBe(204);
    expect((await request(app.base).get('/admin/api/me').set('cookie', cookie)).status).toBe(401);
  });

  it('takes a change only as JSON, and only from its own origin when the browser names one', async () => {
    const form = await request(app.base).post('/admin/login').type('form').send({ email: EMAIL, password: PASSWORD });
    expect(form.status).toBe(415);
    const text = await request(app.base).post('/admin/login').set('content-type', 'text/plain').send(JSON.stringify({ email: EMAIL, password: PASSWORD }));
    expect(text.status).toBe(415);
    expect((await login(EMAIL, PASSWORD, { origin: 'https://evil.example' })).status).toBe(403);
    // X-Forwarded-Host is anyone's to write: it never makes an origin the bot's own.
    expect((await login(EMAIL, PASSWORD, { origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' })).status).toBe(403);
    expect((await login(EMAIL, PASSWORD, { origin: app.base })).status).toBe(204);
    // A browser's own word that the call comes from another site, without an Origin.
    expect((await login(EMAIL, PASSWORD, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await login(EMAIL, PASSWORD, { 'sec-fetch-site': 'same-origin' })).status).toBe(204);
    const cookie = await sessionCookie();
    expect((await request(app.base).post('/admin/logout').set({ cookie, origin: 'https://evil.example', ...json }).send('{}')).status).toBe(403);
    expect((await request(app.base).get('/admin/api/me').set('cookie', cookie)).status).toBe(200);
  });

  it('answers a malformed login with 400, not a crash', async () => {
    for (const body of ['{"email": 1}', '[]', '{"email":"a@b.co"}', '{bad json']) {
      const r = await request(app.base).post('/admin/login').set(json).send(body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
    }
  });

  it('admin:user refuses a short password and a non-address, and changes nothing', async () => {
    expect(await addUser('x@bigseller.example', 'short')).toMatchObject({ code: 1, stderr: expect.stringContaining('at least 10 characters') });
    expect(await addUser('not an address', PASSWORD)).toMatchObject({ code: 1, stderr: expect.stringContaining('is not an e-mail address') });
    expect((await login('x@bigseller.example', 'short')).status).toBe(401);
  }, 60_000);

  it('stops trying after 10 failed logins for an account, even with the right password', async () => {
    const victim = 'locked@bigseller.example';
    expect((await addUser(victim, PASSWORD)).code).toBe(0);
    for (let i = 0; i < 10; i++) expect((await login(victim, `guess number ${i}`, { 'x-forwarded-for': `10.0.0.${i}` })).status).toBe(401);
    const r = await login(victim, PASSWORD);
    expect(r.status).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    // Another account is not held back.
    expect((await login()).status).toBe(204);
  }, 60_000);
});

describe('the report', () => {
  const press = (chat: Chat, action: string) =>
    fetch(`${app.base}/directline/conversations/${chat.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, ...json },
      body: JSON.stringify({ type: 'message', from: { id: 'u' }, value: { action } }),
    });

  async function say(chat: Chat, text: string): Promise<string[]> {
    const r = await chat.send(text);
    return actsAnswering(chat.activities, ((await r.json()) as { id: string }).id);
  }

  it('counts the conversations played through the widget: answered, fixed and rated, off-topic', async () => {
    const f = fetcherFor(app.base);
    const fixed = await openChat(f);
    expect(await say(fixed, 'ร้าน shopee หมดอายุ ต้องทำยังไง')).toContain('answer:connection-expired');
    const pressed = await press(fixed, 'feedback:yes');
    expect(await actsAnswering(fixed.activities, ((await pressed.json()) as { id: string }).id)).toEqual(['resolved', 'rating']);
    await press(fixed, 'rating:3');
    const open = await openChat(f);
    expect(await say(open, 'my lazada login says PASSWORD_NOT_MATCH')).toContain('answer:lazada-password-not-match');
    const offTopic = await openChat(f);
    expect(await say(offTopic, 'how do I print shipping labels')).toContain('out-of-scope');
    const typedSecret = await openChat(f);
    await say(typedSecret, 'lazada login fails, my password is Sunflower#2020');
    await app.bot.outcomes.idle();

    const cookie = await sessionCookie();
    const r = await request(app.base).get('/admin/api/report?days=7').set('cookie', cookie);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      conversations: 4,
      open: 3,
      resolutionRate: { confirmed: 0.25, assumed: 0 },
      handoverRate: 0,
      csat: { count: 1, average: 3 },
      channels: [expect.objectContaining({ channel: 'web', conversations: 4 })],
    });
    expect(r.body.topics).toEqual(expect.arrayContaining([expect.objectContaining({ topic: 'connection-expired', answered: 1, resolved: 1, notResolved: 0, handedOver: 0 })]));
    expect(JSON.stringify(r.body)).not.toContain('Sunflower');
    expect((await request(app.base).get('/admin/api/report?days=0').set('cookie', cookie)).status).toBe(400);
    expect((await request(app.base).get('/admin/api/report?days=abc').set('cookie', cookie)).status).toBe(400);
  }, 60_000);
});
