import type { LeadArm } from '../../workflows/engine/state';
import { CHANNELS } from '../../workflows/rules/channels';
import { shippedPlan, startOf } from '../support/builders';
import { DAY, event, HOUR, runEngine } from '../support/engine-harness';

// Monday 2026-11-23 15:00 in America/Chicago (UTC-6).
const MON_3PM_CHICAGO = Date.parse('2026-11-23T21:00:00Z');
const EMAIL_ONLY: LeadArm = { id: 'email-only', experimentId: 'coordinated-vs-email', channels: ['email'] };
const CONTROL: LeadArm = { id: 'control', experimentId: 'coordinated-vs-email', channels: [] };
const lead = startOf({ consent: { email: true, sms: true, ads: true }, plan: shippedPlan('experiment') });

function heldOut(run: ReturnType<typeof runEngine>, channel: string) {
  return run.decisions.filter((d) => d.decision.outcome === 'held-out' && d.decision.channel === channel);
}

describe('experiment arms in the decision function', () => {
  test('email-only: the pricing visit’s SMS is a ghost touch at 09:00 local, with what it would have sent', () => {
    const visit = Date.parse('2026-11-24T05:30:00Z'); // Mon 23:30 in Chicago, after the first email
    const run = runEngine(
      { ...lead, arm: EMAIL_ONLY },
      [{ at: visit, input: event('v1', 'web.page_visited', { path: '/pricing' }) }],
      { startAt: MON_3PM_CHICAGO, until: visit + DAY },
    );
    expect(run.sends.map((s) => s.channel)).toEqual(['email']);
    const [sms] = heldOut(run, 'sms');
    expect(sms?.at).toBe(Date.parse('2026-11-24T15:00:00Z')); // Tue 09:00 Chicago, as a real one would
    expect(sms?.decision).toMatchObject({
      rule: 'experiment',
      channel: 'sms',
      reason:
        'sms follow-up-1 (follow-up to the pricing page visit, at 09:00 Tue America/Chicago, inside 09:00–20:00) held out: arm "email-only" gets email only; it would have gone at 2026-11-24T15:00:00.000Z',
      data: {
        arm: 'email-only',
        experimentId: 'coordinated-vs-email',
        step: 'follow-up-1',
        touchKey: 'nurture-l1:v1:follow-up-1:sms:a',
        trigger: 'pricing page visit',
        wouldSendAt: '2026-11-24T15:00:00.000Z',
      },
    });
    // No audience join either: the join the full arm makes is a ghost.
    expect(run.commands.filter((c) => c.command.type === 'set-audience')).toEqual([]);
    expect(heldOut(run, 'retargeting').map((d) => d.decision.data?.to)).toEqual(['awareness', 'decision']);
    expect(run.state.audience).toBeNull();
    expect(run.state.ghost).toMatchObject({ audience: 'decision' });
  });

  test('email-only: an unopened email’s LinkedIn request is a ghost, and asked once', () => {
    const run = runEngine({ ...lead, arm: EMAIL_ONLY }, [], {
      startAt: MON_3PM_CHICAGO,
      until: MON_3PM_CHICAGO + 30 * DAY,
    });
    expect(run.linkedinTasks).toEqual([]);
    expect(heldOut(run, 'linkedin').map((d) => d.decision.data)).toEqual([
      expect.objectContaining({
        ownerId: 'rep-7',
        step: 'connect',
        taskKey: 'nurture-l1:v1:connect:linkedin:a',
      }),
    ]);
    expect(run.sends.filter((s) => s.channel === 'email').length).toBeGreaterThan(1);
  });

  test('control: nothing goes out, every email step is a ghost touch, and the nurture runs its course', () => {
    const run = runEngine({ ...lead, arm: CONTROL }, [], {
      startAt: MON_3PM_CHICAGO,
      until: MON_3PM_CHICAGO + 90 * DAY,
    });
    expect(run.sends).toEqual([]);
    expect(run.linkedinTasks).toEqual([]);
    // The same steps, in the same order, as a lead of the full arm who never opens (disengaged, then re-engagement).
    const real = runEngine(lead, [], { startAt: MON_3PM_CHICAGO, until: MON_3PM_CHICAGO + 90 * DAY });
    const steps = heldOut(run, 'email').map((d) => [d.at, d.decision.data?.step]);
    expect(steps).toEqual(
      real.commands.flatMap((c) =>
        c.command.type === 'send' && c.command.channel === 'email' ? [[c.at, c.command.step]] : [],
      ),
    );
    expect(steps.map(([, step]) => step)).toEqual(['welcome', 'case-study', 're-engage']);
    // A ghost email is not an email relationship: nothing real may ever cross over from it.
    expect(run.state.emailRelationship).toBe(false);
    expect(run.state.sent).toEqual([]);
    expect(run.state.status).toBe('completed');
    // …but the ghost LinkedIn request that would have followed the unopened ghost email is recorded.
    expect(heldOut(run, 'linkedin')).toHaveLength(1);
  });

  test('control: a booking still converts the lead (events are still applied), with no touch', () => {
    const booked = MON_3PM_CHICAGO + 5 * DAY;
    const run = runEngine({ ...lead, arm: CONTROL }, [{ at: booked, input: event('b1', 'meeting.booked') }], {
      startAt: MON_3PM_CHICAGO,
      until: booked + HOUR,
    });
    expect(run.state.status).toBe('converted');
    expect(run.sends).toEqual([]);
  });

  test('an arm that holds email out cannot open SMS by its ghost emails (do-not-cross stays real)', () => {
    const noEmail: LeadArm = {
      id: 'no-email',
      experimentId: 'x',
      channels: ['sms', 'linkedin', 'retargeting'],
    };
    const visit = MON_3PM_CHICAGO + 3 * HOUR;
    const run = runEngine(
      { ...lead, arm: noEmail },
      [{ at: visit, input: event('v1', 'web.page_visited', { path: '/pricing' }) }],
      { startAt: MON_3PM_CHICAGO, until: MON_3PM_CHICAGO + 30 * DAY },
    );
    expect(run.sends).toEqual([]);
    expect(run.linkedinTasks).toEqual([]);
    expect(run.decisions.map((d) => d.decision.reason)).toContain(
      'sms skipped: no email relationship yet (no email delivered) (after pricing page visit)',
    );
  });

  test('the enrollment decision names the arm', () => {
    const run = runEngine({ ...lead, arm: EMAIL_ONLY }, [], {
      startAt: MON_3PM_CHICAGO,
      until: MON_3PM_CHICAGO,
    });
    expect(run.decisions[0]?.decision.data).toMatchObject({
      arm: 'email-only',
      experimentId: 'coordinated-vs-email',
      armChannels: 'email',
    });
    const none = runEngine(lead, [], { startAt: MON_3PM_CHICAGO, until: MON_3PM_CHICAGO });
    expect(none.decisions[0]?.decision.data).not.toHaveProperty('arm');
    expect(CHANNELS).toContain('retargeting');
  });
});
