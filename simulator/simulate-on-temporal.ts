import { WorkflowNotFoundError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Plan } from '../plans/plan-schema';
import { testServerPath } from '../scripts/temporal-tools';
import { SimulationError } from '../simulation/simulation-error';
import { emptyRecord, resultOf } from '../simulation/simulation-record';
import type { SimulationResult } from '../simulation/simulation-result';
import type { SimulationScript } from '../simulation/simulation-script';
import { setupOf } from '../simulation/simulation-setup';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { registerSearchAttributes } from '../worker/register-search-attributes';
import { leadEventSignal, nurtureStateQuery } from '../workflows/definitions';
import { createInMemoryActivities } from './in-memory-activities';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The CLI's `--temporal` mode: the real workflow code on Temporal's
 * time-skipping test server (a devDependency, so only the CLI loads this
 * file), with in-memory activities: 90 days in seconds, nothing sent,
 * nothing written. It checks what the in-process mode cannot: the workflow
 * itself (bundling, signals, timers, continue-as-new). The server's clock
 * starts at the real now and only moves forward, so a start in the future is
 * reached by skipping time and a start in the past is refused.
 */
export async function simulateOnTemporal(plan: Plan, script: SimulationScript): Promise<SimulationResult> {
  const executable = testServerPath();
  if (executable === undefined) {
    throw new SimulationError(
      'the time-skipping test server is not installed: run `npm run setup` (or use the in-process mode)',
    );
  }
  const began = performance.now();
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: executable } },
  });
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    const serverNow = await env.currentTimeMs();
    const start = script.start === undefined ? serverNow : Date.parse(script.start);
    if (start < serverNow - 60_000)
      throw new SimulationError('start is in the past: the time-skipping server can only move time forward');
    const setup = setupOf(plan, script, start);
    const record = emptyRecord();
    const taskQueue = `simulation-${String(process.pid)}-${String(Date.now())}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle,
      activities: createInMemoryActivities(record),
    });
    const finalStatus = await worker.runUntil(async () => {
      if (start > serverNow) await env.sleep(start - serverNow);
      const handle = await env.client.workflow.start('nurtureWorkflow', {
        taskQueue,
        workflowId: `simulation-${taskQueue}`,
        args: [setup.input],
      });
      let now = start;
      for (const { instant, event } of setup.events) {
        await env.sleep(Math.max(0, instant - now));
        now = instant;
        try {
          await handle.signal(leadEventSignal, event);
        } catch (error) {
          // The nurture ended (a booking, an opt-out): it takes no more events.
          if (error instanceof WorkflowNotFoundError) break;
          throw error;
        }
      }
      await env.sleep(Math.max(0, setup.end - now));
      const state = await handle.query(nurtureStateQuery);
      await handle.terminate('simulation finished').catch(() => undefined);
      return state.status;
    });
    return resultOf(record, {
      mode: 'time-skipping',
      setup,
      finalStatus,
      wallClockMs: performance.now() - began,
    });
  } finally {
    await env.teardown();
  }
}

/** Worker state changes at INFO would drown the timeline; warnings still show. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A runtime exists already (a test process runs a worker): keep its logger.
  }
}

const noop = (): void => undefined;
const silent = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
