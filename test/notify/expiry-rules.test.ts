import path from 'node:path';
import { loadTranslations } from '../../src/i18n';
import { loadKnowledge } from '../../src/knowledge/load';
import { renderReply } from '../../src/channels/line/render';
import type { AccountStores, StoreStatus } from '../../src/status/connector-port';
import { sandboxAccountStores } from '../../src/status/sandbox';
import { expiryWarning, GENERAL_RECONNECT_TOPIC, reconnectTopic, STOP_REMINDERS_ACTION } from '../../src/notify/expiry-message';
import {
  bangkokTimeOf,
  bangkokDay,
  dueStores,
  isQuietTime,
  JUST_EXPIRED_DAYS,
  keepSeconds,
  nextRunAt,
  pickStore,
  pushBudget,
  sellerSkip,
  warningKey,
} from '../../src/notify/expiry-rules';
import { lineLimitProblems } from '../channels/line/fake-line-api';

const kb = loadKnowledge(path.resolve(__dirname, '../../knowledge'));
const t = loadTranslations();
const DAY = 24 * 3600 * 1000;
/** 10:00 in Bangkok. */
const NOW = new Date('2026-11-28T03:00:00Z');

function account(stores: Partial<StoreStatus>[], accountId = 'A1'): AccountStores {
  return {
    accountId,
    fetchedAt: NOW.toISOString(),
    stores: stores.map((s, i) => ({ storeId: `s${i}`, platform: 'shopee', nickname: `Shop ${i}`, status: 'active', expiresAt: null, lastError: null, ...s })),
  };
}
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

describe('a time an operator types (notify:expiring --at)', () => {
  it.each([
    ['2026-12-13T10:00', '2026-12-13T03:00:00.000Z'],
    ['2026-12-13T21:30:00', '2026-12-13T14:30:00.000Z'],
    ['2026-12-13', '2026-12-13T03:00:00.000Z'],
    ['2026-12-13T03:00:00Z', '2026-12-13T03:00:00.000Z'],
    ['2026-12-13T10:00+07:00', '2026-12-13T03:00:00.000Z'],
  ])('"%s" is %s: Bangkok time unless a zone is given, a date alone at 10:00', (given, iso) => {
    expect(bangkokTimeOf(given)?.toISOString()).toBe(iso);
  });

  it('is nothing for what is no time', () => {
    expect(bangkokTimeOf('tomorrow')).toBeUndefined();
  });
});

describe('Bangkok time', () => {
  it('names the Bangkok day and keeps 21:00-08:00 quiet', () => {
    expect(bangkokDay(new Date('2026-11-28T16:59:59Z'))).toBe('2026-11-28');
    expect(bangkokDay(new Date('2026-11-28T17:00:00Z'))).toBe('2026-11-29'); // midnight in Bangkok
    expect(isQuietTime(new Date('2026-11-28T13:59:00Z'))).toBe(false); // 20:59
    expect(isQuietTime(new Date('2026-11-28T14:00:00Z'))).toBe(true); // 21:00
    expect(isQuietTime(new Date('2026-11-28T00:59:00Z'))).toBe(true); // 07:59
    expect(isQuietTime(new Date('2026-11-28T01:00:00Z'))).toBe(false); // 08:00
  });

  it('runs next at the given Bangkok time, today if it is still ahead, else tomorrow', () => {
    const at = { hour: 10, minute: 0 };
    expect(nextRunAt(new Date('2026-11-28T01:00:00Z'), at).toISOString()).toBe('2026-11-28T03:00:00.000Z');
    expect(nextRunAt(new Date('2026-11-28T03:00:00Z'), at).toISOString()).toBe('2026-11-29T03:00:00.000Z');
    // 23:30 in Bangkok on the 28th is already the 28th's evening: the next 10:00 is the 29th's.
    expect(nextRunAt(new Date('2026-11-28T16:30:00Z'), at).toISOString()).toBe('2026-11-29T03:00:00.000Z');
    expect(nextRunAt(new Date('2026-11-28T17:30:00Z'), { hour: 8, minute: 30 }).toISOString()).toBe('2026-11-29T01:30:00.000Z');
  });
});

describe('which stores qualify', () => {
  it('finds the sandbox seller demo-expiring: its TikTok Shop store, 3 days ahead', () => {
    const due = dueStores('U1', { ...sandboxAccountStores('demo-expiring', NOW)!, fetchedAt: NOW.toISOString() }, kb, NOW);
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ store: { storeId: 'sbx-tiktok-1', platform: 'tiktok' }, days: 3, expired: false });
  });

  it('takes stores expiring within 7 days or expired within the last 2, most urgent first', () => {
    const due = dueStores(
      'U1',
      account([
        { expiresAt: inDays(6.5) },
        { expiresAt: inDays(7.5) }, // too far ahead
        { status: 'expired', expiresAt: inDays(-1) },
        { status: 'expired', expiresAt: inDays(-(JUST_EXPIRED_DAYS + 0.5)) }, // too long ago
        { status: 'expired', expiresAt: null }, // no date: no "just expired"
        { expiresAt: inDays(0.2) },
        { status: 'error', expiresAt: inDays(2), lastError: { code: 'PASSWORD_NOT_MATCH' } }, // a problem, not an expiry
        { expiresAt: null },
      ]),
      kb,
      NOW,
    );
    expect(due.map((d) => [d.store.storeId, d.days, d.expired])).toEqual([
      ['s2', -1, true],
      ['s5', 0, false], // 14:48 today in Bangkok: "today"
      ['s0', 6, false],
    ]);
  });

  it('keys a warning by LINE user, store and Bangkok expiry day', () => {
    const k = warningKey('U1', 's1', '2026-12-01T03:00:00Z');
    expect(warningKey('U1', 's1', '2026-12-01T09:00:00Z')).toBe(k); // same day in Bangkok
    expect(warningKey('U1', 's1', '2026-12-01T18:00:00Z')).not.toBe(k); // the 2nd in Bangkok
    expect(warningKey('U2', 's1', '2026-12-01T03:00:00Z')).not.toBe(k);
    const [due] = dueStores('U1', account([{ expiresAt: inDays(3) }]), kb, NOW);
    expect(keepSeconds(due!, NOW)).toBeGreaterThan((3 + JUST_EXPIRED_DAYS) * 24 * 3600);
  });
});

describe('who gets one now', () => {
  it('none to a seller who said stop, nor twice on one Bangkok day', () => {
    expect(sellerSkip({ stopped: true }, NOW)).toBe('stopped');
    expect(sellerSkip({ stopped: false, lastWarnedDay: '2026-11-28' }, NOW)).toBe('daily-limit');
    expect(sellerSkip({ stopped: false, lastWarnedDay: '2026-11-27' }, NOW)).toBeUndefined();
    expect(sellerSkip({ stopped: false }, NOW)).toBeUndefined();
  });

  it('one store at a time, never one already warned about', () => {
    const due = dueStores('U1', account([{ expiresAt: inDays(2) }, { expiresAt: inDays(5) }]), kb, NOW);
    expect(pickStore([], new Set())).toBe('nothing-due');
    expect(pickStore(due, new Set())).toBe(due[0]);
    expect(pickStore(due, new Set([due[0]!.key]))).toBe(due[1]);
    expect(pickStore(due, new Set(due.map((d) => d.key)))).toBe('already-warned');
  });

  it('pushes at most up to the budget share of the month\'s quota', () => {
    expect(pushBudget({ limit: 200, used: 0 }, 50)).toBe(100);
    expect(pushBudget({ limit: 200, used: 99 }, 50)).toBe(1);
    expect(pushBudget({ limit: 200, used: 100 }, 50)).toBe(0);
    expect(pushBudget({ limit: 200, used: 150 }, 50)).toBe(0);
    expect(pushBudget({ limit: 201, used: 0 }, 50)).toBe(100);
    expect(pushBudget({ used: 10_000 }, 50)).toBe(Number.POSITIVE_INFINITY); // type "none": no limit set
    expect(pushBudget({ limit: 200, used: 0 }, 0)).toBe(0);
  });
});

describe('the warning', () => {
  it('links each platform to an existing article of the connection-expired family', () => {
    for (const platform of ['shopee', 'lazada', 'tiktok', 'woocommerce', 'facebook', 'a-new-platform']) {
      const id = reconnectTopic(kb, platform);
      const topic = kb.byId.get(id)!;
      expect(topic).toBeDefined();
      expect(id === GENERAL_RECONNECT_TOPIC || (topic.specialises === GENERAL_RECONNECT_TOPIC && topic.platforms.includes(platform as never))).toBe(true);
    }
    expect(reconnectTopic(kb, 'tiktok')).toBe('tiktok-renew-authorization');
    expect(reconnectTopic(kb, 'woocommerce')).toBe('connection-expired');
  });

  it('says what and when in the seller\'s language, with buttons the conversation understands, and fits LINE', () => {
    const [due] = dueStores('U1', { ...sandboxAccountStores('demo-expiring', NOW)!, fetchedAt: NOW.toISOString() }, kb, NOW);
    for (const lang of ['th', 'en'] as const) {
      const m = expiryWarning(due!, lang, { t, kb });
      expect(m).toMatchObject({ type: 'card', act: 'expiry-warning', lang });
      if (m.type !== 'card') throw new Error('a card');
      expect(m.title).toContain('Nid Fashion');
      expect(m.title).toContain('TikTok Shop');
      expect(m.choices.map((c) => c.action)).toEqual(['topic:tiktok-renew-authorization', 'status:check', STOP_REMINDERS_ACTION]);
      const batches = renderReply([m]);
      expect(batches).toHaveLength(1);
      expect(lineLimitProblems(batches[0]!)).toEqual([]);
    }
    const th = expiryWarning(due!, 'th', { t, kb });
    expect(th.type === 'card' && th.text).toMatch(/1 ธันวาคม 2569 \(อีก 3 วัน\)/);
    expect(th.type === 'card' && th.choices[2]!.label).toBe('ไม่ต้องเตือนแล้ว');
    const en = expiryWarning(due!, 'en', { t, kb });
    expect(en.type === 'card' && en.text).toMatch(/1 December 2026 \(in 3 day/);
    const today = expiryWarning({ ...due!, days: 0 }, 'en', { t, kb });
    expect(today.type === 'card' && today.text).toMatch(/expires today/);
    const expired = expiryWarning({ ...due!, expired: true, days: -1 }, 'en', { t, kb });
    expect(expired.type === 'card' && expired.title).toMatch(/has expired/);
  });
});
