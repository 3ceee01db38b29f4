/** The API on its own (production, docker-compose). `npm start` runs it in-process. */
import { loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { createPrismaClient } from '../prisma/database';
import { startApi } from './server';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (env.DATABASE_URL === undefined) throw new Error('DATABASE_URL is required to run the API on its own');
  const prisma = createPrismaClient(env.DATABASE_URL);
  const api = await startApi(env, prisma, logger);
  const stop = (): void => {
    void api.stop().then(() => prisma.$disconnect());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
