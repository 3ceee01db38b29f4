import { createConnection } from 'node:net';
import path from 'node:path';
import type { Env } from '../config/env';
import { embeddedDatabaseUrl, startEmbeddedDatabase } from './embedded-database';

export interface CliDatabase {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

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

/**
 * The database a command-line tool works on: DATABASE_URL, or the embedded
 * database in DATA_DIR, through the running service's port when it is up
 * (PGlite opens its folder in one process only), else opened here.
 */
export async function openCliDatabase(env: Env): Promise<CliDatabase> {
  if (env.DATABASE_URL !== undefined) {
    return { url: env.DATABASE_URL, embedded: false, stop: () => Promise.resolve() };
  }
  if (await portInUse(env.EMBEDDED_DB_PORT)) {
    return { url: embeddedDatabaseUrl(env.EMBEDDED_DB_PORT), embedded: true, stop: () => Promise.resolve() };
  }
  const db = await startEmbeddedDatabase({
    dataDir: path.join(path.resolve(env.DATA_DIR), 'pglite'),
    port: 0,
  });
  return { url: db.url, embedded: true, stop: db.stop };
}
