/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
 * embedded database in DATA_DIR.
 */
import { ConfigError, loadEnv } from '../config/env';
import { openCliDatabase } from './cli-database';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const db = await openCliDatabase(loadEnv());
  try {
    const result = await migrate(db.url);
    process.stdout.write(
      `applied: ${result.applied.join(', ') || 'none'}; already applied: ${String(result.alreadyApplied.length)}\n`,
    );
  } finally {
    await db.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
