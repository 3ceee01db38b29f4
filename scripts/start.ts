/**
 * `npm start`: the whole service in one command. Unless TEMPORAL_ADDRESS and
 * DATABASE_URL point elsewhere, it runs a Temporal dev server and the embedded
 * database (PGlite, served on a local port) with their state under DATA_DIR,
 * applies migrations, then runs the worker and the API. Ctrl-C stops all of it.
 *
 * The dev server and the worker are supervised: if either ends on its own it
 * is started again with a backoff (the dev server on the same SQLite file, so
 * every nurture carries on), while the API stays up and answers 503 with
 * Retry-After for what needs Temporal.
 */
import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { ConfigError, loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { temporalAddress, temporalRuntimeTelemetry } from '../config/temporal-options';
import { startApi } from '../api/server';
import { createPrismaClient } from '../prisma/database';
import { startEmbeddedDatabase } from '../prisma/embedded-database';
import { ensureLocalApiKey } from './local-api-key';
import { migrate } from '../prisma/migrate';
import { startWorker } from '../worker/run-worker';
import { tracingFromEnv } from '../tracing/tracer-provider';
import { supervise } from './supervisor';
import { startTemporalDevServer } from './temporal-dev-server';

type Stop = () => Promise<void>;

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const dataDir = path.resolve(env.DATA_DIR);
  const stops: { name: string; stop: Stop }[] = [];
  let stopping = false;

  async function shutdown(reason: string, code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    // Reverse order: API, worker, Temporal, database.
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error({ err: error, component: name }, 'stop failed');
      }
    }
    process.exit(code);
  }
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));

  // One provider for the worker and the API in this process; stopped last, so the
  // spans of everything stopped before it are flushed to the collector.
  const tracing = tracingFromEnv(env);
  if (tracing !== null) stops.push({ name: 'tracing', stop: tracing.shutdown });

  let databaseUrl = env.DATABASE_URL;
  let databaseWhere = 'DATABASE_URL';
  if (databaseUrl === undefined) {
    const db = await startEmbeddedDatabase({
      dataDir: path.join(dataDir, 'pglite'),
      port: env.EMBEDDED_DB_PORT,
    });
    stops.push({ name: 'database', stop: db.stop });
    databaseUrl = db.url;
    databaseWhere = `embedded PGlite in ${path.join(dataDir, 'pglite')}, served on 127.0.0.1:${db.port}`;
    if (env.FAULT_HOOKS) {
      process.on('SIGUSR2', () => {
        const cut = db.serving();
        logger.warn(
          { serving: !cut },
          cut ? 'fault hook: database port closed' : 'fault hook: database served again',
        );
        void (cut ? db.stopServing() : db.serveAgain()).catch((error: unknown) => {
          logger.error({ err: error }, 'fault hook failed');
        });
      });
    }
  }
  const migrations = await migrate(databaseUrl);
  logger.info({ applied: migrations.applied }, 'migrations up to date');

  let uiUrl = 'your cluster’s Web UI';
  if (env.TEMPORAL_ADDRESS === undefined) {
    const dev = await supervise({
      name: 'Temporal dev server',
      logger,
      start: () =>
        startTemporalDevServer({
          dataDir,
          port: env.TEMPORAL_DEV_PORT,
          uiPort: env.TEMPORAL_UI_PORT,
          namespace: env.TEMPORAL_NAMESPACE,
        }),
    });
    stops.push({ name: 'temporal', stop: dev.stop });
    uiUrl = dev.current()?.uiUrl ?? uiUrl;
  }

  const prisma = createPrismaClient(databaseUrl, { embedded: env.DATABASE_URL === undefined });
  stops.push({ name: 'prisma', stop: () => prisma.$disconnect() });
  const keyFile = env.DATABASE_URL === undefined ? await ensureLocalApiKey(prisma, dataDir) : null;
  // This process owns its signals and stops the worker itself, in order (the SDK
  // would otherwise shut the worker down on SIGINT/SIGTERM/SIGQUIT/SIGUSR2 on its own).
  Runtime.install({ shutdownSignals: [], ...temporalRuntimeTelemetry(env) });
  // The SDK's worker rides out a Temporal outage by itself (it retries its polls);
  // should it fail anyway, it is started again like the dev server.
  const worker = await supervise({
    name: 'worker',
    logger,
    start: async () => {
      const running = await startWorker(env, prisma, logger, tracing);
      return { exited: running.done, stop: running.stop };
    },
  });
  stops.push({ name: 'worker', stop: worker.stop });
  const api = await startApi(env, prisma, logger, tracing);
  stops.push({ name: 'api', stop: api.stop });

  process.stdout.write(
    [
      '',
      'durable-nurture is running',
      `  API:        ${api.url}  (try ${api.url}/readyz)`,
      `  Temporal:   ${temporalAddress(env)}  namespace ${env.TEMPORAL_NAMESPACE}, task queue ${env.TEMPORAL_TASK_QUEUE}`,
      `  Web UI:     ${uiUrl}`,
      `  Database:   ${databaseWhere}`,
      keyFile === null
        ? '  API keys:   npm run keys -- create --name NAME --scopes enroll,events,read'
        : `  API key:    admin key in ${keyFile}  (curl -H "authorization: Bearer $(cat ${keyFile})" ${api.url}/v1/plans)`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
