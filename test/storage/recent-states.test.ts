import { RecentStates } from '../../src/storage/recent-states';

describe('the states a store keeps in memory', () => {
  it('hands a state over once, and forgets the one kept longest ago past its limit', () => {
    const recent = new RecentStates<string>(2);
    recent.keep('a', 'A');
    recent.keep('b', 'B');
    recent.keep('a', 'A2'); // kept again: now the newest
    recent.keep('c', 'C'); // over the limit: b goes
    expect(recent.take('b')).toBeUndefined();
    expect(recent.take('a')).toBe('A2');
    expect(recent.take('a')).toBeUndefined(); // handed over
    recent.dropWhere((v) => v === 'C');
    expect(recent.take('c')).toBeUndefined();
  });
});
