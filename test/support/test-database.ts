import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { parseEnv } from '../../config/env';
import { createPrismaClient, type PrismaClient } from '../../prisma/database';
import { startEmbeddedDatabase } from '../../prisma/embedded-database';
import { migrate } from '../../prisma/migrate';

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  /** Which kind of database the test runs on, for messages. */
  kind: 'pglite' | 'postgresql';
  close: () => Promise<void>;
}

/**
 * A fresh, migrated database for one test file: the PostgreSQL at DATABASE_URL
 * when it is set (in a schema of its own, dropped at the end), else PGlite in
 * memory, served over the wire protocol exactly as `npm start` serves it.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const configured = parseEnv(process.env).DATABASE_URL;
  if (configured === undefined) {
    const embedded = await startEmbeddedDatabase({ port: 0 });
    await migrate(embedded.url);
    const prisma = createPrismaClient(embedded.url, { embedded: true });
    return {
      url: embedded.url,
      prisma,
      kind: 'pglite',
      close: async () => {
        await prisma.$disconnect();
        await embedded.stop();
      },
    };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: configured });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const url = withSearchPath(configured, schema);
  await migrate(url);
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    kind: 'postgresql',
    close: async () => {
      await prisma.$disconnect();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

function withSearchPath(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('schema', schema);
  return url.toString();
}
