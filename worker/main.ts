/**
 * The worker on its own (production, docker-compose): Temporal and PostgreSQL
 * are given by TEMPORAL_ADDRESS and DATABASE_URL. `npm start` runs it in-process.
 */
import { writeFileSync } from 'node:fs';
import { Runtime } from '@temporalio/worker';
import { loadEnv } from '../config/env';
import { temporalRuntimeTelemetry } from '../config/temporal-options';
import { createLogger } from '../config/logger';
import { createPrismaClient } from '../prisma/database';
import { startMetricsServer } from '../metrics/metrics-server';
import { startWorker } from './run-worker';
import { tracingFromEnv } from '../tracing/tracer-provider';

/** Touched while the worker runs; the container health check reads its age. */
export const HEARTBEAT_FILE = '/tmp/nurture-worker.alive';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (env.DATABASE_URL === undefined)
    throw new Error('DATABASE_URL is required to run the worker on its own');
  const prisma = createPrismaClient(env.DATABASE_URL);
  Runtime.install(temporalRuntimeTelemetry(env));
  const tracing = tracingFromEnv(env);
  const worker = await startWorker(env, prisma, logger, tracing);
  // The activities' counters (touches, decisions) live in this process: served here.
  const metrics =
    env.METRICS_PORT === undefined ? null : await startMetricsServer(env.METRICS_PORT, env.HOST);
  const beat = (): void => {
    writeFileSync(HEARTBEAT_FILE, new Date().toISOString());
  };
  beat();
  const heartbeat = setInterval(beat, 10_000);
  // The SDK's worker shuts down on SIGINT/SIGTERM by itself and lets running activities finish.
  await worker.done;
  await metrics?.stop();
  // After the worker: its last activities' and workflow tasks' spans are flushed too.
  await tracing?.shutdown();
  clearInterval(heartbeat);
  await prisma.$disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
