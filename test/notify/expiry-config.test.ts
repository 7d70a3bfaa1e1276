import { loadConfig } from '../../src/config';
import { startLineApp } from '../helpers/line-app';

const LINE = { LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' };

describe('expiry warning settings', () => {
  it('is on by default with LINE only, at 10:00 Bangkok, with half the quota', () => {
    expect(loadConfig({}).expiryWarning).toEqual({ enabled: false, at: { hour: 10, minute: 0 }, budgetPercent: 50 });
    expect(loadConfig(LINE).expiryWarning.enabled).toBe(true);
    expect(loadConfig({ ...LINE, EXPIRY_WARNING: 'off' }).expiryWarning.enabled).toBe(false);
    expect(loadConfig({ ...LINE, EXPIRY_WARNING_TIME: '08:30', LINE_PUSH_BUDGET_PERCENT: '20' }).expiryWarning).toEqual({
      enabled: true,
      at: { hour: 8, minute: 30 },
      budgetPercent: 20,
    });
  });

  it('refuses what cannot work, naming the variable', () => {
    expect(() => loadConfig({ EXPIRY_WARNING: 'on' })).toThrow('EXPIRY_WARNING: "on" needs the LINE channel');
    expect(() => loadConfig({ ...LINE, EXPIRY_WARNING: 'yes' })).toThrow('EXPIRY_WARNING');
    expect(() => loadConfig({ ...LINE, EXPIRY_WARNING_TIME: '22:00' })).toThrow('EXPIRY_WARNING_TIME: must be between 08:00 and 20:59');
    expect(() => loadConfig({ ...LINE, EXPIRY_WARNING_TIME: '9:00' })).toThrow('EXPIRY_WARNING_TIME: must be HH:MM');
    expect(() => loadConfig({ ...LINE, LINE_PUSH_BUDGET_PERCENT: '150' })).toThrow('LINE_PUSH_BUDGET_PERCENT');
  });

  it('a bot with the daily timer on starts and stops cleanly', async () => {
    const line = await startLineApp({ EXPIRY_WARNING: 'on' });
    const started = Date.now();
    await line.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(line.fake.calls.filter((c) => c.path.startsWith('/v2/bot/message/quota'))).toEqual([]);
  });
});
