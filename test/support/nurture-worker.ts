import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import type { EmailChannel, SmsChannel } from '../../activities/message-channels';
import type { NotificationSink, OutgoingNotification } from '../../activities/notification-sink';
import { createOutboxChannels } from '../../activities/outbox-channel';
import type { PrismaClient } from '../../prisma/database';
import type { Tracing } from '../../tracing/tracer-provider';
import { createNurtureWorker } from '../../worker/create-worker';
import { workflowBundle } from './temporal-test-env';

/** What reached the providers and sinks during a test. */
export interface Captured {
  sends: { channel: 'email' | 'sms'; touchKey: string; to: string }[];
  notifications: { sink: 'crm' | 'alerts'; notification: OutgoingNotification }[];
}

/** Overrides for the provider ports: a test may make a channel fail. */
export interface ChannelOverrides {
  email?: (inner: EmailChannel) => EmailChannel;
  sms?: (inner: SmsChannel) => SmsChannel;
}

/** Where test emails' unsubscribe links point, and the key that signs them. */
export const TEST_UNSUBSCRIBE = {
  baseUrl: 'https://nurture.example.com',
  secret: 'test-unsubscribe-secret-0123456789abcdef',
};

/** A traced worker: its provider, and a bundle built with the workflow tracing module in it. */
export interface TestWorkerTracing {
  tracing: Tracing;
  bundle: NonNullable<WorkerOptions['workflowBundle']>;
}

let queues = 0;

/** A worker on a fresh task queue with the real activities over the outbox provider, counting every send. */
export async function startTestWorker(
  env: TestWorkflowEnvironment,
  prisma: PrismaClient,
  overrides: ChannelOverrides = {},
  traced?: TestWorkerTracing,
): Promise<{ worker: Worker; taskQueue: string; captured: Captured }> {
  queues += 1;
  const taskQueue = `nurture-test-${String(process.pid)}-${String(queues)}`;
  const captured: Captured = { sends: [], notifications: [] };
  const outbox = createOutboxChannels(prisma);
  const email: EmailChannel = {
    provider: outbox.email.provider,
    send: (m) => {
      captured.sends.push({ channel: 'email', touchKey: m.touchKey, to: m.to });
      return outbox.email.send(m);
    },
  };
  const sms: SmsChannel = {
    provider: outbox.sms.provider,
    send: (m) => {
      captured.sends.push({ channel: 'sms', touchKey: m.touchKey, to: m.to });
      return outbox.sms.send(m);
    },
  };
  const sink = (name: 'crm' | 'alerts'): NotificationSink => ({
    name,
    deliver: (notification) => {
      captured.notifications.push({ sink: name, notification });
      return Promise.resolve();
    },
  });
  const worker = await createNurtureWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: {
      prisma,
      email: overrides.email?.(email) ?? email,
      sms: overrides.sms?.(sms) ?? sms,
      unsubscribe: TEST_UNSUBSCRIBE,
      crm: sink('crm'),
      alerts: sink('alerts'),
    },
    bundle: traced?.bundle ?? (await workflowBundle()),
    ...(traced === undefined ? {} : { tracing: traced.tracing }),
    // A test's cleanup must end even when an activity ignores cancellation.
    shutdownForceTime: '10s',
  });
  return { worker, taskQueue, captured };
}
