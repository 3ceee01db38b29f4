/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
 * embedded database in DATA_DIR (through the running service's port when it
 * is up, since PGlite opens its folder in one process only).
 */
import { createConnection } from 'node:net';
import path from 'node:path';
import { ConfigError, loadEnv } from '../config/env';
import { embeddedDatabaseUrl, startEmbeddedDatabase } from './embedded-database';
import { migrate } from './migrate';

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

async function main(): Promise<void> {
  const env = loadEnv();
  let url = env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (url === undefined) {
    if (await portInUse(env.EMBEDDED_DB_PORT)) {
      url = embeddedDatabaseUrl(env.EMBEDDED_DB_PORT);
    } else {
      const db = await startEmbeddedDatabase({
        dataDir: path.join(path.resolve(env.DATA_DIR), 'pglite'),
        port: 0,
      });
      url = db.url;
      stop = db.stop;
    }
  }
  try {
    const result = await migrate(url);
    process.stdout.write(
      `applied: ${result.applied.join(', ') || 'none'}; already applied: ${String(result.alreadyApplied.length)}\n`,
    );
  } finally {
    await stop?.();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
