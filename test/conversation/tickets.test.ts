import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTurn } from '../../src/conversation/engine';
import type { ConversationState } from '../../src/conversation/state';
import type { OutMessage, TicketSummary, Turn } from '../../src/conversation/messages';
import { maskEmailAddress } from '../../src/conversation/dialogs/tickets';
import { BotService } from '../../src/conversation/service';
import { DEFAULT_CREATE_OPTIONS, SqliteOutbox } from '../../src/escalation/outbox';
import { SqliteConversationStore } from '../../src/storage/conversation-store';
import { openDatabase, type Db } from '../../src/storage/sqlite';
import { choicesOf, core, plain } from './recording-channel';

const AT = '2026-12-05T08:00:00.000Z';
const base = { channel: 'line', conversationId: 'U1', userId: 'U1', at: AT } as const;
const actsOf = (messages: OutMessage[]) => messages.map((m) => m.act);

function ticket(over: Partial<TicketSummary> = {}): TicketSummary {
  return {
    ticket: 'BS-7K3M9Q',
    status: 'sent',
    createdAt: '2026-12-05T07:02:00.000Z',
    sentAt: '2026-12-05T07:02:09.000Z',
    attempts: 1,
    platforms: ['lazada'],
    errorCodes: ['PASSWORD_NOT_MATCH'],
    contactEmail: 'pim.shop@gmail.com',
    ...over,
  };
}

/** "My tickets" pressed, then the outbox's answer heard as the follow-up turn. */
function listed(tickets: Turn['tickets'], opts: { lang?: 'th' | 'en'; state?: ConversationState } = {}) {
  const pressed = runTurn({ ...base, kind: 'action', action: 'tickets', ...(opts.lang === 'en' ? { locale: 'en-US' } : {}) }, opts.state, core);
  const heard = runTurn({ ...base, kind: 'tickets', tickets }, pressed.state, core);
  return { pressed, heard, text: plain(heard.messages) };
}

describe('"My tickets" in the core', () => {
  it('asks the outbox for the seller\'s tickets of the last 30 days, under the key their cases are filed with', () => {
    const { pressed } = listed([]);
    expect(pressed.messages).toEqual([]);
    expect(pressed.effect).toEqual({ type: 'list-tickets', userKey: 'line:U1', since: '2026-11-05T08:00:00.000Z', limit: 6 });
  });

  it('lists each ticket with its time in Bangkok, what it is about and what became of it, in Thai', () => {
    const { heard, text } = listed([ticket()]);
    expect(actsOf(heard.messages)).toEqual(['ticket', 'menu']);
    expect(text).toContain('BS-7K3M9Q — แจ้งเมื่อ 5 ธ.ค. 14:02 เรื่อง Lazada PASSWORD_NOT_MATCH — ส่งถึงทีมซัพพอร์ตแล้ว ทีมจะตอบกลับทางอีเมล p***@gmail.com ค่ะ');
    expect(text).not.toContain('pim.shop');
    expect(heard.effect).toBeUndefined();
  });

  it('writes it in English for an English conversation', () => {
    const { text } = listed([ticket()], { lang: 'en' });
    expect(text).toContain('Your requests to support from this chat in the last 30 days:');
    expect(text).toContain('BS-7K3M9Q — filed 5 Dec 14:02 about Lazada PASSWORD_NOT_MATCH — sent to support; they answer by e-mail to p***@gmail.com');
  });

  it.each([
    ['pending', 0, 'waiting to be sent to support; it goes out automatically'],
    ['pending', 2, 'not sent yet: it did not go through, and it is tried again automatically'],
    ['sending', 1, 'being sent to support right now'],
    ['failed', 9, 'could not be sent: support did not get it. Please send it to support again, or e-mail support@bigseller.com'],
  ] as const)('tells a %s ticket (%i tries) as only what happened: "%s"', (status, attempts, told) => {
    const { text } = listed([ticket({ status, attempts, sentAt: undefined })], { lang: 'en' });
    expect(text).toContain(`— ${told}`);
    expect(text).not.toMatch(/— sent to support|they answer/);
  });

  it('says what a ticket about nothing in particular is without an empty "about"', () => {
    const { text } = listed([ticket({ platforms: [], errorCodes: [] })], { lang: 'en' });
    expect(text).toContain('BS-7K3M9Q — filed 5 Dec 14:02 — sent to support');
  });

  it('lists the five newest, and says older ones are left out', () => {
    const six = Array.from({ length: 6 }, (_, i) => ticket({ ticket: `BS-00000${i}` }));
    const { text } = listed(six, { lang: 'en' });
    expect(text).toContain('BS-000004');
    expect(text).not.toContain('BS-000005');
    expect(text).toContain('(Only the 5 newest are shown.)');
  });

  it('says when there is none, and offers the menu with the hand-over', () => {
    const { heard, text } = listed([], { lang: 'en' });
    expect(actsOf(heard.messages)).toEqual(['ticket', 'menu']);
    expect(text).toMatch(/You have not sent any request to support from this chat in the last 30 days/);
    expect(choicesOf(heard.messages).map((c) => c.action)).toContain('handover');
  });

  it('says so when the outbox could not be read, and offers the menu', () => {
    const { heard, text } = listed({ error: 'SQLITE_BUSY' });
    expect(actsOf(heard.messages)).toEqual(['error', 'menu']);
    expect(text).toMatch(/เปิดดูเรื่องที่แจ้งไว้ไม่ได้/);
  });

  it('no longer takes a ticket support never got for the open one: "a person, please" offers to send again', () => {
    const pressed = runTurn({ ...base, kind: 'action', action: 'tickets' }, undefined, core);
    const state = { ...pressed.state, ticket: { id: 'BS-7K3M9Q', at: '2026-12-05T07:02:00.000Z' } };
    const heard = runTurn({ ...base, kind: 'tickets', tickets: [ticket({ status: 'failed' })] }, state, core);
    expect(heard.state.ticket).toBeUndefined();
    const asked = runTurn({ ...base, kind: 'message', text: 'ขอคุยกับเจ้าหน้าที่ค่ะ' }, heard.state, core);
    expect(actsOf(asked.messages)).toContain('handover-offer');
    // A ticket support has stays the open one.
    const sent = runTurn({ ...base, kind: 'tickets', tickets: [ticket()] }, state, core);
    expect(sent.state.ticket?.id).toBe('BS-7K3M9Q');
  });

  it("on the web, where the user id is the client's word, tells only this conversation's own ticket", () => {
    const web = { ...base, channel: 'web' as const };
    const none = runTurn({ ...web, kind: 'action', action: 'tickets' }, undefined, core);
    expect(none.effect).toBeUndefined();
    expect(actsOf(none.messages)).toEqual(['ticket', 'menu']);
    const state = { ...none.state, ticket: { id: 'BS-7K3M9Q', at: '2026-12-05T07:02:00.000Z' } };
    const pressed = runTurn({ ...web, kind: 'action', action: 'tickets' }, state, core);
    expect(pressed.effect).toMatchObject({ type: 'list-tickets', userKey: 'web:U1' });
    const heard = runTurn({ ...web, kind: 'tickets', tickets: [ticket({ ticket: 'BS-OTHER1' }), ticket()] }, pressed.state, core);
    expect(plain(heard.messages)).toContain('BS-7K3M9Q');
    expect(plain(heard.messages)).not.toContain('BS-OTHER1');
  });

  it.each(['ticket ของฉัน', 'เรื่องที่แจ้งไปถึงไหนแล้ว', 'my ticket status', 'my tickets', 'check my ticket status', 'สถานะเคสของฉันค่ะ', 'ส่งเรื่องไปแล้ว ถึงไหนแล้วคะ', 'any update on my case?', 'I already sent a ticket yesterday, any update??', 'ส่งเรื่องไปเมื่อวาน ยังไม่มีใครตอบเลย'])(
    'takes "%s" typed for "My tickets"',
    (text) => {
      expect(runTurn({ ...base, kind: 'message', text }, undefined, core).effect).toMatchObject({ type: 'list-tickets', userKey: 'line:U1' });
    },
  );

  it('takes the ticket number asked for in a conversation without one for "My tickets", and still tells the one it has', () => {
    expect(runTurn({ ...base, kind: 'message', text: 'เลขเคสอะไรนะคะ' }, undefined, core).effect?.type).toBe('list-tickets');
    const state = { ...runTurn({ ...base, kind: 'start' }, undefined, core).state, ticket: { id: 'BS-AAAAAA', at: AT } };
    const again = runTurn({ ...base, kind: 'message', text: 'เลขเคสอะไรนะคะ' }, state, core);
    expect(again.effect).toBeUndefined();
    expect(actsOf(again.messages)).toEqual(['ticket']);
  });

  it.each(['check my stores', 'เช็คสถานะร้านให้หน่อย', 'ร้าน lazada ขึ้น PASSWORD_NOT_MATCH'])('leaves "%s" to what it was', (text) => {
    expect(runTurn({ ...base, kind: 'message', text }, undefined, core).effect?.type).not.toBe('list-tickets');
  });
});

describe('maskEmailAddress', () => {
  it.each([
    ['pim.shop@gmail.com', 'p***@gmail.com'],
    ['a@b.co', 'a***@b.co'],
    ['no-address', '***'],
    ['', '***'],
  ])('shows %s as %s', (address, masked) => {
    expect(maskEmailAddress(address)).toBe(masked);
  });
});

describe('"My tickets" through the bot service and a real outbox', () => {
  let dir: string;
  let db: Db;
  let clock: number;
  let bot: BotService;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickets-test-'));
    db = openDatabase(dir);
    clock = Date.parse('2026-12-05T07:00:00Z');
    const outbox = new SqliteOutbox(db, () => clock);
    bot = new BotService({
      core,
      store: new SqliteConversationStore(db, () => clock),
      idleTtlSeconds: 3600,
      escalate: (c) => outbox.create(c, DEFAULT_CREATE_OPTIONS),
      listTickets: (userKey, since, limit) => outbox.ticketsOf(userKey, since, limit),
    });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const turn = (userId: string, part: Partial<Turn>) => {
    clock += 1000;
    return bot.handle({ channel: 'line', conversationId: userId, userId, kind: 'message', at: new Date(clock).toISOString(), ...part } as Turn);
  };
  async function handOver(userId: string, email: string): Promise<string> {
    await turn(userId, { text: 'ขอคุยกับเจ้าหน้าที่ค่ะ' });
    await turn(userId, { kind: 'action', action: 'handover:start' });
    await turn(userId, { text: email });
    await turn(userId, { kind: 'action', action: 'handover:skip' });
    const done = await turn(userId, { kind: 'action', action: 'handover:confirm' });
    return /BS-[0-9A-Z]{6}/.exec(plain(done))![0];
  }

  it("lists the seller's own ticket, not yet mailed, and no one else's", async () => {
    const mine = await handOver('U1', 'pim.shop@gmail.com');
    const theirs = await handOver('U2', 'other@shop.co');
    const out = await turn('U1', { kind: 'action', action: 'tickets' });
    const text = plain(out);
    expect(actsOf(out)).toEqual(['ticket', 'menu']);
    expect(text).toContain(`${mine} — แจ้งเมื่อ 5 ธ.ค. 14:00 — รอส่งถึงทีมซัพพอร์ต`);
    expect(text).not.toContain(theirs);
  });

  it('keeps the open question open: the list, then the hand-over summary again', async () => {
    await turn('U3', { text: 'ขอคุยกับเจ้าหน้าที่ค่ะ' });
    await turn('U3', { kind: 'action', action: 'handover:start' });
    await turn('U3', { text: 'pim.shop@gmail.com' });
    await turn('U3', { kind: 'action', action: 'handover:skip' });
    const out = await turn('U3', { kind: 'action', action: 'tickets' });
    expect(actsOf(out)).toEqual(['ticket', 'handover-summary']);
    expect(choicesOf(out).map((c) => c.action)).toContain('handover:confirm');
  });
});
