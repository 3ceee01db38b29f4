/** The API on its own (production, docker-compose). `npm start` runs it in-process. */
import { loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { createPrismaClient } from '../prisma/database';
import { startApi } from './server';
import { tracingFromEnv } from '../tracing/tracer-provider';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (env.DATABASE_URL === undefined) throw new Error('DATABASE_URL is required to run the API on its own');
  const prisma = createPrismaClient(env.DATABASE_URL);
  const tracing = tracingFromEnv(env);
  const api = await startApi(env, prisma, logger, tracing);
  const stop = (): void => {
    // Tracing last: the spans of the requests that were still answering are flushed.
    void api
      .stop()
      .then(() => prisma.$disconnect())
      .then(() => tracing?.shutdown());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
