/**
 * `npm run simulate -- --plan default --script FILE [--json] [--temporal]`:
 * runs a plan against a scripted lead and event stream and prints the
 * decision timeline. Nothing is sent, nothing is written. By default the
 * engine runs in this process (milliseconds); `--temporal` runs the real
 * workflow on the time-skipping test server instead (seconds).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PlanCatalog } from '../plans/plan-catalog';
import { simulateInProcess } from '../simulation/simulate-in-process';
import type { SimulationResult } from '../simulation/simulation-result';
import { simulationScriptSchema, type SimulationScript } from '../simulation/simulation-script';
import type { Plan } from '../plans/plan-schema';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      plan: { type: 'string', default: 'default' },
      script: { type: 'string' },
      json: { type: 'boolean', default: false },
      temporal: { type: 'boolean', default: false },
    },
  });
  const plan = PlanCatalog.load().latest(values.plan);
  if (plan === undefined) throw new Error(`no plan "${values.plan}"`);
  const raw: unknown = values.script === undefined ? {} : JSON.parse(readFileSync(values.script, 'utf8'));
  const parsed = simulationScriptSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `invalid script: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const result = await simulate(plan, parsed.data, values.temporal);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `plan ${result.planId} v${String(result.planVersion)}, ${result.start} → ${result.end} (${result.mode})\n`,
  );
  for (const item of result.timeline) {
    process.stdout.write(`${item.at}  ${item.rule.padEnd(14)} ${item.outcome.padEnd(13)} ${item.reason}\n`);
  }
  process.stdout.write(
    `final status ${result.finalStatus}; ${String(result.touches.length)} touches; simulated in ${String(result.wallClockMs)} ms\n`,
  );
}

async function simulate(
  plan: Plan,
  script: SimulationScript,
  onTemporal: boolean,
): Promise<SimulationResult> {
  if (!onTemporal) return simulateInProcess(plan, script);
  // Loaded only when asked for: it needs @temporalio/testing, a devDependency.
  const { simulateOnTemporal } = await import('./simulate-on-temporal');
  return simulateOnTemporal(plan, script);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
