/**
 * The real HTTP API (api/app.ts) in a process of its own, so a test can kill
 * it with SIGKILL mid-request the way an OOM kill or a lost host would, and
 * then let the provider redeliver to a fresh process.
 *
 * Run with `node --import tsx test/support/api-process.ts [--crash=<point>] [--embedded-db]`
 * and an IPC channel; it sends `{ listening: <port> }` once it accepts
 * connections. Where the database, Temporal and the Cal.com secret are comes
 * from the environment, read by config/env.ts like every other process:
 * DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE,
 * CALCOM_WEBHOOK_SECRET, LOG_LEVEL.
 *
 * `--crash` kills the process at a point of the webhook ingest without
 * touching production code: the Temporal client gets an interceptor on
 * `signal`, the call api/inbox/event-inbox.ts makes after the event is
 * recorded and before the 2xx is written.
 *   before-signal: recorded and claimed, never signalled, never acknowledged.
 *   after-signal:  recorded, claimed and signalled (the workflow has it), never marked, never acknowledged.
 * `--embedded-db` says DATABASE_URL is PGlite served over the wire: one
 * connection per process (see prisma/database.ts).
 *
 * Unlike api/server.ts it starts no event relay: the test must see the
 * provider's redelivery deliver the event, not a relay pass racing it.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { parseEnv } from '../../config/env';
import { createLogger } from '../../config/logger';
import { temporalConnectionOptions } from '../../config/temporal-options';
import { PlanCatalog } from '../../plans/plan-catalog';
import { createPrismaClient } from '../../prisma/database';
import { TEST_UNSUBSCRIBE } from './nurture-worker';

// Types only may be imported from here: importing a value would start an API.
const crashPointSchema = z.enum(['before-signal', 'after-signal']);
export type CrashPoint = z.infer<typeof crashPointSchema>;

/** What the process sends its parent once it accepts connections. */
export interface ApiProcessReady {
  listening: number;
}

function die(): never {
  // SIGKILL, not exit(): no 'exit' handlers, no flushing, no FIN from a graceful
  // close; the kernel resets the open connection, as when a host is lost.
  process.kill(process.pid, 'SIGKILL');
  throw new Error('SIGKILL did not end the process');
}

function crashingSignals(point: CrashPoint): WorkflowClientInterceptor {
  return {
    async signal(input, next) {
      if (point === 'before-signal') die();
      await next(input);
      die();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { crash: { type: 'string' }, 'embedded-db': { type: 'boolean', default: false } },
  });
  const crash = crashPointSchema.optional().parse(values.crash);
  const env = parseEnv(process.env);
  if (env.DATABASE_URL === undefined) throw new Error('DATABASE_URL is required');
  // Without it the client would go to the dev server's default port, not the test's server.
  if (env.TEMPORAL_ADDRESS === undefined) throw new Error('TEMPORAL_ADDRESS is required');
  const send = process.send?.bind(process);
  if (send === undefined)
    throw new Error('start this process with an IPC channel: it reports its port there');

  const prisma = createPrismaClient(env.DATABASE_URL, { embedded: values['embedded-db'] });
  const connection = await Connection.connect(temporalConnectionOptions(env));
  const temporal = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    interceptors: { workflow: crash === undefined ? [] : [crashingSignals(crash)] },
  });
  const app = createApp({
    prisma,
    temporal,
    plans: PlanCatalog.load(),
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    defaultPlanId: env.DEFAULT_PLAN_ID,
    logger: createLogger(env.LOG_LEVEL),
    unsubscribeSecret: TEST_UNSUBSCRIBE.secret,
    webhookSecrets: { calcomSecret: env.CALCOM_WEBHOOK_SECRET },
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    void Promise.allSettled([connection.close(), prisma.$disconnect()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  // The parent went away (a crashed test run): do not linger as an orphan holding a port.
  process.once('disconnect', stop);

  const ready: ApiProcessReady = { listening: (server.address() as AddressInfo).port };
  send(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `api-process: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
