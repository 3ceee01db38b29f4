/**
 * Memory per cached nurture in a worker: starts N nurtures on the
 * time-skipping test server (in-memory activities), waits until every one is
 * parked in the worker's cache waiting for an open, and prints the heap growth
 * per workflow. Use it to size WORKER_MAX_CACHED_WORKFLOWS and the heap.
 * Run: node --expose-gc --import tsx bench/worker-memory.bench.ts [N]
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { PlanCatalog } from '../plans/plan-catalog';
import { testServerPath } from '../scripts/temporal-tools';
import { createInMemoryActivities } from '../simulator/in-memory-activities';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { registerSearchAttributes } from '../worker/register-search-attributes';
import { nurtureStateQuery } from '../workflows/definitions';
import type { NurtureWorkflowInput } from '../workflows/nurture-workflow';

const N = Number(process.argv[2] ?? 300);

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const path = testServerPath();
  if (path === undefined) throw new Error('run npm run setup -- --for-tests first');
  const plan = PlanCatalog.load().latest('default');
  if (plan === undefined) throw new Error('no default plan');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  await registerSearchAttributes(env.connection, 'default');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'memory-bench',
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH }),
    activities: createInMemoryActivities({ decisions: [], touches: [], effects: [] }),
    maxCachedWorkflows: N + 10,
  });
  await worker.runUntil(async () => {
    const warm = await env.client.workflow.start('nurtureWorkflow', {
      taskQueue: 'memory-bench',
      workflowId: 'warm',
      args: [input('warm', plan)],
    });
    await settle(warm);
    const before = heapMb();
    const rssBefore = process.memoryUsage().rss / 1024 / 1024;
    const handles = [];
    for (let i = 0; i < N; i += 1) {
      handles.push(
        await env.client.workflow.start('nurtureWorkflow', {
          taskQueue: 'memory-bench',
          workflowId: `lead-${String(i)}`,
          args: [input(`lead-${String(i)}`, plan)],
        }),
      );
    }
    for (const h of handles) await settle(h);
    const after = heapMb();
    const rss = process.memoryUsage().rss / 1024 / 1024;
    process.stdout.write(
      `${String(N)} cached nurtures: main-thread heap +${(after - before).toFixed(1)} MB; ` +
        `process RSS +${(rss - rssBefore).toFixed(0)} MB = ${(((rss - rssBefore) * 1024) / N).toFixed(0)} KB per cached lead ` +
        `(workflows run in worker threads: RSS is the honest figure); RSS now ${rss.toFixed(0)} MB\n`,
    );
  });
  await env.teardown();
}

async function settle(handle: {
  query: (q: typeof nurtureStateQuery) => Promise<{ phase: string }>;
}): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if ((await handle.query(nurtureStateQuery)).phase === 'awaiting-open') return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function input(leadId: string, plan: NonNullable<ReturnType<PlanCatalog['latest']>>): NurtureWorkflowInput {
  return {
    inputVersion: 2,
    leadId,
    plan,
    profile: {
      timezone: 'America/Chicago',
      ownerId: 'rep',
      hasPhone: true,
      persona: null,
      industry: null,
      stage: null,
      preferredChannel: null,
    },
    consent: { email: { granted: true, source: 'bench', at: 0 } },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
