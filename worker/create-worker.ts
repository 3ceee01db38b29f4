import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';
import { workerTracingOptions } from '../tracing/temporal-worker-tracing';
import type { Tracing } from '../tracing/tracer-provider';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** A nurture worker on one task queue. No business logic: wiring only. */
export async function createNurtureWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  bundle?: WorkerOptions['workflowBundle'];
  maxCachedWorkflows?: number;
  /** How long `shutdown()` may wait for running activities before giving up (tests bound it). */
  shutdownForceTime?: WorkerOptions['shutdownForceTime'];
  /**
   * Activity and workflow spans (README, "Tracing"); unset = no interceptor at all.
   * A prebuilt `bundle` must contain WORKFLOW_TRACING_MODULE for the workflow's spans.
   */
  tracing?: Tracing;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.bundle === undefined
      ? { workflowsPath: WORKFLOWS_PATH }
      : { workflowBundle: options.bundle }),
    activities: createActivities(options.deps),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...(options.shutdownForceTime === undefined ? {} : { shutdownForceTime: options.shutdownForceTime }),
    ...(options.tracing === undefined
      ? {}
      : workerTracingOptions(options.tracing, options.bundle !== undefined)),
  });
}
