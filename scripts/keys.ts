/**
 * `npm run keys -- create --name NAME --scopes enroll,events`: prints a new key once.
 * `npm run keys -- list`: names, scopes, last use; never the keys themselves.
 * `npm run keys -- revoke ID`: the key stops working at once.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../api/auth/api-key-store';
import { scopeSchema, SCOPES } from '../api/auth/scopes';
import { ConfigError, loadEnv } from '../config/env';
import { openCliDatabase } from '../prisma/cli-database';
import { createPrismaClient } from '../prisma/database';
import { migrate } from '../prisma/migrate';

const USAGE = `usage:
  npm run keys -- create --name NAME --scopes ${SCOPES.join(',')}
  npm run keys -- list
  npm run keys -- revoke ID`;

class UsageError extends Error {}

const createOptionsSchema = z.object({
  name: z.string().min(1, '--name is required').max(200),
  scopes: z
    .string({ error: `--scopes is required (any of ${SCOPES.join(', ')})` })
    .transform((s) => s.split(',').map((scope) => scope.trim()))
    .pipe(z.array(scopeSchema).min(1)),
});

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, scopes: { type: 'string' } },
  });
  const [command, argument] = positionals;
  if (command === undefined || !['create', 'list', 'revoke'].includes(command)) throw new UsageError(USAGE);

  const db = await openCliDatabase(loadEnv());
  const prisma = createPrismaClient(db.url, { embedded: db.embedded });
  try {
    await migrate(db.url);
    if (command === 'create') {
      const parsed = createOptionsSchema.safeParse(values);
      if (!parsed.success) throw new UsageError(`${parsed.error.issues[0]?.message ?? 'invalid'}\n${USAGE}`);
      const { key, token } = await createApiKey(prisma, parsed.data);
      process.stdout.write(
        `created key ${key.id} "${key.name}" with scopes ${key.scopes.join(',')}\n` +
          `${token}\n` +
          'This is the only time the key is shown; store it now.\n',
      );
    } else if (command === 'list') {
      for (const key of await listApiKeys(prisma)) {
        const state = key.revokedAt === null ? 'active' : `revoked ${key.revokedAt.toISOString()}`;
        const used = key.lastUsedAt === null ? 'never used' : `last used ${key.lastUsedAt.toISOString()}`;
        process.stdout.write(`${key.id}  ${key.name}  [${key.scopes.join(',')}]  ${state}, ${used}\n`);
      }
    } else {
      if (argument === undefined) throw new UsageError(USAGE);
      const revoked = await revokeApiKey(prisma, argument);
      process.stdout.write(revoked ? `revoked ${argument}\n` : `no active key ${argument}\n`);
      if (!revoked) process.exitCode = 1;
    }
  } finally {
    await prisma.$disconnect();
    await db.stop();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof UsageError;
  process.stderr.write(`${known ? error.message : String(error)}\n`);
  process.exit(known && error instanceof UsageError ? 2 : 1);
});
