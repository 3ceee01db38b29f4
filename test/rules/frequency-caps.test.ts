import fc from 'fast-check';
import { at, VARIED_ZONES } from '../support/time-zones';
import { CHANNELS, type Channel } from '../../workflows/rules/channels';
import type { CapRule, Cooldown } from '../../plans/plan-schema';
import {
  checkCaps,
  checkCooldown,
  pruneHistory,
  type SentRecord,
} from '../../workflows/rules/frequency-caps';
import { localDayKey } from '../../workflows/rules/local-time';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const ZONES = VARIED_ZONES;

const sms = (iso: string): SentRecord => ({ channel: 'sms', at: at(iso) });
const email = (iso: string): SentRecord => ({ channel: 'email', at: at(iso) });

describe('checkCaps: rolling windows', () => {
  const twoPerDay: CapRule = { channel: 'sms', max: 2, rolling: DAY };

  test('two SMS in the last 24h → a third waits until the older one is 24h old', () => {
    const history = [sms('2026-03-04T15:00:00Z'), sms('2026-03-04T20:00:00Z')];
    expect(checkCaps(history, 'sms', at('2026-03-05T10:00:00Z'), 'UTC', [twoPerDay])).toEqual({
      allowed: false,
      rule: twoPerDay,
      count: 2,
      nextAllowedAt: at('2026-03-05T15:00:00Z'),
    });
  });

  test('exactly 24h after the older SMS it has left the window → allowed', () => {
    const history = [sms('2026-03-04T15:00:00Z'), sms('2026-03-04T20:00:00Z')];
    expect(checkCaps(history, 'sms', at('2026-03-05T15:00:00Z'), 'UTC', [twoPerDay])).toEqual({
      allowed: true,
    });
  });

  test('an SMS cap does not hold back an email', () => {
    const history = [sms('2026-03-04T15:00:00Z'), sms('2026-03-04T20:00:00Z')];
    expect(checkCaps(history, 'email', at('2026-03-05T10:00:00Z'), 'UTC', [twoPerDay])).toEqual({
      allowed: true,
    });
  });

  test('an "any" cap counts every channel: an email and a LinkedIn task fill a 2-per-week cap for SMS', () => {
    const anyTwoPerWeek: CapRule = { channel: 'any', max: 2, rolling: 7 * DAY };
    const history: SentRecord[] = [
      email('2026-03-02T15:00:00Z'),
      { channel: 'linkedin', at: at('2026-03-03T15:00:00Z') },
    ];
    expect(checkCaps(history, 'sms', at('2026-03-04T15:00:00Z'), 'UTC', [anyTwoPerWeek])).toMatchObject({
      allowed: false,
      count: 2,
      nextAllowedAt: at('2026-03-09T15:00:00Z'),
    });
  });

  test('a cap tightened to 1 while 3 SMS are in the window → waits until the newest is 24h old', () => {
    const onePerDay: CapRule = { channel: 'sms', max: 1, rolling: DAY };
    const history = [sms('2026-03-04T11:00:00Z'), sms('2026-03-04T12:00:00Z'), sms('2026-03-04T13:00:00Z')];
    expect(checkCaps(history, 'sms', at('2026-03-04T14:00:00Z'), 'UTC', [onePerDay])).toMatchObject({
      count: 3,
      nextAllowedAt: at('2026-03-05T13:00:00Z'),
    });
  });

  test('when two caps block, the one that blocks longest is reported', () => {
    const onePerHour: CapRule = { channel: 'sms', max: 1, rolling: HOUR };
    const onePerWeek: CapRule = { channel: 'any', max: 1, rolling: 7 * DAY };
    const history = [sms('2026-03-04T13:30:00Z')];
    expect(
      checkCaps(history, 'sms', at('2026-03-04T14:00:00Z'), 'UTC', [onePerHour, onePerWeek]),
    ).toMatchObject({ allowed: false, rule: onePerWeek, nextAllowedAt: at('2026-03-11T13:30:00Z') });
  });

  test.each([
    ['max 0', { channel: 'sms', max: 0, rolling: DAY }],
    ['max 1.5', { channel: 'sms', max: 1.5, rolling: DAY }],
    ['a zero rolling window', { channel: 'sms', max: 1, rolling: 0 }],
  ] satisfies [string, CapRule][])('a cap with %s is a plan error and throws', (_story, rule) => {
    expect(() => checkCaps([], 'sms', at('2026-03-04T14:00:00Z'), 'UTC', [rule])).toThrow(/cap/);
  });
});

describe('checkCaps: per local day', () => {
  const onePerLocalDay: CapRule = { channel: 'sms', max: 1, perLocalDay: true };

  test('an SMS at 23:30 in Chicago and another at 00:30 fall on two local days (same UTC day) → allowed', () => {
    const history = [sms('2026-03-05T05:30:00Z')];
    expect(
      checkCaps(history, 'sms', at('2026-03-05T06:30:00Z'), 'America/Chicago', [onePerLocalDay]),
    ).toEqual({
      allowed: true,
    });
  });

  test('an SMS at 09:00 in Kolkata blocks one at 23:00 IST, until local midnight (18:30 UTC)', () => {
    const history = [sms('2026-03-04T03:30:00Z')];
    expect(checkCaps(history, 'sms', at('2026-03-04T17:30:00Z'), 'Asia/Kolkata', [onePerLocalDay])).toEqual({
      allowed: false,
      rule: onePerLocalDay,
      count: 1,
      nextAllowedAt: at('2026-03-04T18:30:00Z'),
    });
  });

  test('on Chicago spring-forward day the next local midnight is at 05:00 UTC (CDT), not 06:00', () => {
    const history = [sms('2026-03-08T15:00:00Z')];
    expect(
      checkCaps(history, 'sms', at('2026-03-08T20:00:00Z'), 'America/Chicago', [onePerLocalDay]),
    ).toMatchObject({ allowed: false, nextAllowedAt: at('2026-03-09T05:00:00Z') });
  });

  test('on Chicago fall-back day (25 hours) an SMS at 00:30 CDT still counts at 23:00 CST', () => {
    const history = [sms('2026-11-01T05:30:00Z')];
    expect(
      checkCaps(history, 'sms', at('2026-11-02T05:00:00Z'), 'America/Chicago', [onePerLocalDay]),
    ).toMatchObject({ allowed: false, count: 1, nextAllowedAt: at('2026-11-02T06:00:00Z') });
  });

  test('London spring-forward day: an SMS at 00:30 GMT blocks until midnight BST (23:00 UTC)', () => {
    const history = [sms('2026-03-29T00:30:00Z')];
    expect(
      checkCaps(history, 'sms', at('2026-03-29T18:00:00Z'), 'Europe/London', [onePerLocalDay]),
    ).toMatchObject({
      allowed: false,
      nextAllowedAt: at('2026-03-29T23:00:00Z'),
    });
  });

  test('Sunday 23:00 UTC is Monday 11:00 in Auckland: an SMS at Monday 09:00 local blocks, one from Sunday evening local does not', () => {
    const mondayInAuckland = [sms('2026-06-07T21:00:00Z')];
    const sundayInAuckland = [sms('2026-06-07T09:00:00Z')];
    const now = at('2026-06-07T23:00:00Z');
    expect(checkCaps(mondayInAuckland, 'sms', now, 'Pacific/Auckland', [onePerLocalDay]).allowed).toBe(false);
    expect(checkCaps(sundayInAuckland, 'sms', now, 'Pacific/Auckland', [onePerLocalDay]).allowed).toBe(true);
  });
});

describe('checkCooldown', () => {
  const emailToSms: Cooldown = { from: 'email', to: 'sms', after: 4 * HOUR };

  test('an email just went out → an SMS needs a clear why-now: blocked for 4h', () => {
    const history = [email('2026-03-04T15:00:00Z')];
    expect(checkCooldown(history, 'sms', at('2026-03-04T18:59:00Z'), [emailToSms])).toEqual({
      allowed: false,
      from: 'email',
      lastAt: at('2026-03-04T15:00:00Z'),
      nextAllowedAt: at('2026-03-04T19:00:00Z'),
    });
  });

  test('4h after the email the SMS may go', () => {
    const history = [email('2026-03-04T15:00:00Z')];
    expect(checkCooldown(history, 'sms', at('2026-03-04T19:00:00Z'), [emailToSms])).toEqual({
      allowed: true,
    });
  });

  test('the email cooldown does not hold back another email', () => {
    const history = [email('2026-03-04T15:00:00Z')];
    expect(checkCooldown(history, 'email', at('2026-03-04T16:00:00Z'), [emailToSms])).toEqual({
      allowed: true,
    });
  });

  test('a cooldown from "any" names the channel that blocked; of several, the longest block is reported', () => {
    const anyToSms: Cooldown = { from: 'any', to: 'sms', after: 2 * HOUR };
    const history: SentRecord[] = [
      email('2026-03-04T15:00:00Z'),
      { channel: 'linkedin', at: at('2026-03-04T16:00:00Z') },
    ];
    expect(checkCooldown(history, 'sms', at('2026-03-04T16:30:00Z'), [anyToSms, emailToSms])).toEqual({
      allowed: false,
      from: 'email',
      lastAt: at('2026-03-04T15:00:00Z'),
      nextAllowedAt: at('2026-03-04T19:00:00Z'),
    });
    expect(checkCooldown(history, 'sms', at('2026-03-04T16:30:00Z'), [anyToSms])).toEqual({
      allowed: false,
      from: 'linkedin',
      lastAt: at('2026-03-04T16:00:00Z'),
      nextAllowedAt: at('2026-03-04T18:00:00Z'),
    });
  });
});

describe('pruneHistory', () => {
  test('keeps 48h for a per-local-day cap, the longest rolling window, and drops channels no rule watches', () => {
    const now = at('2026-03-10T12:00:00Z');
    const history: SentRecord[] = [
      sms('2026-03-01T12:00:00Z'),
      sms('2026-03-08T13:00:00Z'),
      email('2026-03-06T12:00:00Z'),
      email('2026-03-10T07:00:00Z'),
      { channel: 'retargeting', at: at('2026-03-10T11:00:00Z') },
    ];
    const caps: CapRule[] = [
      { channel: 'sms', max: 1, perLocalDay: true },
      { channel: 'email', max: 3, rolling: 7 * DAY },
    ];
    const cooldowns: Cooldown[] = [{ from: 'email', to: 'sms', after: 4 * HOUR }];
    expect(pruneHistory(history, now, caps, cooldowns)).toEqual([
      sms('2026-03-08T13:00:00Z'),
      email('2026-03-06T12:00:00Z'),
      email('2026-03-10T07:00:00Z'),
    ]);
  });
});

const channels = fc.constantFrom<Channel>(...CHANNELS);
const capChannels = fc.constantFrom<Channel | 'any'>(...CHANNELS, 'any');
const capRules: fc.Arbitrary<CapRule> = fc.oneof(
  fc.record({
    channel: capChannels,
    max: fc.integer({ min: 1, max: 4 }),
    rolling: fc.oneof(
      fc.constantFrom(HOUR, 4 * HOUR, DAY, 7 * DAY),
      fc.integer({ min: MINUTE, max: 7 * DAY }),
    ),
  }),
  fc.record({
    channel: capChannels,
    max: fc.integer({ min: 1, max: 4 }),
    perLocalDay: fc.constant(true as const),
  }),
);
const cooldownRules: fc.Arbitrary<Cooldown> = fc.record({
  from: capChannels,
  to: channels,
  after: fc.integer({ min: MINUTE, max: 3 * DAY }),
});
const starts = fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-12-31T23:59:59Z') });
const zones = fc.constantFrom(...ZONES);

function matches(rule: Channel | 'any', channel: Channel): boolean {
  return rule === 'any' || rule === channel;
}

describe('caps and cooldowns: properties', () => {
  test('a greedy sender that waits until nextAllowedAt never exceeds any cap in any window or local day', () => {
    fc.assert(
      fc.property(
        zones,
        starts,
        fc.array(capRules, { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ channel: channels, gap: fc.integer({ min: 0, max: 12 * HOUR }) }), {
          minLength: 10,
          maxLength: 60,
        }),
        (zone, start, caps, attempts) => {
          const sent: SentRecord[] = [];
          let kept: SentRecord[] = [];
          let now = start;
          for (const { channel, gap } of attempts) {
            now += gap;
            const check = checkCaps(kept, channel, now, zone, caps);
            if (!check.allowed) {
              expect(check.nextAllowedAt).toBeGreaterThan(now);
              expect(check.count).toBeGreaterThanOrEqual(check.rule.max);
              now = check.nextAllowedAt;
              // The longest block is reported, so by then every cap allows.
              expect(checkCaps(kept, channel, now, zone, caps)).toEqual({ allowed: true });
            }
            sent.push({ channel, at: now });
            kept = pruneHistory([...kept, { channel, at: now }], now, caps, []);
          }
          for (const rule of caps) {
            const counted = sent.filter((r) => matches(rule.channel, r.channel));
            if ('rolling' in rule) {
              for (const end of counted) {
                const inWindow = counted.filter((r) => r.at > end.at - rule.rolling && r.at <= end.at);
                expect(inWindow.length).toBeLessThanOrEqual(rule.max);
              }
            } else {
              const perDay = new Map<string, number>();
              for (const r of counted) {
                const key = localDayKey(r.at, zone);
                perDay.set(key, (perDay.get(key) ?? 0) + 1);
              }
              for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(rule.max);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  /** Rules first, then records whose ages often sit within a second of some rule's reach, where pruning can slip. */
  const rulesAndHistory = fc
    .record({
      caps: fc.array(capRules, { maxLength: 3 }),
      cooldowns: fc.array(cooldownRules, { maxLength: 3 }),
    })
    .chain(({ caps, cooldowns }) => {
      const reaches = [
        ...caps.map((rule) => ('rolling' in rule ? rule.rolling : 25 * HOUR)),
        ...cooldowns.map((cooldown) => cooldown.after),
        DAY,
      ];
      const ages = fc.oneof(
        fc.integer({ min: 0, max: 10 * DAY }),
        fc
          .tuple(fc.constantFrom(...reaches), fc.integer({ min: -1000, max: 1000 }))
          .map(([reach, jitter]) => Math.max(0, reach + jitter)),
      );
      return fc.record({
        caps: fc.constant(caps),
        cooldowns: fc.constant(cooldowns),
        records: fc.array(fc.record({ channel: channels, ago: ages }), { maxLength: 40 }),
        laterValues: fc.array(
          fc.oneof(fc.integer({ min: 0, max: 3 * DAY }), fc.integer({ min: 0, max: 2000 })),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
      });
    });

  test('pruneHistory never changes a checkCaps or checkCooldown answer, now or later', () => {
    fc.assert(
      fc.property(
        zones,
        starts,
        rulesAndHistory,
        channels,
        (zone, now, { caps, cooldowns, records, laterValues }, channel) => {
          const history = records.map(({ channel: c, ago }) => ({ channel: c, at: now - ago }));
          const pruned = pruneHistory(history, now, caps, cooldowns);
          expect(pruned.length).toBeLessThanOrEqual(history.length);
          for (const when of [now, ...laterValues.map((later) => now + later)]) {
            expect(checkCaps(pruned, channel, when, zone, caps)).toEqual(
              checkCaps(history, channel, when, zone, caps),
            );
            expect(checkCooldown(pruned, channel, when, cooldowns)).toEqual(
              checkCooldown(history, channel, when, cooldowns),
            );
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('a per-local-day cap keeps a record for 47h (longer than any local day) and still counts it', () => {
    fc.assert(
      fc.property(zones, starts, (zone, instant) => {
        const caps: CapRule[] = [{ channel: 'sms', max: 1, perLocalDay: true }];
        const history = [{ channel: 'sms' as const, at: instant }];
        expect(pruneHistory(history, instant + 47 * HOUR, caps, [])).toEqual(history);
        expect(checkCaps(pruneHistory(history, instant, caps, []), 'sms', instant, zone, caps).allowed).toBe(
          false,
        );
      }),
      { numRuns: 2000 },
    );
  });
});
