import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { schemaOf } from './database';

/**
 * Applies the SQL migrations in Prisma's layout and records them in Prisma's
 * own `_prisma_migrations` table, so `prisma migrate deploy|status` agree with
 * it wherever Prisma's schema engine is available (it is not on every machine).
 * Append-only: an applied migration whose file changed is an error.
 */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

// Prisma Migrate's advisory lock id, so this runner and `prisma migrate` never interleave.
const ADVISORY_LOCK_ID = 72707369;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function migrate(
  connectionString: string,
  dir: string = MIGRATIONS_DIR,
): Promise<MigrationResult> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const schema = schemaOf(connectionString);
    if (schema !== undefined) {
      const quoted = client.escapeIdentifier(schema);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
      await client.query(`SET search_path TO ${quoted}`);
    }
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_ID]);
    try {
      return await applyPending(client, readMigrations(dir));
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_ID]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(client: Client, migrations: MigrationFile[]): Promise<MigrationResult> {
  await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
  );
  const done = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r.checksum]));
  const failed = rows.find((r) => r.finished_at === null);
  if (failed !== undefined) {
    throw new MigrationError(
      `migration ${failed.migration_name} failed earlier and was never finished; fix the database, then mark it rolled back`,
    );
  }

  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const checksum = done.get(migration.name);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new MigrationError(
          `migration ${migration.name} was changed after it was applied; migrations are append-only, add a new one`,
        );
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }
    // Each migration and its record commit together, or not at all.
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`);
    }
    result.applied.push(migration.name);
  }
  return result;
}
