import Database from 'better-sqlite3';
import { OutcomeRecords } from '../../src/analytics/outcome-records';
import type { Logger } from '../../src/logger';
import { SqliteOutcomeStore } from '../../src/storage/outcome-store';
import { toSummary } from '../helpers/handover-walk';
import { choicesOf, plain, RecordingChannel } from './recording-channel';

const actsOf = (out: { act: string }[]) => out.map((m) => m.act);
const quiet = { warn: () => undefined, info: () => undefined } as unknown as Logger;

/** "How did I do?": asked once a conversation ends well or with a ticket, optional, once a day. */
describe('the rating', () => {
  it('is asked after "fixed", with three buttons, and a press is thanked and reported once', async () => {
    const ch = new RecordingChannel('fixed');
    await ch.send('my lazada login says PASSWORD_NOT_MATCH');
    const out = await ch.press('feedback:yes');
    expect(actsOf(out)).toEqual(['resolved', 'rating']);
    expect(plain(out)).toMatch(/how helpful was I/);
    expect(choicesOf(out).map((c) => c.action)).toEqual(['rating:3', 'rating:2', 'rating:1']);
    const startedAt = (await ch.state())!.startedAt;
    const thanked = await ch.press('rating:3');
    expect(actsOf(thanked)).toEqual(['small-talk']);
    expect(ch.events).toContainEqual({ type: 'rated', score: 3, of: startedAt });
    // The widget keeps old buttons: a second press is thanked, not counted.
    await ch.press('rating:1');
    expect(ch.events.filter((e) => e.type === 'rated')).toHaveLength(1);
    expect((await ch.state())!.question).toBeUndefined();
  });

  it('takes a typed number for the button of that place', async () => {
    const ch = new RecordingChannel('typed');
    await ch.send('ร้าน shopee หมดอายุ ต้องทำยังไง');
    await ch.send('ได้แล้วค่ะ ขอบคุณค่ะ');
    await ch.send('3');
    expect(ch.events).toContainEqual(expect.objectContaining({ type: 'rated', score: 1 }));
  });

  it('is passed by when the seller writes anything else: the next problem is answered as usual', async () => {
    const ch = new RecordingChannel('moved-on');
    await ch.send('ร้าน shopee หมดอายุ ต้องทำยังไง');
    expect(actsOf(await ch.send('ได้แล้วค่ะ'))).toEqual(['resolved', 'rating']);
    expect(actsOf(await ch.send('lazada ขึ้น PASSWORD_NOT_MATCH ค่ะ'))).toEqual(['answer:lazada-password-not-match', 'ask-feedback']);
    expect((await ch.state())!.question?.kind).toBe('feedback');
    // Fixed again the same day: not asked again.
    expect(actsOf(await ch.press('feedback:yes'))).toEqual(['resolved']);
    expect(ch.events.some((e) => e.type === 'rated')).toBe(false);
  });

  it('is not asked when the turn goes on to the next problem', async () => {
    const ch = new RecordingChannel('two-stores');
    await ch.send('I have lazada AND shopee. lazada: PASSWORD_NOT_MATCH. shopee: otp not received');
    await ch.send('the lazada one first');
    expect(actsOf(await ch.send('done. now shopee'))).toEqual(['resolved', 'answer:shopee-otp-not-received', 'ask-feedback']);
  });

  it('is asked after a new ticket, and rates the conversation the ticket closed', async () => {
    const ch = new RecordingChannel('ticket');
    const records = new OutcomeRecords({ store: new SqliteOutcomeStore(new Database(':memory:')), log: quiet, retentionDays: 90, now: () => new Date(ch.clock) });
    ch.recorded = (turn, events, context) => records.record(turn, events, context);
    await ch.send('ขอคุยกับเจ้าหน้าที่ค่ะ');
    await toSummary(ch, 'somchai.shop@gmail.com');
    const handedOver = (await ch.state())!.startedAt;
    const filed = await ch.press('handover:confirm');
    expect(actsOf(filed)).toEqual(['ticket', 'rating']);
    expect(plain(filed)).toMatch(/ช่วยได้แค่ไหน/);
    await ch.press('rating:2');
    expect(ch.events).toContainEqual({ type: 'rated', score: 2, of: handedOver });
    await records.idle();
    const episodes = await records.episodes(1);
    // One conversation, handed over and rated: the press after the ticket is no conversation of its own.
    expect(episodes.map((e) => [e.outcome, e.rating])).toEqual([['handed-over', 2]]);
    expect((await records.report(1)).csat).toEqual({ count: 1, average: 2, satisfied: 0 });
  });
});
