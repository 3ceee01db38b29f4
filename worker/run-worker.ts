import { NativeConnection } from '@temporalio/worker';
import type { Env } from '../config/env';
import type { Logger } from '../config/logger';
import { policyOf } from '../config/outbound-targets';
import { temporalConnectionOptions } from '../config/temporal-options';
import { recordOnlySink, webhookSink } from '../activities/notification-sink';
import type { PrismaClient } from '../prisma/generated/client';
import { createNurtureWorker } from './create-worker';
import { deliveryChannels } from './delivery-channels';
import type { Tracing } from '../tracing/tracer-provider';

export interface RunningWorker {
  stop: () => Promise<void>;
  /** Settles when the worker stops, by request or by failure. */
  done: Promise<void>;
}

/** Connects to Temporal and polls the task queue until stopped; with `tracing`, its spans go there. */
export async function startWorker(
  env: Env,
  prisma: PrismaClient,
  logger: Logger,
  tracing: Tracing | null = null,
): Promise<RunningWorker> {
  const channels = await deliveryChannels(env, prisma);
  // Provider names only (the keys `email`/`sms` would be redacted as personal data).
  logger.info(
    { emailProvider: channels.email.provider, smsProvider: channels.sms.provider },
    'delivery providers',
  );
  const connection = await NativeConnection.connect(temporalConnectionOptions(env));
  const policy = policyOf(env.OUTBOUND_WEBHOOK_ALLOW_PRIVATE, env.OUTBOUND_WEBHOOK_ALLOW_HOSTS);
  const worker = await createNurtureWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    ...(tracing === null ? {} : { tracing }),
    deps: {
      prisma,
      email: channels.email,
      sms: channels.sms,
      unsubscribe: channels.unsubscribe,
      crm: env.CRM_WEBHOOK_URL === undefined ? recordOnlySink : webhookSink(env.CRM_WEBHOOK_URL, { policy }),
      alerts:
        env.ALERT_WEBHOOK_URL === undefined ? recordOnlySink : webhookSink(env.ALERT_WEBHOOK_URL, { policy }),
    },
  });
  const done = worker.run().finally(async () => {
    channels.close();
    await connection.close();
  });
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, 'worker polling');
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
