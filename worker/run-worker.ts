import { NativeConnection } from '@temporalio/worker';
import type { Env } from '../config/env';
import type { Logger } from '../config/logger';
import { temporalConnectionOptions } from '../config/temporal-options';
import { createOutboxEmailChannel } from '../activities/outbox-email-channel';
import type { PrismaClient } from '../prisma/generated/client';
import { createNurtureWorker } from './create-worker';

export interface RunningWorker {
  stop: () => Promise<void>;
  /** Settles when the worker stops, by request or by failure. */
  done: Promise<void>;
}

/** Connects to Temporal and polls the task queue until stopped. */
export async function startWorker(env: Env, prisma: PrismaClient, logger: Logger): Promise<RunningWorker> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(env));
  const worker = await createNurtureWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    deps: { prisma, email: createOutboxEmailChannel(prisma) },
  });
  const done = worker.run().finally(() => connection.close());
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, 'worker polling');
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
