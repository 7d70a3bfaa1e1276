import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BotService } from '../../../src/conversation/service';
import { loadKnowledge } from '../../../src/knowledge/load';
import { Matcher } from '../../../src/matching/matcher';
import { loadTranslations } from '../../../src/i18n';
import { SqliteConversationStore } from '../../../src/storage/conversation-store';
import { openDatabase } from '../../../src/storage/sqlite';
import { FakeLineApi, USER, lineEvent, startHarness, textEvent, type Harness } from './fake-line-api';

/** The LINE channel in front of the real core: knowledge base, matcher, texts, SQLite state. */
describe('LINE channel with the real core', () => {
  const fake = new FakeLineApi();
  let h: Harness;
  let store: SqliteConversationStore;
  const t = loadTranslations();

  beforeAll(async () => {
    await fake.start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-core-'));
    const kb = loadKnowledge(path.resolve(__dirname, '../../../knowledge'));
    store = new SqliteConversationStore(openDatabase(dataDir));
    const bot = new BotService({ core: { kb, matcher: new Matcher(kb), t, supportEmail: 'support@bigseller.com' }, store, idleTtlSeconds: 3600 });
    h = await startHarness({ fake, bot, dataDir });
  });
  afterAll(async () => {
    await h.close();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('follow: the Thai welcome with the menu as quick replies', async () => {
    await h.post({ destination: 'U123', events: [lineEvent({ type: 'follow', follow: { isUnblocked: false } })] });
    const [reply] = fake.sends();
    const [msg] = reply.body.messages;
    expect(msg.text).toBe(t('th', 'welcome.text'));
    expect(msg.quickReply.items.map((i: any) => i.action.label)).toContain(t('th', 'menu.connection-expired'));
  });

  it('a Thai symptom: the fix as a flex steps message, then Yes/No quick replies', async () => {
    await h.post({ destination: 'U123', events: [textEvent('ร้าน shopee หมดอายุ ต้องทำยังไง')] });
    expect(fake.paths()).toEqual(['POST /v2/bot/message/reply']);
    const messages = fake.calls[0].body.messages;
    const flex = messages.find((m: any) => m.type === 'flex');
    expect(flex).toBeDefined();
    expect(flex.altText).toMatch(/หมดอายุ/);
    const texts = JSON.stringify(flex.contents);
    expect(texts).toContain('"text":"1."');
    const last = messages[messages.length - 1];
    expect(last.text).toContain(t('th', 'feedback.ask'));
    const items = last.quickReply.items.map((i: any) => ({ label: i.action.label, data: i.action.data }));
    expect(items).toEqual(expect.arrayContaining([
      { label: t('th', 'feedback.yes'), data: 'feedback:yes' },
      { label: t('th', 'feedback.no'), data: 'feedback:no' },
    ]));
  });

  it('pressing Yes (a postback) is understood by the core', async () => {
    await h.post({ destination: 'U123', events: [lineEvent({ type: 'postback', postback: { data: 'feedback:yes' } })] });
    const [message] = fake.sends()[0].body.messages;
    // Glad, then "how did I do?" in the same bubble, its three answers as quick replies.
    expect(message.text).toBe(`${t('th', 'feedback.thanks')}\n\n${t('th', 'rating.ask')}`);
    expect(message.quickReply.items.map((i: { action: { data: string } }) => i.action.data)).toEqual(['rating:3', 'rating:2', 'rating:1']);
  });

  it('unfollow forgets the conversation', async () => {
    expect(await store.get(BotService.key('line', USER))).toBeDefined();
    await h.post({ destination: 'U123', events: [lineEvent({ type: 'unfollow' })] });
    expect(await store.get(BotService.key('line', USER))).toBeUndefined();
  });
});
