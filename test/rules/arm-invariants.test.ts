import fc from 'fast-check';
import type { NurtureCommand } from '../../workflows/engine/commands';
import type { LeadArm } from '../../workflows/engine/state';
import { CHANNELS, type Channel } from '../../workflows/rules/channels';
import { shippedPlan } from '../support/builders';
import { scenarioArb, simulate } from '../support/engine-scenarios';

/**
 * Experiment arms over the same random 90-day streams as the engine
 * invariants: a held-out channel is never touched, under any event order,
 * and its ghost touches say what would have gone out.
 */
const RUNS = Number(process.env.FC_RUNS ?? 1000);
const params = { numRuns: RUNS };
const experimentPlan = shippedPlan('experiment');

const ARMS: readonly LeadArm[] = [
  { id: 'full', experimentId: 'x', channels: [...CHANNELS] },
  { id: 'email-only', experimentId: 'x', channels: ['email'] },
  { id: 'no-ads', experimentId: 'x', channels: ['email', 'sms', 'linkedin'] },
  { id: 'no-email', experimentId: 'x', channels: ['sms', 'linkedin', 'retargeting'] },
  { id: 'control', experimentId: 'x', channels: [] },
  { id: 'global-control', experimentId: null, channels: [] },
];
const armArb = fc.constantFrom(...ARMS);

/** The channel a command touches the lead on, or null for bookkeeping (records, CRM, hand-offs). */
function touchedChannel(command: NurtureCommand): Channel | null {
  switch (command.type) {
    case 'send':
      return command.channel;
    case 'create-linkedin-task':
      return 'linkedin';
    case 'set-audience':
      return 'retargeting';
    default:
      return null;
  }
}

describe(`experiment arms (fast-check, ${String(RUNS)} random 90-day nurtures each)`, () => {
  test('no command ever touches a channel outside the arm: no send, task or audience change', () => {
    fc.assert(
      fc.property(scenarioArb, armArb, (s, arm) => {
        for (const { command } of simulate(s, { arm }).commands) {
          const channel = touchedChannel(command);
          if (channel !== null) expect(arm.channels).toContain(channel);
        }
      }),
      params,
    );
  });

  test('a held-out decision is only ever for a held-out channel, and never made in a step that touches it', () => {
    fc.assert(
      fc.property(scenarioArb, armArb, (s, arm) => {
        const run = simulate(s, { arm });
        for (const { at, command, stateBefore } of run.commands) {
          if (command.type !== 'record-decision' || command.decision.outcome !== 'held-out') continue;
          const channel = command.decision.channel;
          expect(channel).toBeDefined();
          if (channel === undefined) continue;
          expect(arm.channels).not.toContain(channel);
          expect(command.decision.rule).toBe('experiment');
          expect(command.decision.data?.wouldSendAt).toBe(new Date(at).toISOString());
          const touchedMeanwhile = run.commands.filter(
            (c) => c.at === at && c.stateBefore === stateBefore && touchedChannel(c.command) === channel,
          );
          expect(touchedMeanwhile).toEqual([]);
        }
      }),
      params,
    );
  });

  test('a control lead gets nothing at all, and a lead without an arm never records a held-out decision', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(...ARMS.filter((a) => a.channels.length === 0)), (s, arm) => {
        const touched = simulate(s, { arm }).commands.map((c) => touchedChannel(c.command));
        expect(touched.filter((channel) => channel !== null)).toEqual([]);
        const outcomes = simulate(s).decisions.map((d) => d.decision.outcome);
        expect(outcomes).not.toContain('held-out');
      }),
      params,
    );
  });

  test('an arm with every channel nurtures exactly as no arm does', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const full = simulate(s, { arm: ARMS[0] });
        const none = simulate(s);
        const touches = (run: typeof full) =>
          run.commands.filter((c) => c.command.type !== 'record-decision').map((c) => [c.at, c.command]);
        expect(touches(full)).toEqual(touches(none));
        expect(full.decisions.slice(1)).toEqual(none.decisions.slice(1));
      }),
      { numRuns: Math.min(RUNS, 300) },
    );
  });

  test('with no engagement, a control lead’s ghost emails fall when a full lead’s emails go out', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const quiet = { ...s, inputs: [], failSends: false };
        const real = simulate(quiet, { plan: experimentPlan }).sends.filter((x) => x.channel === 'email');
        const ghosts = simulate(quiet, { plan: experimentPlan, arm: ARMS[4] }).decisions.filter(
          (d) => d.decision.outcome === 'held-out' && d.decision.channel === 'email',
        );
        expect(ghosts.map((g) => [g.at, g.decision.data?.touchKey])).toEqual(real.map((x) => [x.at, x.key]));
      }),
      { numRuns: Math.min(RUNS, 300) },
    );
  });

  test('the random scenarios produce ghost touches on every channel (not vacuous)', () => {
    const samples = fc.sample(fc.tuple(scenarioArb, armArb), { numRuns: 600, seed: 7 });
    const ghosts = new Map<string, number>();
    for (const [s, arm] of samples) {
      for (const d of simulate(s, { arm }).decisions) {
        if (d.decision.outcome !== 'held-out') continue;
        const channel = d.decision.channel ?? '?';
        ghosts.set(channel, (ghosts.get(channel) ?? 0) + 1);
      }
    }
    for (const channel of CHANNELS) expect(ghosts.get(channel) ?? 0).toBeGreaterThan(5);
  });
});
