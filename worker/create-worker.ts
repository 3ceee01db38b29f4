import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';

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
  });
}
