/**
 * `npm start`: the whole service in one command. Unless TEMPORAL_ADDRESS and
 * DATABASE_URL point elsewhere, it runs a Temporal dev server and the embedded
 * database (PGlite, served on a local port) with their state under DATA_DIR,
 * applies migrations, then runs the worker and the API. Ctrl-C stops all of it.
 */
import path from 'node:path';
import { ConfigError, loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { temporalAddress } from '../config/temporal-options';
import { startApi } from '../api/server';
import { createPrismaClient } from '../prisma/database';
import { startEmbeddedDatabase } from '../prisma/embedded-database';
import { ensureLocalApiKey } from './local-api-key';
import { migrate } from '../prisma/migrate';
import { startWorker } from '../worker/run-worker';
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
  }
  const migrations = await migrate(databaseUrl);
  logger.info({ applied: migrations.applied }, 'migrations up to date');

  let uiUrl = 'your cluster’s Web UI';
  if (env.TEMPORAL_ADDRESS === undefined) {
    const dev = await startTemporalDevServer({
      dataDir,
      port: env.TEMPORAL_DEV_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      namespace: env.TEMPORAL_NAMESPACE,
    });
    stops.push({ name: 'temporal', stop: dev.stop });
    uiUrl = dev.uiUrl;
    void dev.exited.then((code) =>
      shutdown(`Temporal dev server exited (${String(code)}); see ${dev.logFile}`, 1),
    );
  }

  const prisma = createPrismaClient(databaseUrl, { embedded: env.DATABASE_URL === undefined });
  stops.push({ name: 'prisma', stop: () => prisma.$disconnect() });
  const keyFile = env.DATABASE_URL === undefined ? await ensureLocalApiKey(prisma, dataDir) : null;
  const worker = await startWorker(env, prisma, logger);
  stops.push({ name: 'worker', stop: worker.stop });
  void worker.done.catch((error: unknown) => {
    logger.error({ err: error }, 'worker failed');
    void shutdown('worker failed', 1);
  });
  const api = await startApi(env, prisma, logger);
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
