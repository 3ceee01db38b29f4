import fc from 'fast-check';
import { localDateTime, localDayKey } from '../../workflows/rules/local-time';
import { TERMINAL_STATUSES } from '../../workflows/engine/status';
import { startOf } from '../support/builders';
import { DAY, HOUR, runEngine } from '../support/engine-harness';
import { scenarioArb, simulate } from '../support/engine-scenarios';

/**
 * The rules that must always hold, over the random 90-day scenarios of
 * test/support/engine-scenarios.ts.
 */
const RUNS = Number(process.env.FC_RUNS ?? 1500);
const params = { numRuns: RUNS };

describe(`engine invariants (fast-check, ${String(RUNS)} random 90-day nurtures each)`, () => {
  test('no SMS without explicit opt-in, a phone, an email relationship, high intent, and inside 09:00–20:00 local', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const sms of simulate(s).sends.filter((x) => x.channel === 'sms')) {
          const st = sms.stateAfter;
          expect(st.consent.sms?.granted).toBe(true);
          expect(st.profile.hasPhone).toBe(true);
          expect(st.emailRelationship).toBe(true);
          expect(st.status).toBe('high-intent');
          expect(st.profile.industry).not.toBe('healthcare');
          const local = localDateTime(sms.at, s.zone);
          const minutes = local.hour * 60 + local.minute;
          expect(minutes).toBeGreaterThanOrEqual(9 * 60);
          expect(minutes).toBeLessThan(20 * 60);
        }
      }),
      params,
    );
  });

  test('nothing on any channel after booking, suppression, opt-out or the end', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const run = simulate(s);
        const end = run.commands.findIndex((c) => TERMINAL_STATUSES.includes(c.stateAfter.status));
        if (end === -1) return;
        for (const later of run.commands.slice(end)) {
          const c = later.command;
          expect(
            c.type === 'send' ||
              c.type === 'create-linkedin-task' ||
              (c.type === 'set-audience' && c.to !== null),
          ).toBe(false);
        }
      }),
      params,
    );
  });

  test('no email without email consent, none after a bounce or unsubscribe', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const email of simulate(s).sends.filter((x) => x.channel === 'email')) {
          expect(email.stateBefore.consent.email?.granted).toBe(true);
          expect(email.stateBefore.emailBlocked).toBeNull();
        }
      }),
      params,
    );
  });

  test('caps are never exceeded: sms 1 per local day and 2 per 7 days, any channel 2 per local day, email 3 per 7 days', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const run = simulate(s);
        const touches = [
          ...run.sends.map((x) => ({ channel: x.channel, at: x.at })),
          ...run.linkedinTasks.map((x) => ({ channel: 'linkedin', at: x.at })),
        ];
        const perDay = new Map<string, number>();
        const smsPerDay = new Map<string, number>();
        for (const t of touches) {
          const day = localDayKey(t.at, s.zone);
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
          if (t.channel === 'sms') smsPerDay.set(day, (smsPerDay.get(day) ?? 0) + 1);
        }
        for (const n of perDay.values()) expect(n).toBeLessThanOrEqual(2);
        for (const n of smsPerDay.values()) expect(n).toBeLessThanOrEqual(1);
        for (const t of touches) {
          const inWeek = (channel: string) =>
            touches.filter((u) => u.channel === channel && u.at <= t.at && u.at > t.at - 7 * DAY).length;
          if (t.channel === 'sms') expect(inWeek('sms')).toBeLessThanOrEqual(2);
          if (t.channel === 'email') expect(inWeek('email')).toBeLessThanOrEqual(3);
        }
      }),
      params,
    );
  });

  test('no touch key is ever sent twice, and at most one LinkedIn connection request', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const run = simulate(s);
        const keys = run.sends.map((x) => x.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(run.linkedinTasks.length).toBeLessThanOrEqual(1);
      }),
      params,
    );
  });

  test('LinkedIn tasks only with a named rep and after an email relationship', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const run = simulate(s);
        for (const task of run.commands.filter((c) => c.command.type === 'create-linkedin-task')) {
          expect(task.stateAfter.profile.ownerId).not.toBeNull();
          expect(task.stateBefore.emailRelationship).toBe(true);
        }
      }),
      params,
    );
  });

  test('the state stays plain JSON (it survives continue-as-new unchanged)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state } = simulate(s);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      { numRuns: Math.min(RUNS, 300) },
    );
  });
});

test('a realistic 90-day stream stays within bounds (sanity)', () => {
  const run = runEngine(startOf({ consent: { email: true, sms: true } }), [], {
    startAt: Date.parse('2026-01-05T15:00:00Z'),
    until: Date.parse('2026-01-05T15:00:00Z') + 90 * DAY,
  });
  expect(run.state.status).toBe('completed');
  expect(run.sends.length).toBeGreaterThan(0);
  expect(HOUR).toBe(3_600_000);
});

test('the random scenarios exercise what the properties guard (not vacuous)', () => {
  const runs = fc.sample(scenarioArb, { numRuns: 500, seed: 42 }).map((s) => simulate(s));
  const count = (pick: (run: ReturnType<typeof simulate>) => number) =>
    runs.reduce((n, run) => n + pick(run), 0);
  expect(count((r) => r.sends.filter((x) => x.channel === 'sms').length)).toBeGreaterThan(20);
  expect(count((r) => r.linkedinTasks.length)).toBeGreaterThan(20);
  expect(count((r) => (r.state.status === 'converted' ? 1 : 0))).toBeGreaterThan(20);
  expect(
    count(
      (r) =>
        r.decisions.filter((d) => d.decision.outcome === 'deferred' && d.decision.channel === 'sms').length,
    ),
  ).toBeGreaterThan(5);
});
