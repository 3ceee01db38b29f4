/**
 * What a simulation costs in each mode: every script of simulator/examples on
 * the default plan, in-process (the API's mode; median of 20 runs after a
 * warm-up) and on the time-skipping server (the CLI's --temporal; one run,
 * the server's start included).
 * Run: npx tsx bench/simulate.bench.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PlanCatalog } from '../plans/plan-catalog';
import { simulateInProcess } from '../simulation/simulate-in-process';
import { simulationScriptSchema } from '../simulation/simulation-script';
import { simulateOnTemporal } from '../simulator/simulate-on-temporal';

const RUNS = 20;

async function main(): Promise<void> {
  const plan = PlanCatalog.load().latest('default');
  if (plan === undefined) throw new Error('default plan missing');
  const dir = path.join(__dirname, '../simulator/examples');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const script = simulationScriptSchema.parse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    simulateInProcess(plan, script);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const began = performance.now();
      simulateInProcess(plan, script);
      times.push(performance.now() - began);
    }
    times.sort((a, b) => a - b);
    const inProcess = times[Math.floor(RUNS / 2)] ?? Number.NaN;
    const began = performance.now();
    await simulateOnTemporal(plan, script);
    const onTemporal = performance.now() - began;
    process.stdout.write(
      `${file.padEnd(38)} in-process ${inProcess.toFixed(1).padStart(6)} ms   time-skipping ${onTemporal.toFixed(0).padStart(6)} ms\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
