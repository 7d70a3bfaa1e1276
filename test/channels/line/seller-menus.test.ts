import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import sharp from 'sharp';
import { LineRichMenuApi } from '../../../src/channels/line/richmenu/api';
import { menuSpecs, type MenuSpec } from '../../../src/channels/line/richmenu/definition';
import { publishMenus } from '../../../src/channels/line/richmenu/publish';
import { SellerMenus } from '../../../src/channels/line/richmenu/seller-menus';
import { loadTranslations } from '../../../src/i18n';
import { SqliteRichMenuStore } from '../../../src/storage/richmenu-store';
import { openDatabase } from '../../../src/storage/sqlite';
import { FakeLineApi, TOKEN } from './fake-line-api';

/** A seller's menu when the menus change under them: deleted on LINE by hand, then published again. */
describe('a seller\'s menu after the menus were published again', () => {
  const log = pino({ level: 'silent' });
  let fake: FakeLineApi;

  beforeEach(async () => {
    fake = new FakeLineApi();
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('links the seller again to a menu that was deleted on LINE and created anew, within a minute', async () => {
    const store = new SqliteRichMenuStore(openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'seller-menus-'))));
    const api = new LineRichMenuApi({ channelAccessToken: TOKEN, apiBaseUrl: fake.url });
    const render = async (spec: MenuSpec) => ({
      data: await sharp({ create: { width: spec.size.width, height: spec.size.height, channels: 3, background: '#1553b6' } }).png().toBuffer(),
      contentType: 'image/png',
    });
    const publish = () => publishMenus(menuSpecs(loadTranslations()), { api, store, render, log });
    let now = 0;
    const menus = new SellerMenus({ api, store, log, now: () => now });
    const first = Object.fromEntries((await publish()).menus.map((m) => [m.key, m.id]));
    await menus.follow('U-seller', { linked: true, lang: 'th' });
    expect(fake.richMenus.userMenus.get('U-seller')).toBe(first['linked-th']);

    // Someone deletes the menu in LINE's API; the next run creates it again under a new id.
    await api.remove(first['linked-th']!);
    const second = Object.fromEntries((await publish()).menus.map((m) => [m.key, m.id]));
    expect(second['linked-th']).not.toBe(first['linked-th']);
    expect(fake.richMenus.userMenus.get('U-seller')).toBeUndefined();

    now += 61_000;
    await menus.follow('U-seller', { linked: true, lang: 'th' });
    expect(fake.richMenus.userMenus.get('U-seller')).toBe(second['linked-th']);
    // And only then: the next turn calls nothing.
    const calls = fake.calls.length;
    await menus.follow('U-seller', { linked: true, lang: 'th' });
    expect(fake.calls.length).toBe(calls);
  });
});
