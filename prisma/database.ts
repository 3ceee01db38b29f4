import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

/**
 * A Prisma client over the ordinary PostgreSQL driver. The embedded database
 * (PGlite) is served over the wire protocol too, so both share this one path.
 */
export function createPrismaClient(
  connectionString: string,
  options: { embedded?: boolean } = {},
): PrismaClient {
  const schema = schemaOf(connectionString);
  // The embedded server multiplexes every connection over PGlite's single one,
  // message by message: two connections' unnamed prepared statements can
  // interleave ("bind message supplies 2 parameters, but prepared statement
  // requires 3"). One connection per process keeps each statement whole.
  const max = options.embedded === true ? 1 : 5;
  // Prisma qualifies its own queries with the schema; raw SQL (claims with
  // SKIP LOCKED, erasure) finds its tables through the search path.
  const searchPath =
    schema === undefined ? {} : { options: `-c search_path="${schema.replace(/"/g, '""')}"` };
  const adapter = new PrismaPg(
    { connectionString, max, ...searchPath },
    schema === undefined ? {} : { schema },
  );
  return new PrismaClient({ adapter });
}

export type { PrismaClient };

/** The `?schema=` parameter of a connection URL, as Prisma has always read it. */
export function schemaOf(connectionString: string): string | undefined {
  return new URL(connectionString).searchParams.get('schema') ?? undefined;
}
