import sharp from 'sharp';
import pino from 'pino';
import { LineRichMenuApi } from '../../../src/channels/line/richmenu/api';
import { menuSpecs, type MenuSpec } from '../../../src/channels/line/richmenu/definition';
import { DEFAULT_MENU_KEY, publishMenus, type MenuImage } from '../../../src/channels/line/richmenu/publish';
import { loadTranslations } from '../../../src/i18n';
import { openDatabase } from '../../../src/storage/sqlite';
import { SqliteRichMenuStore } from '../../../src/storage/richmenu-store';
import { FakeLineApi, TOKEN } from './fake-line-api';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * `line:richmenu`'s work against a fake LINE API that keeps menus, images, the default and each
 * user's menu as LINE does: first run, a re-run that changes nothing, a changed menu replacing
 * the old one with its sellers, and runs stopped half-way finished by the next.
 */
describe('publishing the LINE rich menus', () => {
  const log = pino({ level: 'silent' });
  const t = loadTranslations();
  let fake: FakeLineApi;
  let store: SqliteRichMenuStore;
  let api: LineRichMenuApi;
  const sleeps: number[] = [];

  /** A plain image of the menu's size, coloured by `shade` so a changed image is a changed menu. */
  const plain = (shade: number) => async (spec: MenuSpec): Promise<MenuImage> => ({
    data: await sharp({ create: { width: spec.size.width, height: spec.size.height, channels: 3, background: { r: shade, g: 120, b: 200 } } }).png().toBuffer(),
    contentType: 'image/png',
  });

  beforeEach(async () => {
    fake = new FakeLineApi();
    await fake.start();
    const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'richmenu-')));
    store = new SqliteRichMenuStore(db);
    api = new LineRichMenuApi({ channelAccessToken: TOKEN, apiBaseUrl: fake.url, wait: { pollMs: 5, timeoutMs: 1000, sleep: async (ms) => void sleeps.push(ms) } });
  });
  afterEach(() => fake.stop());

  const run = (shade = 10, specs = menuSpecs(t)) => publishMenus(specs, { api, store, render: plain(shade), log });

  it('creates the four menus with their images and makes the Thai unlinked one the default', async () => {
    const { menus } = await run();
    expect(menus.map((m) => [m.key, m.outcome])).toEqual([
      ['unlinked-th', 'created'],
      ['linked-th', 'created'],
      ['unlinked-en', 'created'],
      ['linked-en', 'created'],
    ]);
    expect(fake.richMenus.menus.size).toBe(4);
    for (const m of fake.richMenus.menus.values()) expect(m.image).toMatchObject({ width: 2500, height: m.request.size.height });
    const byKey = Object.fromEntries(menus.map((m) => [m.key, m.id]));
    expect(fake.richMenus.defaultMenu).toBe(byKey[DEFAULT_MENU_KEY]);
    expect((await store.get('linked-en')).current?.id).toBe(byKey['linked-en']);
    // The buttons send what the conversation understands.
    const linked = fake.richMenus.menus.get(byKey['linked-th']!)!.request;
    expect(linked.areas.map((a: any) => a.action.data)).toEqual(['status', 'menu', 'tickets', 'handover']);
    const unlinkedEn = fake.richMenus.menus.get(byKey['unlinked-en']!)!.request;
    expect(unlinkedEn.areas.map((a: any) => a.action.data)).toEqual(['menu', 'account:link:en', 'handover']);
    expect(unlinkedEn.chatBarText).toBe('Menu');
  });

  it('a second run with nothing changed creates, moves and deletes nothing', async () => {
    await run();
    fake.calls.length = 0;
    const { menus, unrecorded } = await run();
    expect(menus.every((m) => m.outcome === 'unchanged')).toBe(true);
    expect(unrecorded).toEqual([]);
    const writes = fake.paths().filter((p) => !p.startsWith('GET '));
    expect(writes).toEqual([]);
  });

  it('a changed menu replaces the old one: its sellers and the default move, the old one is deleted', async () => {
    const first = Object.fromEntries((await run(10)).menus.map((m) => [m.key, m.id]));
    await api.linkSeller('U-linked-seller', first['linked-th']!);
    await api.linkSeller('U-english', first['unlinked-en']!);
    const second = await run(99);
    expect(second.menus.every((m) => m.outcome === 'replaced')).toBe(true);
    const now = Object.fromEntries(second.menus.map((m) => [m.key, m.id]));
    expect(fake.richMenus.userMenus.get('U-linked-seller')).toBe(now['linked-th']);
    expect(fake.richMenus.userMenus.get('U-english')).toBe(now['unlinked-en']);
    expect(fake.richMenus.defaultMenu).toBe(now[DEFAULT_MENU_KEY]);
    expect([...fake.richMenus.menus.keys()].sort()).toEqual(Object.values(now).sort());
    expect((await store.get('linked-th')).retired).toEqual([]);
  });

  it('waits for a batch move LINE reports as ongoing', async () => {
    await run(10);
    fake.richMenus.batchPhases = ['ongoing', 'ongoing'];
    sleeps.length = 0;
    await run(50);
    expect(sleeps.length).toBe(8);
    expect(fake.richMenus.menus.size).toBe(4);
  });

  it('a move LINE reports failed stops the run; the next run finishes it', async () => {
    const first = Object.fromEntries((await run(10)).menus.map((m) => [m.key, m.id]));
    await api.linkSeller('U-linked-seller', first['linked-th']!);
    fake.richMenus.batchPhases = ['failed'];
    await expect(run(60)).rejects.toThrow(/could not move every seller/);
    fake.richMenus.batchPhases = [];
    // The old unlinked-th menu is still there, recorded as retired.
    expect(fake.richMenus.menus.has(first['unlinked-th']!)).toBe(true);
    expect((await store.get('unlinked-th')).retired).toEqual([first['unlinked-th']]);
    const again = await run(60);
    expect(again.menus.find((m) => m.key === 'unlinked-th')).toMatchObject({ outcome: 'unchanged', retired: [first['unlinked-th']] });
    expect(fake.richMenus.menus.size).toBe(4);
    expect(fake.richMenus.userMenus.get('U-linked-seller')).toBe(again.menus.find((m) => m.key === 'linked-th')!.id);
  });

  it('reports menus of this bot that its storage does not know, and deletes them only when told to', async () => {
    await run();
    const orphan = await api.create({ ...fake.richMenus.menus.values().next().value!.request, name: 'connection-help linked-th 0000' });
    const foreign = await api.create({ ...fake.richMenus.menus.values().next().value!.request, name: 'campaign menu by marketing' });
    const reported = await run();
    expect(reported).toMatchObject({ unrecorded: [orphan], deleted: false });
    expect(fake.richMenus.menus.has(orphan)).toBe(true);
    const told = await publishMenus(menuSpecs(t), { api, store, render: plain(10), log }, { deleteUnrecorded: true });
    expect(told).toMatchObject({ unrecorded: [orphan], deleted: true });
    expect(fake.richMenus.menus.has(orphan)).toBe(false);
    expect(fake.richMenus.menus.has(foreign)).toBe(true);
  });

  it('run with another storage (another DATA_DIR), it leaves the live menus and their sellers alone', async () => {
    const live = Object.fromEntries((await run()).menus.map((m) => [m.key, m.id]));
    await api.linkSeller('U-linked-seller', live['linked-th']!);
    const elsewhere = new SqliteRichMenuStore(openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'richmenu-other-'))));
    const other = await publishMenus(menuSpecs(t), { api, store: elsewhere, render: plain(10), log });
    expect(other.unrecorded.sort()).toEqual(Object.values(live).sort());
    for (const id of Object.values(live)) expect(fake.richMenus.menus.has(id)).toBe(true);
    expect(fake.richMenus.userMenus.get('U-linked-seller')).toBe(live['linked-th']);
  });

  it('a menu deleted by hand on LINE is created again', async () => {
    const first = Object.fromEntries((await run()).menus.map((m) => [m.key, m.id]));
    await api.remove(first['linked-en']!);
    const { menus } = await run();
    expect(menus.find((m) => m.key === 'linked-en')?.outcome).toBe('created');
    expect(menus.filter((m) => m.outcome === 'unchanged')).toHaveLength(3);
  });

  it('npm run line:richmenu publishes the rendered menus, and a second run leaves them as they are', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'richmenu-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, LINE_CHANNEL_SECRET: 'secret', LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LOG_LEVEL: 'warn' };
    const run = () => promisify(execFile)('npm', ['run', '--silent', 'line:richmenu'], { cwd: path.resolve(__dirname, '../../..'), env });
    const first = await run();
    expect(first.stdout).toMatch(/^unlinked-th: created richmenu-\S+ \(version [0-9a-f]{16}\)$/m);
    expect(first.stdout.match(/: created /g)).toHaveLength(4);
    // The real images: each accepted by the fake's checks (format, size matching the menu, under 1 MB).
    const menus = [...fake.richMenus.menus.values()];
    expect(menus.map((m) => [m.request.size.height, m.image?.width, m.image?.height])).toEqual([
      [843, 2500, 843],
      [1686, 2500, 1686],
      [843, 2500, 843],
      [1686, 2500, 1686],
    ]);
    expect(fake.richMenus.defaultMenu).toBe(menus[0]!.id);
    const second = await run();
    expect(second.stdout.match(/: unchanged /g)).toHaveLength(4);
    expect(fake.richMenus.menus.size).toBe(4);
  }, 60_000);

  it('npm run line:richmenu says what an operator can act on when LINE refuses the token', async () => {
    const env = { ...process.env, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'richmenu-cli-')), LINE_CHANNEL_SECRET: 'secret', LINE_CHANNEL_ACCESS_TOKEN: 'wrong', LINE_API_BASE_URL: fake.url, LOG_LEVEL: 'warn' };
    fake.plan('/v2/bot/richmenu/list', { status: 401, body: { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' } });
    const failed = await promisify(execFile)('npm', ['run', '--silent', 'line:richmenu'], { cwd: path.resolve(__dirname, '../../..'), env }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^line:richmenu: LINE answered 401 .*\(check LINE_CHANNEL_ACCESS_TOKEN\): .*Authentication failed/m);
  }, 60_000);
});
