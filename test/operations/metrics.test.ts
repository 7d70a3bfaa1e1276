import { Metrics } from '../../src/metrics';
import type { Turn } from '../../src/conversation/messages';

const turn = (kind: Turn['kind'], channel: Turn['channel'] = 'line'): Turn => ({ channel, conversationId: 'c', userId: 'u', kind, at: '2026-01-01T00:00:00.000Z' });

describe('metrics of a turn', () => {
  it('counts each seller turn once: the decision of a matched message, "reply" for a typed answer, else its kind', async () => {
    const m = new Metrics();
    m.observeTurn(turn('message'), [{ type: 'matched', decision: 'vague', text: 'x', candidates: [] }]);
    m.observeTurn(turn('message'), [{ type: 'matched', decision: 'answer', text: 'x', candidates: [] }, { type: 'answered', topic: 'connection-expired' }]);
    m.observeTurn(turn('message'), [{ type: 'resolved', topic: 'connection-expired' }]);
    m.observeTurn(turn('action'), [{ type: 'handover-offered', reason: 'asked' }]);
    m.observeTurn(turn('sticker'), []);
    m.observeTurn(turn('other', 'web'), []);
    const counts = (await m.messages.get()).values.map((v) => `${v.labels.channel}/${v.labels.decision}=${v.value}`).sort();
    expect(counts).toEqual(['line/answer=1', 'line/button=1', 'line/reply=1', 'line/sticker=1', 'line/vague=1', 'web/other=1']);
    const events = (await m.turnEvents.get()).values.map((v) => `${v.labels.event}=${v.value}`).sort();
    expect(events).toEqual(['answered=1', 'resolved=1']);
    expect((await m.handovers.get()).values).toEqual([expect.objectContaining({ labels: { what: 'offered:asked' }, value: 1 })]);
  });
});
