import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly)
 * kept in a folder and served over the PostgreSQL wire protocol on a local
 * port. PGlite lives inside one process; serving it lets the API, the worker
 * and CLI commands all connect with the ordinary driver, like to a real server.
 */
export interface EmbeddedDatabase {
  url: string;
  port: number;
  /**
   * Stops serving the port and drops every connection (an open transaction is
   * rolled back); PGlite and its data stay. For the fault tests: this is what
   * clients see when the database goes away.
   */
  stopServing: () => Promise<void>;
  /** Serves the same database on the same port again. */
  serveAgain: () => Promise<void>;
  serving: () => boolean;
  stop: () => Promise<void>;
}

/** `dataDir` undefined keeps the database in memory (tests). Port 0 picks a free port. */
export async function startEmbeddedDatabase(options: {
  dataDir?: string;
  port: number;
}): Promise<EmbeddedDatabase> {
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  // The default of one connection drops a pool's second one; statements are
  // serialised over PGlite's single connection either way.
  const serve = async (port: number): Promise<PGLiteSocketServer> => {
    const socket = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
    await socket.start();
    return socket;
  };
  let server: PGLiteSocketServer | null;
  try {
    server = await serve(options.port);
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: embeddedDatabaseUrl(port),
    port,
    async stopServing() {
      const serving = server;
      server = null;
      await serving?.stop();
    },
    async serveAgain() {
      server ??= await serve(port);
    },
    serving: () => server !== null,
    async stop() {
      await server?.stop();
      server = null;
      await db.close();
    },
  };
}

/** How every process reaches the embedded database served on `port`. */
export function embeddedDatabaseUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${String(port)}/postgres?sslmode=disable`;
}
