import request from 'supertest';
import sharp from 'sharp';
import pino from 'pino';
import { LineRichMenuApi } from '../../../src/channels/line/richmenu/api';
import { menuSpecs, type MenuSpec } from '../../../src/channels/line/richmenu/definition';
import { publishMenus } from '../../../src/channels/line/richmenu/publish';
import { loadTranslations } from '../../../src/i18n';
import { SqliteRichMenuStore } from '../../../src/storage/richmenu-store';
import { startLineApp, type LineApp } from '../../helpers/line-app';
import { lineEvent, textEvent, TOKEN } from './fake-line-api';

/**
 * Each seller's rich menu, through the real webhook with signed events: the default until they
 * link, the linked menu after, the English pair when they write English, and back to the
 * default when they unlink. The menus are published first, as `npm run line:richmenu` does.
 */
describe('a LINE seller\'s rich menu follows their link and language', () => {
  const CONFIRM = 'menu-link-confirm-secret';
  let line: LineApp;
  let ids: Record<string, string>;
  const SELLER = 'U-menu-seller';
  const as = (event: Record<string, unknown>) => ({ ...event, source: { type: 'user', userId: SELLER } });

  beforeAll(async () => {
    line = await startLineApp({ LINK_CONFIRM_SECRET: CONFIRM, MESSAGE_BURST_WAIT_MS: '0' });
    const plain = async (spec: MenuSpec) => ({
      data: await sharp({ create: { width: spec.size.width, height: spec.size.height, channels: 3, background: '#06c755' } }).png().toBuffer(),
      contentType: 'image/png',
    });
    const api = new LineRichMenuApi({ channelAccessToken: TOKEN, apiBaseUrl: line.fake.url });
    const { menus } = await publishMenus(menuSpecs(loadTranslations()), {
      api,
      store: new SqliteRichMenuStore(line.app.bot.db),
      render: plain,
      log: pino({ level: 'silent' }),
    });
    ids = Object.fromEntries(menus.map((m) => [m.key, m.id]));
  });
  afterAll(() => line.close());

  const menuOf = (user: string) => line.fake.richMenus.userMenus.get(user);
  const menuCalls = () => line.fake.paths().filter((p) => p.includes('/richmenu'));

  async function link(linkToken: string): Promise<void> {
    line.fake.plan(`/v2/bot/user/${SELLER}/linkToken`, { status: 200, body: { linkToken } });
    await line.deliver(as(textEvent('เชื่อมบัญชี')));
    const confirm = await request(line.app.base).post('/line/link/confirm').set('authorization', `Bearer ${CONFIRM}`).send({ linkToken, accountId: 'demo-expiring' });
    await line.deliver(as(lineEvent({ type: 'accountLink', link: { result: 'ok', nonce: confirm.body.nonce } })));
  }

  it('a Thai seller who has not linked keeps the default menu, with no call to LINE per turn', async () => {
    line.fake.calls.length = 0;
    await line.deliver(as(textEvent('ร้าน shopee หลุดค่ะ')));
    await line.deliver(as(lineEvent({ type: 'postback', postback: { data: 'menu' } })));
    expect(menuOf(SELLER)).toBeUndefined();
    expect(line.fake.richMenus.defaultMenu).toBe(ids['unlinked-th']);
    expect(menuCalls()).toEqual([]);
  });

  it('linking gives the linked menu; English turns the English one; unlinking goes back', async () => {
    await link('MENU-LINK-1');
    expect(menuOf(SELLER)).toBe(ids['linked-th']);
    // The linked menu's "check my stores" is a postback the conversation answers.
    const checked = await line.deliver(as(lineEvent({ type: 'postback', postback: { data: 'status' } })));
    expect(checked).toMatch(/ร้าน/);
    await line.deliver(as(textEvent('my lazada store cannot connect')));
    expect(menuOf(SELLER)).toBe(ids['linked-en']);
    line.fake.calls.length = 0;
    await line.deliver(as(textEvent('it says password not match')));
    expect(menuCalls()).toEqual([]);
    await line.deliver(as(textEvent('unlink my account')));
    expect(menuOf(SELLER)).toBe(ids['unlinked-en']);
    await line.deliver(as(textEvent('ยกเลิกการเชื่อมบัญชี')));
    await line.deliver(as(textEvent('ร้านหลุดค่ะ ทำยังไงดี')));
    // Thai and not linked: the default menu, which needs no link of its own.
    expect(menuOf(SELLER)).toBeUndefined();
  });

  it('every postback of the published menus is understood: none gets what an unknown postback gets', async () => {
    const datas = [...new Set(menuSpecs(loadTranslations()).flatMap((m) => m.buttons.map((b) => b.data)))];
    expect(datas.sort()).toEqual(['account:link:en', 'account:link:th', 'handover', 'menu', 'status', 'tickets']);
    let n = 0;
    const press = async (data: string) => {
      const user = `U-postback-${++n}`;
      line.fake.plan(`/v2/bot/user/${user}/linkToken`, { status: 200, body: { linkToken: `LT-${n}` } });
      const said = await line.deliver({ ...lineEvent({ type: 'postback', postback: { data } }), source: { type: 'user', userId: user } });
      // The reply tokens differ; what the seller reads must not.
      return JSON.stringify(JSON.parse(said).map((c: { messages: unknown }) => c.messages));
    };
    const unknown = await press('no-such-action');
    // "Common problems" is the menu, as an unknown postback is (the welcome with the common problems).
    expect(await press('menu')).toBe(unknown);
    for (const data of datas.filter((d) => d !== 'menu')) expect({ data, same: (await press(data)) === unknown }).toEqual({ data, same: false });
  });

  it('a failing LINE call leaves the seller as they were and is tried again on the next turn', async () => {
    const other = 'U-menu-retry';
    line.fake.plan(`/v2/bot/user/${other}/richmenu/${ids['unlinked-en']}`, { status: 500 });
    const event = (text: string) => ({ ...textEvent(text), source: { type: 'user', userId: other } });
    const said = await line.deliver(event('how do I reconnect my shopee store'));
    expect(said).toContain('Shopee');
    expect(menuOf(other)).toBeUndefined();
    await line.deliver(event('thanks, and lazada too?'));
    expect(menuOf(other)).toBe(ids['unlinked-en']);
  });
});
