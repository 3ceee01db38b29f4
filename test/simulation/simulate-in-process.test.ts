import { PlanCatalog } from '../../plans/plan-catalog';
import type { Plan } from '../../plans/plan-schema';
import { simulateInProcess } from '../../simulation/simulate-in-process';
import { SimulationError } from '../../simulation/simulation-error';
import { simulationResultSchema } from '../../simulation/simulation-result';
import { simulationScriptSchema } from '../../simulation/simulation-script';

let plan: Plan;
beforeAll(() => {
  const latest = PlanCatalog.load().latest('default');
  if (latest === undefined) throw new Error('no default plan');
  plan = latest;
});

const script = (raw: unknown) => simulationScriptSchema.parse(raw);

describe('simulateInProcess', () => {
  test('a start in the past runs on its own clock: every time is in the scripted period', () => {
    const result = simulateInProcess(
      plan,
      script({
        start: '2021-03-01T15:00:00Z',
        days: 30,
        events: [{ at: '+6h', type: 'email.opened' }],
      }),
    );
    expect(result.mode).toBe('in-process');
    expect(result.timeline[0]).toMatchObject({ at: '2021-03-01T15:00:00.000Z', rule: 'enrollment' });
    expect(result.touches[0]).toMatchObject({
      at: '2021-03-01T15:00:00.000Z',
      channel: 'email',
      step: 'welcome',
    });
    for (const { at } of [...result.timeline, ...result.touches]) {
      expect(at >= result.start && at <= result.end).toBe(true);
    }
    expect(result.timeline).toContainEqual(
      expect.objectContaining({ at: '2021-03-01T21:00:00.000Z', rule: 'open-window', outcome: 'opened' }),
    );
  });

  test('the same script gives the same answer (no hidden clock), through the output schema', () => {
    const s = script({ start: '2030-06-01T08:00:00Z', events: [{ at: '+2d', type: 'meeting.booked' }] });
    const first = simulateInProcess(plan, s);
    const second = simulateInProcess(plan, s);
    expect({ ...second, wallClockMs: 0 }).toEqual({ ...first, wallClockMs: 0 });
    expect(simulationResultSchema.parse(first)).toEqual(first);
    expect(first.finalStatus).toBe('converted');
  });

  test('events after the nurture ended are not applied, as a closed workflow takes no signal', () => {
    const result = simulateInProcess(
      plan,
      script({
        start: '2030-06-01T08:00:00Z',
        events: [
          { at: '+1d', type: 'meeting.booked' },
          { at: '+2d', type: 'email.opened' },
        ],
      }),
    );
    expect(result.finalStatus).toBe('converted');
    expect(result.timeline.every((d) => d.at <= '2030-06-02T08:00:00.000Z')).toBe(true);
  });

  test('the default start is the given now', () => {
    const now = Date.parse('2029-01-01T00:00:00Z');
    expect(simulateInProcess(plan, script({ days: 1 }), now).start).toBe('2029-01-01T00:00:00.000Z');
  });

  test('an event outside the simulated period, or a period past the year 9999, is refused with a SimulationError', () => {
    expect(() =>
      simulateInProcess(plan, script({ days: 1, events: [{ at: '+2d', type: 'email.opened' }] })),
    ).toThrow(SimulationError);
    // Its times could not be written as ISO 8601 without an expanded year.
    expect(() => simulateInProcess(plan, script({ start: '9999-12-31T00:00:00Z', days: 2 }))).toThrow(
      new SimulationError('the simulated period must end before the year 10000'),
    );
  });
});
