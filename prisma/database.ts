import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

/**
 * A Prisma client over the ordinary PostgreSQL driver. The embedded database
 * (PGlite) is served over the wire protocol too, so both share this one path.
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  // Small pool: PGlite serialises statements anyway, and a real server is shared.
  const schema = schemaOf(connectionString);
  const adapter = new PrismaPg({ connectionString, max: 5 }, schema === undefined ? {} : { schema });
  return new PrismaClient({ adapter });
}

export type { PrismaClient };

/** The `?schema=` parameter of a connection URL, as Prisma has always read it. */
export function schemaOf(connectionString: string): string | undefined {
  return new URL(connectionString).searchParams.get('schema') ?? undefined;
}
