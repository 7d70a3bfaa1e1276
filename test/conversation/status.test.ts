import type { AccountStores, StoreStatus } from '../../src/status/connector';
import Database from 'better-sqlite3';
import { BotService } from '../../src/conversation/service';
import { SqliteConversationStore, type ConversationStore, type HeldConversation } from '../../src/storage/conversation-store';
import { toSummary } from '../helpers/handover-walk';
import { choicesOf, core, plain, RecordingChannel } from './recording-channel';

const NOW = Date.parse('2026-11-28T10:00:00Z');
const DAY = 24 * 3600 * 1000;

function account(stores: Partial<StoreStatus>[]): AccountStores {
  return {
    accountId: 'A1',
    fetchedAt: new Date(NOW).toISOString(),
    stores: stores.map((s, i) => ({
      storeId: `s${i}`,
      platform: 'shopee',
      nickname: `Shop ${i}`,
      status: 'active',
      expiresAt: new Date(NOW + 200 * DAY).toISOString(),
      lastError: null,
      ...s,
    })),
  };
}

function linked(stores: AccountStores | Error): RecordingChannel {
  const ch = new RecordingChannel();
  ch.clock = NOW;
  ch.accountId = 'A1';
  ch.stores = async () => {
    if (stores instanceof Error) throw stores;
    return stores;
  };
  return ch;
}

/** A store shaped like a shared one (with a hold), over an in-memory SQLite store. */
function withHold(hold: (base: SqliteConversationStore, key: string) => Promise<HeldConversation>): ConversationStore {
  const base = new SqliteConversationStore(new Database(':memory:'), () => NOW);
  return {
    get: (key) => base.get(key),
    set: (...args) => base.set(...args),
    transcript: (key) => base.transcript(key),
    delete: (key) => base.delete(key),
    sweep: () => base.sweep(),
    hold: (key) => hold(base, key),
  };
}

describe('live status check in the conversation', () => {
  it('diagnoses an expired store by name, platform and date before answering', async () => {
    const ch = linked(account([{ nickname: 'ร้านแม่มณี', status: 'expired', expiresAt: new Date(NOW - 3 * DAY).toISOString() }, { platform: 'lazada' }]));
    const out = await ch.send('ร้านเชื่อมต่อไม่ได้ หมดอายุ ต้องทำยังไง');
    expect(ch.statusChecks).toEqual(['A1']);
    const text = plain(out);
    expect(text).toMatch(/Shopee "ร้านแม่มณี" หมดอายุการเชื่อมต่อเมื่อ 25 พฤศจิกายน 2569/);
    expect(out.find((m) => m.type === 'steps')).toMatchObject({ menuPath: expect.stringContaining('ศูนย์การเชื่อมต่อ') });
    expect((await ch.state())?.statusSnapshot?.stores).toHaveLength(2);
  });

  it('checks the stores of a signed-in seller whose message is too vague to pick a topic', async () => {
    const ch = linked(account([{ nickname: 'ร้านแม่มณี', status: 'expired', expiresAt: new Date(NOW - 3 * DAY).toISOString() }, { platform: 'lazada' }]));
    const out = await ch.send('เชื่อมต่อร้านไม่ได้ค่ะ');
    expect(ch.statusChecks).toEqual(['A1']);
    expect(plain(out)).toMatch(/Shopee "ร้านแม่มณี" หมดอายุ/);
    expect(ch.events).toContainEqual({ type: 'answered', topic: 'connection-expired' });
    // Nothing wrong with the stores, or the connector down: asked for more, as without a check.
    for (const stores of [account([{}]), new Error('connector down')]) {
      const fine = linked(stores);
      const text = plain(await fine.send("I can't connect my store"));
      expect(fine.statusChecks).toEqual(['A1']);
      if (stores instanceof Error) expect(text).toMatch(/couldn't check your stores[\s\S]*which platform is the store on/);
      else expect(text).toMatch(/all are connected and active/);
    }
  });

  it('checks the stores when a signed-in seller reports a fault of the store that no article names', async () => {
    for (const text of ['ร้านขึ้น error อะไรไม่รู้ค่ะ ช่วยดูหน่อย', 'ช่วยดูให้หน่อยว่าร้านเชื่อมต่อมีปัญหาไหมคะ ออเดอร์ไม่เข้าเลย']) {
      const ch = linked(account([{ nickname: 'B', platform: 'lazada', status: 'error', lastError: { code: 'PASSWORD_NOT_MATCH' } }]));
      const out = await ch.send(text);
      expect({ text, checks: ch.statusChecks, acts: out.map((m) => m.act) }).toEqual({ text, checks: ['A1'], acts: ['status', 'answer:lazada-password-not-match', 'ask-feedback'] });
    }
  });

  it("answers a question about another platform with the problem the check found on that platform's store", async () => {
    const ch = linked(
      account([
        { nickname: 'แก้วมาร์ท', status: 'expired', expiresAt: new Date(NOW - DAY).toISOString() },
        { platform: 'lazada', nickname: 'Kaew Mart LZD', status: 'error', lastError: { code: 'INTERNAL_DATA_ERROR', message: 'x', at: '2026-11-28T08:00:00Z' } },
      ]),
    );
    await ch.send('เชื่อมต่อร้านไม่ได้ค่ะ');
    expect(ch.events).toContainEqual({ type: 'answered', topic: 'connection-expired' });
    await ch.press('feedback:yes');
    await ch.send('แล้ว lazada ล่ะคะ');
    expect(ch.events.filter((e) => e.type === 'answered').map((e) => (e as { topic: string }).topic)).toEqual(['connection-expired', 'lazada-internal-data-error']);
    expect(ch.statusChecks).toEqual(['A1']);
  });

  it('gives the article of a known error code, named for the store', async () => {
    const ch = linked(account([{ platform: 'lazada', nickname: 'LZ Main', status: 'error', lastError: { code: 'PASSWORD_NOT_MATCH', message: 'x', at: '2026-11-27T00:00:00Z' } }]));
    ch.accountId = 'A1';
    const out = await ch.send('check my stores');
    expect(plain(out)).toMatch(/Lazada store "LZ Main" shows the error PASSWORD_NOT_MATCH/);
    expect(ch.events).toContainEqual({ type: 'answered', topic: 'lazada-password-not-match' });
    // Not fixed: the store's error is known, so no other error code's article "instead"; a person.
    const next = await ch.press('feedback:no');
    expect(ch.events).not.toContainEqual({ type: 'answered', topic: 'lazada-internal-data-error' });
    expect(choicesOf(next).map((c) => c.action)).toContain('handover:start');

    // A code typed alone names its platform (for the next article and support's summary); no
    // article is "the cause instead" of a code on screen but its platform's close ones.
    const typed = new RecordingChannel('typed');
    await typed.send('PASSWORD_NOT_MATCH');
    expect((await typed.state())?.platforms).toEqual(['lazada']);
    expect(choicesOf(await typed.press('feedback:no')).map((c) => c.action)).toContain('handover:start');
    expect(typed.events.flatMap((e) => (e.type === 'answered' ? [e.topic] : []))).toEqual(['lazada-password-not-match']);
  });

  it('lists several problems together and warns of a store expiring within 7 days', async () => {
    const ch = linked(
      account([
        { nickname: 'A', status: 'expired', expiresAt: new Date(NOW - DAY).toISOString() },
        { nickname: 'B', platform: 'lazada', status: 'error', lastError: { code: 'INTERNAL_DATA_ERROR' } },
        { nickname: 'C', platform: 'tiktok', expiresAt: new Date(NOW + 3 * DAY).toISOString() },
      ]),
    );
    const text = plain(await ch.send('เช็คสถานะร้านหน่อยค่ะ'));
    expect(text).toMatch(/"A" หมดอายุ/);
    expect(text).toMatch(/"B" ขึ้นข้อผิดพลาด INTERNAL_DATA_ERROR/);
    expect(text).toMatch(/TikTok Shop "C" จะหมดอายุ.*อีก 3 วัน/);
    expect((await ch.state())?.alternatives).toEqual(['lazada-internal-data-error']);
  });

  it('answers the problem the seller names, though the check found another first, which stays one tap away', async () => {
    const ch = linked(
      account([
        { nickname: 'A', status: 'expired', expiresAt: new Date(NOW - DAY).toISOString() },
        { nickname: 'B', platform: 'lazada', status: 'error', lastError: { code: 'INTERNAL_DATA_ERROR' } },
      ]),
    );
    const out = await ch.send('my lazada says internal data error');
    expect(out.map((m) => m.act)).toEqual(['status', 'answer:lazada-internal-data-error', 'ask-feedback']);
    expect((await ch.state())?.alternatives).toEqual(['connection-expired']);
  });

  it('answers what the check found when the message only guesses at a problem', async () => {
    const ch = linked(account([{ nickname: 'B', platform: 'lazada', status: 'error', lastError: { code: 'PASSWORD_NOT_MATCH' } }]));
    const out = await ch.send('why cant my store connect? can you check please');
    expect(out.map((m) => m.act)).toEqual(['status', 'answer:lazada-password-not-match', 'ask-feedback']);
  });

  it('answers a problem the seller names though every connected store is active', async () => {
    // Bound to another account shows when adding a store, never on the stores already connected.
    const ch = linked(account([{}, { platform: 'shopify' }]));
    const out = await ch.send("I keep getting 'store already bound to another account' when I add my Shopify store");
    expect(out.map((m) => m.act)).toEqual(['status', 'answer:store-bound-other-account', 'ask-feedback']);
    expect(plain(out)).toMatch(/all connected stores are active/);
  });

  it('says when every store is active and asks what the seller sees', async () => {
    const ch = linked(account([{}, { platform: 'lazada' }]));
    const out = await ch.send('check my stores');
    expect(plain(out)).toMatch(/all are connected and active\. What do you see/);
  });

  it('offers a hand-over with the code when the error is unknown', async () => {
    const ch = linked(account([{ platform: 'shopify', status: 'error', lastError: { code: 'SHOP_LOCKED_BY_PARTNER' } }]));
    const out = await ch.send('check my stores');
    expect(plain(out)).toMatch(/SHOP_LOCKED_BY_PARTNER/);
    expect(choicesOf(out).map((c) => c.action)).toContain('handover:start');
    expect(ch.events).toContainEqual({ type: 'handover-offered', reason: 'unknown-error' });
    expect((await ch.state())?.errorCodes).toContain('SHOP_LOCKED_BY_PARTNER');
    // The summary for support names the store's platform.
    expect((await ch.state())?.platforms).toEqual(['shopify']);
    expect(plain(await toSummary(ch, 'seller@example.com'))).toMatch(/Platform: Shopify\nError codes: SHOP_LOCKED_BY_PARTNER/);
  });

  it('carries on with the knowledge base in one sentence when the connector fails', async () => {
    const ch = linked(new Error('connect ECONNREFUSED'));
    const out = await ch.send('ร้าน shopee หมดอายุ ต้องทำยังไง');
    const text = plain(out);
    expect(text).toMatch(/เช็คสถานะร้านไม่ได้/);
    expect(out.find((m) => m.type === 'steps')).toBeDefined();
  });

  it('does not check an anonymous conversation, and explains how to sign in when asked', async () => {
    const ch = new RecordingChannel();
    const out = await ch.send('check my stores');
    expect(ch.statusChecks).toEqual([]);
    expect(plain(out)).toMatch(/logging in to BigSeller/);
    await ch.send('ร้าน shopee หมดอายุ');
    expect(ch.statusChecks).toEqual([]);
  });

  it('takes a snapshot before a hand-over and puts it in the case', async () => {
    const ch = linked(account([{ nickname: 'X', status: 'expired', expiresAt: null }]));
    await ch.send('ขอคุยกับเจ้าหน้าที่');
    await toSummary(ch, 'me@shop.co.th');
    await ch.press('handover:confirm');
    expect(ch.statusChecks).toEqual(['A1']);
    expect(ch.cases[0]).toMatchObject({ accountId: 'A1', statusSnapshot: { stores: [expect.objectContaining({ nickname: 'X' })] } });
  });

  it("asks for the channel's account lookup together with the conversation's hold, and checks that account", async () => {
    const order: string[] = [];
    let giveHold!: () => void;
    const holdGiven = new Promise<void>((resolve) => (giveHold = resolve));
    // A shared store's hold (Redis): the lookup must not wait for it, to go out in the same write.
    const store = withHold(async (base, key) => {
      order.push('hold asked');
      await holdGiven;
      order.push('hold given');
      return { state: await base.get(key), save: (state, ttl, lines) => base.set(key, state, ttl, lines), release: async () => undefined };
    });
    const checks: string[] = [];
    const expired = account([{ nickname: 'ร้านแม่มณี', status: 'expired', expiresAt: new Date(NOW - 3 * DAY).toISOString() }]);
    const bot = new BotService({ core, store, idleTtlSeconds: 600, checkStatus: async (id) => (checks.push(id), expired) });
    const turn = { channel: 'line' as const, conversationId: 'U1', userId: 'U1', kind: 'message' as const, text: 'ร้าน shopee หมดอายุ ต้องทำยังไง', at: new Date(NOW).toISOString() };
    const answer = bot.handle(turn, {
      accountId: async () => {
        order.push('account asked');
        return 'A1';
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['hold asked', 'account asked']);
    giveHold();
    expect(plain(await answer)).toMatch(/ร้านแม่มณี/);
    expect(order).toEqual(['hold asked', 'account asked', 'hold given']);
    expect(checks).toEqual(['A1']);
    // No account found: the conversation stays anonymous (no check).
    expect(plain(await bot.handle({ ...turn, conversationId: 'U2', userId: 'U2' }, { accountId: async () => undefined }))).not.toMatch(/ร้านแม่มณี/);
    expect(checks).toEqual(['A1']);
  });

  it('lets the conversation go again when the account lookup fails', async () => {
    let released = 0;
    const store = withHold(async () => ({ state: undefined, save: async () => undefined, release: async () => void released++ }));
    const bot = new BotService({ core, store, idleTtlSeconds: 600 });
    const turn = { channel: 'line' as const, conversationId: 'U1', userId: 'U1', kind: 'message' as const, text: 'hello', at: new Date(NOW).toISOString() };
    await expect(bot.handle(turn, { accountId: () => Promise.reject(new Error('links unreachable')) })).rejects.toThrow('links unreachable');
    expect(released).toBe(1);
  });
});
