import Database from 'better-sqlite3';
import { BurstGate } from '../../src/channels/burst-gate';
import { SqliteBurstStore, type BurstStore } from '../../src/storage/burst-store';
import { createLogger } from '../../src/logger';

/** A clock the gate's sleeps move, so the waits are exact and instant. */
function gateWith(waitMs: number, store: BurstStore = new SqliteBurstStore(new Database(':memory:'))) {
  const clock = { now: 0 };
  const gate = new BurstGate(store, waitMs, createLogger('silent'), () => clock.now, async (ms) => {
    clock.now += ms;
  });
  return { gate, clock, store };
}

describe('burst gate', () => {
  it('answers pieces that came in a row once, with the last piece, one per line', async () => {
    const { gate, clock } = gateWith(2000);
    const pieces = ['ร้านลาซาด้า', 'เชื่อมไม่ได้', 'ขึ้น password not match', 'ช่วยหน่อยค่ะ'].map((text, i) => ({ id: `e${i}`, text, at: i * 800 }));
    for (const p of pieces) await gate.note('u1', p);
    clock.now = 2500;
    const answers = [];
    for (const p of pieces) answers.push(await gate.settle('u1', p));
    expect(answers).toEqual([undefined, undefined, undefined, 'ร้านลาซาด้า\nเชื่อมไม่ได้\nขึ้น password not match\nช่วยหน่อยค่ะ']);
    // The last piece waited until 2 s after it came, not after the first.
    expect(clock.now).toBe(2400 + 2000);
  });

  it('answers a piece alone when nothing follows it within the wait, and the next one alone too', async () => {
    const { gate, clock } = gateWith(2000);
    const a = { id: 'a', text: 'shopee หมดอายุ', at: 0 };
    await gate.note('u1', a);
    expect(await gate.settle('u1', a)).toBe('shopee หมดอายุ');
    expect(clock.now).toBe(2000);
    const b = { id: 'b', text: 'ยังไม่ได้ค่ะ', at: 10_000 };
    await gate.note('u1', b);
    clock.now = 10_000;
    expect(await gate.settle('u1', b)).toBe('ยังไม่ได้ค่ะ');
  });

  it('keeps conversations apart', async () => {
    const { gate } = gateWith(1000);
    await gate.note('u1', { id: '1', text: 'one', at: 0 });
    await gate.note('u2', { id: '2', text: 'two', at: 100 });
    expect(await gate.settle('u1', { id: '1', text: 'one', at: 0 })).toBe('one');
    expect(await gate.settle('u2', { id: '2', text: 'two', at: 100 })).toBe('two');
  });

  it('gives a turn played again the same burst, and nothing to a piece another turn answered', async () => {
    const { gate } = gateWith(1000);
    const a = { id: 'a', text: 'lazada', at: 0 };
    const b = { id: 'b', text: 'internal data error', at: 300 };
    await gate.note('u1', a);
    await gate.note('u1', b);
    expect(await gate.settle('u1', a)).toBeUndefined();
    expect(await gate.settle('u1', b)).toBe('lazada\ninternal data error');
    // Adopted from a stopped instance: b again gets what it answered; a is still answered by b.
    expect(await gate.settle('u1', b)).toBe('lazada\ninternal data error');
    expect(await gate.settle('u1', a)).toBeUndefined();
  });

  it('answers at once with no wait configured, and alone when the store fails', async () => {
    const { gate, clock } = gateWith(0);
    await gate.note('u1', { id: 'a', text: 'x', at: 0 });
    expect(await gate.settle('u1', { id: 'a', text: 'x', at: 0 })).toBe('x');
    expect(clock.now).toBe(0);
    const broken: BurstStore = {
      add: () => Promise.reject(new Error('disk full')),
      position: () => Promise.reject(new Error('disk full')),
      take: () => Promise.reject(new Error('disk full')),
    };
    const failing = gateWith(1000, broken).gate;
    await failing.note('u1', { id: 'a', text: 'x', at: 0 });
    expect(await failing.settle('u1', { id: 'a', text: 'x', at: 0 })).toBe('x');
  });

  it('answers a piece alone when it was never kept, even after pieces that were', async () => {
    const { gate } = gateWith(1000);
    await gate.note('u1', { id: 'a', text: 'kept', at: 0 });
    expect(await gate.settle('u1', { id: 'secret', text: 'not kept', at: 100 })).toBe('not kept');
  });
});
