import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

/**
 * A Prisma client over the ordinary PostgreSQL driver. The embedded database
 * (PGlite) is served over the wire protocol too, so both share this one path.
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  // Small pool: PGlite serialises statements anyway, and a real server is shared.
  const adapter = new PrismaPg({ connectionString, max: 5 });
  return new PrismaClient({ adapter });
}

export type { PrismaClient };
