import { DAY, event, HOUR, runEngine } from '../support/engine-harness';
import { startOf } from '../support/builders';

// Monday 2026-11-23 15:00 in America/Chicago.
const T = Date.parse('2026-11-23T21:00:00Z');
const outOfOffice = event('ooo-1', 'email.replied', { headers: { 'Auto-Submitted': 'auto-replied' } });

function cadenceReasons(run: ReturnType<typeof runEngine>): string[] {
  return run.decisions.filter((d) => d.decision.rule === 'cadence').map((d) => d.decision.reason);
}

describe('an auto-reply is not a reply, for the score either (rules 8, 9, 10)', () => {
  test('it adds no points, so the wait after it is the one an unengaged lead gets', () => {
    const run = runEngine(startOf({}), [{ at: T + HOUR, input: outOfOffice }], {
      startAt: T,
      until: T + 5 * DAY,
    });
    const afterReply = run.commands.find((c) => c.at === T + HOUR)?.stateAfter;
    expect(afterReply?.score.score).toBe(0);
    // The plan postpones 3 days; then the open window has closed and case-study (3d) is scheduled.
    expect(cadenceReasons(run)).toEqual(['next email "case-study" in 6d instead of 72h: no engagement yet']);
  });

  test('a nurture that started under rules version 1 still scores it, as its recorded history did', () => {
    const run = runEngine({ ...startOf({}), rulesVersion: 1 }, [{ at: T + HOUR, input: outOfOffice }], {
      startAt: T,
      until: T + 5 * DAY,
    });
    expect(run.commands.find((c) => c.at === T + HOUR)?.stateAfter.score.score).toBe(10);
    expect(cadenceReasons(run)).toEqual([
      expect.stringMatching(/^next email "case-study" in 36h instead of 72h: engagement rising/),
    ]);
  });
});
