import { decide } from '../../workflows/engine/decide';
import { initialState } from '../../workflows/engine/state';
import { variantFor } from '../../workflows/rules/ab-variant';
import { localDateTime } from '../../workflows/rules/local-time';
import { DAY, event, HOUR, MINUTE, runEngine } from '../support/engine-harness';
import { shippedPlan, startOf } from '../support/builders';

// Monday 2026-11-23 15:00 in America/Chicago (UTC-6).
const MON_3PM_CHICAGO = Date.parse('2026-11-23T21:00:00Z');
const CHICAGO = 'America/Chicago';

function reasons(run: ReturnType<typeof runEngine>, channel?: string): string[] {
  return run.decisions
    .filter((d) => channel === undefined || d.decision.channel === channel)
    .map((d) => d.decision.reason);
}

function localClock(at: number, zone: string): string {
  const t = localDateTime(at, zone);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

describe('coordination model (rule 1)', () => {
  test('enrollment sends the first email at once and waits 48h for an open', () => {
    const start = startOf({});
    const first = decide(initialState(start, MON_3PM_CHICAGO), { kind: 'start' }, MON_3PM_CHICAGO);
    const send = first.commands.find((c) => c.type === 'send');
    expect(send).toMatchObject({
      channel: 'email',
      step: 'welcome',
      touchKey: expect.stringMatching(/^nurture-l1:v2:welcome:email:[ab]$/),
    });
    const key = send?.type === 'send' ? send.touchKey : '';
    const sent = decide(
      first.state,
      { kind: 'touch-result', touchKey: key, channel: 'email', outcome: 'sent', delivered: true },
      MON_3PM_CHICAGO,
    );
    expect(sent.state).toMatchObject({
      phase: 'awaiting-open',
      dueAt: MON_3PM_CHICAGO + 48 * HOUR,
      emailRelationship: true,
    });
  });

  test('welcome email unopened for 48h → a LinkedIn connection request task for rep-7, once', () => {
    const run = runEngine(startOf({}), [], { startAt: MON_3PM_CHICAGO, until: MON_3PM_CHICAGO + 30 * DAY });
    expect(run.linkedinTasks).toEqual([
      { at: MON_3PM_CHICAGO + 48 * HOUR, key: 'nurture-l1:v2:connect:linkedin:a', ownerId: 'rep-7' },
    ]);
    expect(reasons(run, 'linkedin')).toContain(
      'linkedin connection request assigned to rep-7: email not opened within 48h',
    );
  });

  test('no named rep → the LinkedIn touch is skipped with that reason', () => {
    const run = runEngine(startOf({ profile: { ownerId: null } }), [], {
      startAt: MON_3PM_CHICAGO,
      until: MON_3PM_CHICAGO + 3 * DAY,
    });
    expect(run.linkedinTasks).toEqual([]);
    expect(reasons(run, 'linkedin')).toContain('linkedin skipped: no named rep assigned');
  });

  test('an open inside the window moves on to the next step; two opens make the lead engaged', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(
      startOf({}),
      [
        { at: t + 2 * HOUR, input: event('o1', 'email.opened') },
        { at: t + 4 * DAY, input: event('o2', 'email.opened') },
      ],
      { startAt: t, until: t + 5 * DAY },
    );
    expect(reasons(run)).toContain('email "welcome" opened within the 48h open window');
    expect(run.statuses.some((s) => s.status === 'engaged')).toBe(true);
    expect(run.linkedinTasks).toEqual([]);
  });

  test('A/B variants are assigned deterministically per lead and step', () => {
    const step = shippedPlan('default').emailSteps[0];
    if (step === undefined) throw new Error('no step');
    const ids = Array.from({ length: 200 }, (_, i) => `lead-${String(i)}`);
    const variants = ids.map((id) => variantFor(id, step).id);
    expect(ids.map((id) => variantFor(id, step).id)).toEqual(variants);
    expect(new Set(variants)).toEqual(new Set(['a', 'b']));
  });
});

describe('SMS follow-up: consent, do-not-cross, timing (rules 2, 5, 6)', () => {
  const smsLead = startOf({ consent: { email: true, sms: true } });

  test('lead with SMS consent in America/Chicago visits pricing at 23:30 local → SMS at 09:00 next morning, not before', () => {
    const visit = Date.parse('2026-11-24T05:30:00Z'); // Mon 23:30 in Chicago
    const run = runEngine(
      smsLead,
      [{ at: visit, input: event('v1', 'web.page_visited', { path: '/pricing' }) }],
      {
        startAt: MON_3PM_CHICAGO,
        until: visit + DAY,
      },
    );
    const sms = run.sends.filter((s) => s.channel === 'sms');
    expect(sms).toHaveLength(1);
    expect(sms[0]?.at).toBe(Date.parse('2026-11-24T15:00:00Z')); // Tue 09:00 Chicago
    expect(localClock(sms[0]?.at ?? 0, CHICAGO)).toBe('09:00');
    expect(reasons(run, 'sms')).toContain(
      'sms deferred: 23:30 Mon in America/Chicago is outside 09:00–20:00, next window 09:00 Tue',
    );
  });

  test('pricing visit without SMS opt-in → no SMS, and the decision says why', () => {
    const run = runEngine(
      startOf({}),
      [{ at: MON_3PM_CHICAGO + HOUR * 3, input: event('v1', 'web.page_visited', { path: '/pricing' }) }],
      {
        startAt: MON_3PM_CHICAGO,
        until: MON_3PM_CHICAGO + 2 * DAY,
      },
    );
    expect(run.sends.filter((s) => s.channel === 'sms')).toEqual([]);
    expect(reasons(run, 'sms')).toContain('sms skipped: no explicit SMS opt-in (after pricing page visit)');
  });

  test('pricing visit before any email was delivered → do-not-cross: no SMS', () => {
    const start = startOf({ consent: { email: false, sms: true } });
    const run = runEngine(
      start,
      [{ at: MON_3PM_CHICAGO + HOUR, input: event('v1', 'web.page_visited', { path: '/pricing' }) }],
      {
        startAt: MON_3PM_CHICAGO,
        until: MON_3PM_CHICAGO + DAY,
      },
    );
    expect(run.sends).toEqual([]);
    expect(reasons(run, 'sms')).toContain(
      'sms skipped: no email relationship yet (no email delivered) (after pricing page visit)',
    );
  });

  test('regulated-industry lead with SMS consent → SMS skipped by the plan’s eligibility rule', () => {
    const start = startOf({ consent: { email: true, sms: true }, profile: { industry: 'healthcare' } });
    const run = runEngine(start, [{ at: MON_3PM_CHICAGO + 3 * HOUR, input: event('v1', 'trial.started') }], {
      startAt: MON_3PM_CHICAGO,
      until: MON_3PM_CHICAGO + DAY,
    });
    expect(run.sends.filter((s) => s.channel === 'sms')).toEqual([]);
    expect(reasons(run, 'sms')).toContain('sms skipped: regulated industry: no SMS (after trial started)');
  });

  test('email went out 10 minutes ago → the SMS waits for the 2h email→sms cooldown', () => {
    const run = runEngine(
      smsLead,
      [{ at: MON_3PM_CHICAGO + 10 * MINUTE, input: event('v1', 'web.page_visited', { path: '/demo' }) }],
      {
        startAt: MON_3PM_CHICAGO,
        until: MON_3PM_CHICAGO + DAY,
      },
    );
    const sms = run.sends.filter((s) => s.channel === 'sms');
    expect(sms.map((s) => s.at)).toEqual([MON_3PM_CHICAGO + 2 * HOUR]);
    expect(reasons(run, 'sms').some((r) => r.startsWith('sms deferred: email went out 10m ago'))).toBe(true);
  });

  test('two high-intent events within 30 minutes → the second SMS waits for tomorrow 09:00 (cap: 1 per local day)', () => {
    const t = MON_3PM_CHICAGO + 3 * HOUR; // 18:00 local
    const run = runEngine(
      smsLead,
      [
        { at: t, input: event('v1', 'web.page_visited', { path: '/pricing' }) },
        { at: t + 30 * MINUTE, input: event('v2', 'webinar.attended') },
      ],
      { startAt: MON_3PM_CHICAGO, until: t + 2 * DAY },
    );
    const sms = run.sends.filter((s) => s.channel === 'sms');
    expect(sms.map((s) => s.at)).toEqual([t, Date.parse('2026-11-24T15:00:00Z')]);
    expect(
      reasons(run, 'sms').some((r) => r.startsWith('sms deferred: sms cap 1 per local day reached (1 sent)')),
    ).toBe(true);
  });

  test('STOP while an SMS is deferred → the pending SMS is dropped', () => {
    const visit = Date.parse('2026-11-24T05:30:00Z');
    const run = runEngine(
      smsLead,
      [
        { at: visit, input: event('v1', 'web.page_visited', { path: '/pricing' }) },
        { at: visit + HOUR, input: event('s1', 'sms.opted_out') },
      ],
      { startAt: MON_3PM_CHICAGO, until: visit + DAY },
    );
    expect(run.sends.filter((s) => s.channel === 'sms')).toEqual([]);
    expect(reasons(run, 'sms')).toContain('pending sms dropped: the lead opted out');
  });
});

describe('suppression and lifecycle (rule 4)', () => {
  test('booking stops everything at once: LinkedIn task cancelled, audience left, CRM told, nothing sent afterwards', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(
      startOf({ consent: { email: true, sms: true } }),
      [
        { at: t + 3 * DAY, input: event('b1', 'meeting.booked') },
        { at: t + 3 * DAY + HOUR, input: event('v1', 'web.page_visited', { path: '/pricing' }) },
      ],
      { startAt: t, until: t + 90 * DAY },
    );
    expect(run.state.status).toBe('converted');
    expect(run.sends.filter((s) => s.at >= t + 3 * DAY)).toEqual([]);
    const types = run.commands.filter((c) => c.at === t + 3 * DAY).map((c) => c.command.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'cancel-linkedin-tasks',
        'set-audience',
        'record-suppression',
        'notify-crm',
        'pause-account',
      ]),
    );
    expect(reasons(run)).toContain('web.page_visited recorded; the nurture has ended (converted)');
  });

  test('a meeting canceled after a booking is recorded and does not restart the nurture', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(
      startOf({}),
      [
        { at: t + HOUR, input: event('b1', 'meeting.booked') },
        { at: t + 2 * HOUR, input: event('c1', 'meeting.canceled') },
      ],
      { startAt: t, until: t + 30 * DAY },
    );
    expect(run.state.status).toBe('converted');
    expect(run.sends.filter((s) => s.at > t)).toEqual([]);
  });

  test('suppressed by the API → every channel stops with the reason', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(
      startOf({}),
      [{ at: t + HOUR, input: { kind: 'suppress', reason: 'asked on the phone', source: 'api' } }],
      {
        startAt: t,
        until: t + 30 * DAY,
      },
    );
    expect(run.state.status).toBe('suppressed');
    expect(reasons(run)).toContain('suppressed by api: asked on the phone');
    expect(run.sends.filter((s) => s.at > t)).toEqual([]);
  });
});

describe('replies, hand-offs and auto-replies (rule 8)', () => {
  test('a reply pauses automation and hands off to the owner; no acknowledgement in 4h → escalated to the backup owner', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(startOf({}), [{ at: t + HOUR, input: event('r1', 'email.replied') }], {
      startAt: t,
      until: t + 10 * DAY,
    });
    expect(run.commands.map((c) => c.command.type)).toEqual(
      expect.arrayContaining(['open-handoff', 'escalate-handoff']),
    );
    expect(reasons(run)).toContain(
      'hand-off not acknowledged within 4h: escalated to sales-backup, alert raised',
    );
    expect(run.sends.filter((s) => s.at > t)).toEqual([]);
    expect(run.state.pause?.reason).toBe('handoff');
  });

  test('an out-of-office reply with a return date is not a reply: the next touch waits until that date', () => {
    const t = MON_3PM_CHICAGO;
    const back = t + 10 * DAY;
    const run = runEngine(
      startOf({}),
      [
        {
          at: t + HOUR,
          input: event('r1', 'email.replied', {
            headers: { 'Auto-Submitted': 'auto-replied' },
            returnDate: new Date(back).toISOString(),
          }),
        },
      ],
      { startAt: t, until: t + 20 * DAY },
    );
    expect(run.commands.map((c) => c.command.type)).not.toContain('open-handoff');
    const touches = [...run.sends.map((s) => s.at), ...run.linkedinTasks.map((l) => l.at)].filter(
      (at) => at > t,
    );
    expect(Math.min(...touches)).toBe(back);
    expect(
      reasons(run).some((r) => r.startsWith('auto-reply on email is not a reply: next touch postponed to')),
    ).toBe(true);
  });
});

describe('status, disengagement, retargeting (rules 3, 9, 10)', () => {
  test('14 days without an open → disengaged: re-engagement path only, audience moves to re-engagement', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(startOf({}), [], { startAt: t, until: t + 90 * DAY });
    expect(run.statuses.some((s) => s.status === 'disengaged')).toBe(true);
    expect(reasons(run)).toContain('moved from audience "awareness" to "re-engagement" (disengaged)');
    const steps = run.sends.map((s) => s.key.split(':')[2]);
    expect(steps).toContain('re-engage');
    expect(
      reasons(run, 'email').some((r) => r.includes('disengaged leads get the re-engagement path only')),
    ).toBe(true);
  });

  test('webinar attended then trial started → high-intent by event, then score past the hand-off threshold', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(
      startOf({}),
      [
        { at: t + HOUR, input: event('w1', 'webinar.attended') },
        { at: t + 2 * HOUR, input: event('t1', 'trial.started') },
        { at: t + 3 * HOUR, input: event('f1', 'form.submitted') },
        { at: t + 4 * HOUR, input: event('c1', 'email.clicked') },
      ],
      { startAt: t, until: t + 2 * DAY },
    );
    expect(run.statuses.map((s) => s.status)).toContain('high-intent');
    expect(reasons(run).some((r) => r.includes('reached the hand-off threshold 35'))).toBe(true);
  });

  test('a colleague’s booking pauses this nurture with a decision that says why', () => {
    const t = MON_3PM_CHICAGO;
    const run = runEngine(
      startOf({}),
      [
        {
          at: t + HOUR,
          input: { kind: 'account-pause', byLeadId: 'other', reason: 'a colleague (other) booked a meeting' },
        },
      ],
      {
        startAt: t,
        until: t + 30 * DAY,
      },
    );
    expect(reasons(run)).toContain('paused: a colleague (other) booked a meeting');
    expect(run.sends.filter((s) => s.at > t)).toEqual([]);
  });
});
