import { initialState, type NurtureState } from '../../workflows/engine/state';
import {
  currentDetailsOf,
  localStamp,
  staticDetailsOf,
  staticSummaryOf,
  withRecent,
  type RecentDecision,
} from '../../workflows/user-metadata';
import { startOf } from '../support/builders';

// Monday 2026-11-23 15:00 in America/Chicago (UTC-6), 22:00 in Europe/Paris.
const MON_3PM_CHICAGO = Date.parse('2026-11-23T21:00:00Z');
const HOUR = 3_600_000;
const CHICAGO = 'America/Chicago';

function stateWith(patch: Partial<NurtureState>, zone = CHICAGO): NurtureState {
  return { ...initialState(startOf({ profile: { timezone: zone } }), MON_3PM_CHICAGO), ...patch };
}

const sent: RecentDecision = { at: MON_3PM_CHICAGO, rule: 'delivery', outcome: 'sent', channel: 'email' };

describe('static summary', () => {
  test.each([
    [{ ownerId: 'rep-7', arm: { id: 'full' } }, 'lead crm-1001 · plan default v2 · owner rep-7 · arm full'],
    [{ ownerId: null, arm: undefined }, 'lead crm-1001 · plan default v2 · owner none · arm none'],
  ])('%j reads %s', ({ ownerId, arm }, expected) => {
    expect(
      staticSummaryOf({
        leadId: 'crm-1001',
        plan: { id: 'default', version: 2 },
        profile: { ownerId, timezone: CHICAGO },
        arm,
      }),
    ).toBe(expected);
  });

  test('the static details name the zone the times are in and the readable query', () => {
    const details = staticDetailsOf({
      leadId: 'crm-1001',
      plan: { id: 'default', version: 2 },
      profile: { ownerId: 'rep-7', timezone: 'Europe/Paris' },
    });
    expect(details).toContain('(Europe/Paris)');
    expect(details).toContain('`nurtureState`');
  });
});

describe('current details', () => {
  const lineOf = (details: string, label: string): string | undefined =>
    details.split('\n').find((l) => l.startsWith(`**${label}**`));

  test.each<[string, Partial<NurtureState>, string]>([
    ['a fresh nurture', {}, '**Status** new · **score** 0'],
    [
      'a high-intent lead scored today',
      { status: 'high-intent', score: { score: 42.4, at: MON_3PM_CHICAGO } },
      '**Status** high-intent · **score** 42',
    ],
    // The default plan halves a score in 14 days: 40 scored 14 days ago reads 20.
    [
      'a score that decayed',
      { status: 'engaged', score: { score: 40, at: MON_3PM_CHICAGO - 14 * 24 * HOUR } },
      '**Status** engaged · **score** 20',
    ],
  ])('status and score: %s', (_, patch, expected) => {
    expect(lineOf(currentDetailsOf(stateWith(patch), [], MON_3PM_CHICAGO), 'Status')).toBe(expected);
  });

  test.each<[string, Partial<NurtureState>, string]>([
    [
      'an open of the email that went out, until the open window ends (local time)',
      { phase: 'awaiting-open', dueAt: MON_3PM_CHICAGO + 48 * HOUR },
      '**Waiting for** an open of email "welcome", until 2026-11-25 15:00 Wed',
    ],
    [
      'the next send',
      { phase: 'scheduled', dueAt: MON_3PM_CHICAGO + 10 * HOUR },
      '**Waiting for** time to send email "welcome", until 2026-11-24 01:00 Tue',
    ],
    [
      'a send in flight',
      { phase: 'scheduled', dueAt: null },
      '**Waiting for** the send of email "welcome" to finish',
    ],
    [
      'the SMS window',
      {
        phase: 'scheduled',
        dueAt: null,
        pendingSms: {
          trigger: 'pricing page visit',
          triggerEventId: 'e1',
          dueAt: MON_3PM_CHICAGO + 18 * HOUR,
          expiresAt: MON_3PM_CHICAGO + 48 * HOUR,
        },
      },
      '**Waiting for** the SMS send window, until 2026-11-24 09:00 Tue',
    ],
    [
      'an open hand-off, until its SLA',
      {
        pause: { reason: 'handoff', detail: 'hand-off to sales (high intent)', until: null },
        handoff: {
          key: 'h1',
          reason: 'high intent',
          status: 'open',
          openedAt: MON_3PM_CHICAGO,
          slaDueAt: MON_3PM_CHICAGO + 4 * HOUR,
          ownerId: 'rep-7',
        },
      },
      '**Waiting for** sales to acknowledge the hand-off (SLA), until 2026-11-23 19:00 Mon',
    ],
    [
      'an auto-reply pause',
      { pause: { reason: 'auto-reply', detail: 'out of office', until: MON_3PM_CHICAGO + 24 * HOUR } },
      '**Waiting for** end of the auto-reply pause, until 2026-11-24 15:00 Tue',
    ],
    [
      'nothing once finished',
      { status: 'converted', phase: 'finished' },
      '**Waiting for** nothing (nurture converted)',
    ],
  ])('waiting for %s', (_, patch, expected) => {
    expect(lineOf(currentDetailsOf(stateWith(patch), [], MON_3PM_CHICAGO), 'Waiting for')).toBe(expected);
  });

  test("times are in the lead's zone, not the worker's", () => {
    const state = stateWith({ phase: 'awaiting-open', dueAt: MON_3PM_CHICAGO }, 'Asia/Tokyo');
    // 21:00 UTC is 06:00 the next day in Tokyo (UTC+9, no DST).
    expect(currentDetailsOf(state, [sent], MON_3PM_CHICAGO)).toContain('until 2026-11-24 06:00 Tue');
    expect(currentDetailsOf(state, [sent], MON_3PM_CHICAGO)).toContain(
      '- 2026-11-24 06:00 Tue · delivery: email sent',
    );
    // Across a DST change: Paris is UTC+1 in winter, UTC+2 from 2027-03-28.
    expect(localStamp(Date.parse('2027-03-28T12:00:00Z'), 'Europe/Paris')).toBe('2027-03-28 14:00 Sun');
  });

  test('the last five decisions, newest first, in words', () => {
    const rules = [
      'enrollment',
      'delivery',
      'open-window',
      'scoring',
      'status',
      'cadence',
      'timing',
    ] as const;
    let recent: RecentDecision[] = [];
    rules.forEach((rule, i) => {
      recent = withRecent(recent, [
        { at: MON_3PM_CHICAGO + i * HOUR, rule, outcome: 'recorded', channel: i === 1 ? 'email' : null },
      ]);
    });
    expect(recent).toHaveLength(5);
    const moved: RecentDecision = {
      at: MON_3PM_CHICAGO,
      rule: 'retargeting',
      outcome: 'moved',
      channel: 'retargeting',
    };
    expect(currentDetailsOf(stateWith({}), [moved], MON_3PM_CHICAGO)).toContain('· retargeting: moved');
    const details = currentDetailsOf(stateWith({}), recent, MON_3PM_CHICAGO);
    expect(details.split('\n').slice(3)).toEqual([
      '- 2026-11-23 21:00 Mon · timing: recorded',
      '- 2026-11-23 20:00 Mon · cadence: recorded',
      '- 2026-11-23 19:00 Mon · status: recorded',
      '- 2026-11-23 18:00 Mon · scoring: recorded',
      '- 2026-11-23 17:00 Mon · open-window: recorded',
    ]);
  });

  test('no decisions yet', () => {
    expect(currentDetailsOf(stateWith({}), [], MON_3PM_CHICAGO)).toContain('**Last decisions**\n- none yet');
  });

  test('no email, phone or name, even where the state holds free text that has them', () => {
    // Free text reaches the state through a rep's hand-off note (pause detail,
    // hand-off reason) and a suppression reason; the profile holds no contact.
    const note = 'call Ada Lovelace on +14155550123 or ada@example.test';
    const state = stateWith({
      status: 'high-intent',
      pause: { reason: 'handoff', detail: `hand-off to sales (${note})`, until: null },
      handoff: {
        key: 'h1',
        reason: `requested by rep-7: ${note}`,
        status: 'open',
        openedAt: MON_3PM_CHICAGO,
        slaDueAt: MON_3PM_CHICAGO + 4 * HOUR,
        ownerId: 'rep-7',
      },
      pendingSms: {
        trigger: note,
        triggerEventId: 'e1',
        dueAt: MON_3PM_CHICAGO + HOUR,
        expiresAt: MON_3PM_CHICAGO + 2 * HOUR,
      },
    });
    const details = currentDetailsOf(
      state,
      [sent, { ...sent, rule: 'suppression', outcome: 'suppressed' }],
      MON_3PM_CHICAGO,
    );
    expect(details).not.toMatch(/@|\+1415|555|Ada|Lovelace/);
    const summary = staticSummaryOf(state);
    expect(summary).not.toMatch(/@|\+1415|555|Ada|Lovelace/);
  });
});
