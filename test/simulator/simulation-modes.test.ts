import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PlanCatalog } from '../../plans/plan-catalog';
import type { Plan } from '../../plans/plan-schema';
import { simulateInProcess } from '../../simulation/simulate-in-process';
import type { SimulationResult } from '../../simulation/simulation-result';
import { simulationScriptSchema } from '../../simulation/simulation-script';
import { simulateOnTemporal } from '../../simulator/simulate-on-temporal';

/**
 * The API runs the engine in-process; the CLI's `--temporal` runs the real
 * workflow on the time-skipping server. Every example script must give the
 * same touches and decisions both ways, or the in-process driver has drifted
 * from the workflow's loop.
 */
const dir = path.join(__dirname, '../../simulator/examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/**
 * The time-skipping server lets real time pass while a workflow task or an
 * activity runs (a few ms each, more on a busy machine), and the rules carry
 * it forward (a wait computed from `now`): times agree within this, not to
 * the millisecond. The examples' events are hours apart.
 */
const DRIFT_MS = 10_000;

let plan: Plan;
beforeAll(() => {
  const latest = PlanCatalog.load().latest('default');
  if (latest === undefined) throw new Error('no default plan');
  plan = latest;
});

test('there are example scripts to compare', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)(
  '%s: the same touches and decisions in-process and on the time-skipping server',
  async (file) => {
    const raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    // A minute ahead: the time-skipping server reaches it by skipping, the in-process clock starts there.
    const start = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000).toISOString();
    const script = simulationScriptSchema.parse({ ...raw, start });

    const onTemporal = await simulateOnTemporal(plan, script);
    const inProcess = simulateInProcess(plan, script);
    process.stdout.write(
      `${file}: in-process ${String(inProcess.wallClockMs)} ms, time-skipping ${String(onTemporal.wallClockMs)} ms\n`,
    );

    expect([inProcess.mode, onTemporal.mode]).toEqual(['in-process', 'time-skipping']);
    expect(inProcess.finalStatus).toBe(onTemporal.finalStatus);
    expect(decisionsOf(inProcess)).toEqual(decisionsOf(onTemporal));
    expect(touchesOf(inProcess)).toEqual(touchesOf(onTemporal));
    expect(inProcess.effects.map((e) => [e.type, e.detail])).toEqual(
      onTemporal.effects.map((e) => [e.type, e.detail]),
    );
    expect(drift(inProcess.timeline, onTemporal.timeline)).toBeLessThan(DRIFT_MS);
    expect(drift(inProcess.touches, onTemporal.touches)).toBeLessThan(DRIFT_MS);
    expect(inProcess.timeline.length).toBeGreaterThan(3);
  },
);

function decisionsOf(result: SimulationResult) {
  return result.timeline.map((d) => ({ rule: d.rule, outcome: d.outcome, channel: d.channel }));
}

function touchesOf(result: SimulationResult) {
  // Keys differ (they carry each run's workflow id); what was sent does not.
  return result.touches.map((t) => ({ channel: t.channel, step: t.step, variant: t.variant }));
}

/** The largest difference between the times of the same entries, in ms. */
function drift(a: readonly { at: string }[], b: readonly { at: string }[]): number {
  return Math.max(0, ...a.map((entry, i) => Math.abs(Date.parse(entry.at) - Date.parse(b[i]?.at ?? ''))));
}
