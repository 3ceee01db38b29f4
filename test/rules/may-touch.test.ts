import fc from 'fast-check';
import { mayTouch } from '../../workflows/engine/may-touch';
import { initialState, type NurtureState } from '../../workflows/engine/state';
import { CHANNELS, type Channel } from '../../workflows/rules/channels';
import { startOf } from '../support/builders';
import { DAY, HOUR, MINUTE } from '../support/engine-harness';

// Monday 2026-11-23 15:00 in America/Chicago (UTC-6): inside the 09:00–20:00 SMS window.
const MON_3PM_CHICAGO = Date.parse('2026-11-23T21:00:00Z');
// The same Monday 23:30 in Chicago: outside it.
const MON_2330_CHICAGO = Date.parse('2026-11-24T05:30:00Z');

/** A high-intent lead with every consent and an email relationship: the gate's happy path. */
function reachable(patch: Partial<NurtureState> = {}): NurtureState {
  const start = startOf({ consent: { email: true, sms: true, linkedin: true, ads: true } });
  return { ...initialState(start, 0), status: 'high-intent', emailRelationship: true, ...patch };
}

describe('mayTouch: the first rule that refuses answers', () => {
  test('every channel is allowed for a reachable lead inside the window', () => {
    for (const channel of CHANNELS) {
      expect(mayTouch(reachable(), channel, MON_3PM_CHICAGO)).toMatchObject({ allowed: true });
    }
  });

  test.each<[string, Partial<NurtureState>, Channel, string]>([
    ['lifecycle', { status: 'converted' }, 'email', 'email skipped: nurture is converted'],
    [
      'pause',
      { pause: { reason: 'handoff', detail: 'hand-off to sales (email reply)', until: null } },
      'sms',
      'sms skipped: automated touches paused (hand-off to sales (email reply))',
    ],
    ['consent', { emailBlocked: 'bounced' }, 'email', 'email skipped: address bounced'],
    [
      'do-not-cross',
      { emailRelationship: false },
      'sms',
      'sms skipped: no email relationship yet (no email delivered)',
    ],
    ['status-matrix', { status: 'new' }, 'sms', 'sms skipped: not used for new leads'],
  ])('%s refuses with no time: only a change of state lifts it', (rule, patch, channel, reason) => {
    expect(mayTouch(reachable(patch), channel, MON_3PM_CHICAGO)).toEqual({
      allowed: false,
      rule,
      reason,
      data: expect.any(Object),
      nextEligibleAt: null,
    });
  });

  test('segment eligibility refuses after the status matrix allows', () => {
    const state = reachable();
    const plan = {
      ...state.plan,
      eligibility: [
        { when: { industry: ['healthcare'] }, deny: ['sms' as const], reason: 'no SMS in healthcare' },
      ],
    };
    const refused = mayTouch(
      { ...state, plan, profile: { ...state.profile, industry: 'healthcare' } },
      'sms',
      MON_3PM_CHICAGO,
    );
    expect(refused).toMatchObject({
      allowed: false,
      rule: 'eligibility',
      reason: 'sms skipped: no SMS in healthcare',
    });
  });

  test('outside the local window an SMS is refused until the next opening, before any cap is asked', () => {
    // Two SMS today would also break the per-day cap: the window still answers first.
    const sent = [
      { channel: 'sms' as const, at: MON_2330_CHICAGO - 10 * HOUR },
      { channel: 'sms' as const, at: MON_2330_CHICAGO - 9 * HOUR },
    ];
    expect(mayTouch(reachable({ sent }), 'sms', MON_2330_CHICAGO)).toEqual({
      allowed: false,
      rule: 'timing',
      reason: expect.stringMatching(
        /^23:30 \w+ in America\/Chicago is outside 09:00–20:00, next window 09:00 \w+$/,
      ),
      data: {
        localTime: expect.stringMatching(/^23:30/),
        timezone: 'America/Chicago',
        window: '09:00–20:00',
      },
      nextEligibleAt: Date.parse('2026-11-24T15:00:00Z'),
    });
  });

  test('inside the window, a cap refuses with the window inputs and the time it lifts', () => {
    const sent = [{ channel: 'sms' as const, at: MON_3PM_CHICAGO - HOUR }];
    expect(mayTouch(reachable({ sent }), 'sms', MON_3PM_CHICAGO)).toMatchObject({
      allowed: false,
      rule: 'frequency-cap',
      reason: 'sms cap 1 per local day reached (1 sent)',
      data: { timezone: 'America/Chicago', window: '09:00–20:00', cap: 'sms:1 per local day', count: 1 },
      // Midnight in Chicago.
      nextEligibleAt: Date.parse('2026-11-24T06:00:00Z'),
    });
  });

  test('a cooldown refuses after the caps allow', () => {
    const sent = [{ channel: 'email' as const, at: MON_3PM_CHICAGO - 30 * MINUTE }];
    expect(mayTouch(reachable({ sent }), 'sms', MON_3PM_CHICAGO)).toMatchObject({
      allowed: false,
      rule: 'cooldown',
      reason: 'email went out 30m ago; sms waits 2h after email',
      nextEligibleAt: MON_3PM_CHICAGO + 90 * MINUTE,
    });
  });

  test('a stated preference makes other channels an occasional nudge', () => {
    const state = reachable({ sent: [{ channel: 'linkedin', at: MON_3PM_CHICAGO - DAY }] });
    const prefersEmail = { ...state, profile: { ...state.profile, preferredChannel: 'email' as const } };
    expect(mayTouch(prefersEmail, 'linkedin', MON_3PM_CHICAGO)).toMatchObject({
      allowed: false,
      rule: 'preference',
      nextEligibleAt: MON_3PM_CHICAGO + 6 * DAY,
    });
  });

  test('retargeting is membership, not a send: caps and pauses do not apply', () => {
    const sent = [
      { channel: 'email' as const, at: MON_3PM_CHICAGO - HOUR },
      { channel: 'email' as const, at: MON_3PM_CHICAGO - 2 * HOUR },
    ];
    const paused = reachable({
      sent,
      pause: { reason: 'account', detail: 'a colleague booked', until: null },
    });
    expect(mayTouch(paused, 'retargeting', MON_3PM_CHICAGO)).toEqual({ allowed: true, window: null });
    expect(mayTouch(paused, 'email', MON_3PM_CHICAGO)).toMatchObject({ allowed: false, rule: 'pause' });
  });
});

describe('mayTouch: properties', () => {
  const sends = fc.array(
    fc.record({
      channel: fc.constantFrom<Channel>('email', 'sms', 'linkedin'),
      ago: fc.integer({ min: 0, max: 8 * DAY }),
    }),
    { maxLength: 8 },
  );

  test('a touch refused until a time stays refused at every instant before it', () => {
    fc.assert(
      fc.property(
        sends,
        fc.constantFrom<Channel>('email', 'sms', 'linkedin'),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('America/Chicago', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/Berlin'),
        (history, channel, offset, fraction, timezone) => {
          const now = MON_3PM_CHICAGO + offset;
          const base = reachable();
          const state = {
            ...base,
            profile: { ...base.profile, timezone },
            sent: history.map((s) => ({ channel: s.channel, at: now - s.ago })),
          };
          const check = mayTouch(state, channel, now);
          if (check.allowed || check.nextEligibleAt === null) return;
          expect(check.nextEligibleAt).toBeGreaterThan(now);
          const before = now + Math.floor((check.nextEligibleAt - now) * fraction);
          if (before < check.nextEligibleAt) expect(mayTouch(state, channel, before).allowed).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
