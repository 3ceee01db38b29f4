import { defineConfig } from 'prisma/config';

// The Prisma CLI only needs the schema location for `generate`. The database
// URL is read by the project's own config module at runtime (see config/env.ts);
// migrations are applied by prisma/migrate.ts, not by the CLI.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
