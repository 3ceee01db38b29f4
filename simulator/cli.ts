/**
 * `npm run simulate -- --plan default --script FILE [--json]`: runs a plan on
 * the time-skipping test server against a scripted lead and event stream and
 * prints the decision timeline. Nothing is sent, nothing is written.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PlanCatalog } from '../plans/plan-catalog';
import { simulatePlan } from './simulate-plan';
import { simulationScriptSchema } from './simulation-script';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      plan: { type: 'string', default: 'default' },
      script: { type: 'string' },
      json: { type: 'boolean', default: false },
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
  const result = await simulatePlan(plan, parsed.data);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `plan ${result.planId} v${String(result.planVersion)}, ${result.start} → ${result.end}\n`,
  );
  for (const item of result.timeline) {
    process.stdout.write(`${item.at}  ${item.rule.padEnd(14)} ${item.outcome.padEnd(13)} ${item.reason}\n`);
  }
  process.stdout.write(
    `final status ${result.finalStatus}; ${String(result.touches.length)} touches; simulated in ${(result.wallClockMs / 1000).toFixed(1)} s\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
