import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createApiKey } from '../api/auth/api-key-store';
import type { PrismaClient } from '../prisma/generated/client';

/**
 * The embedded default must be usable at once, yet the API never runs
 * without keys: on the first start with no key at all, one admin key is
 * minted and written to DATA_DIR/api-key (owner-only), never to the log.
 * Returns the file's path when a key file exists.
 */
export async function ensureLocalApiKey(prisma: PrismaClient, dataDir: string): Promise<string | null> {
  const file = path.join(dataDir, 'api-key');
  if (existsSync(file)) return file;
  if ((await prisma.apiKey.count()) > 0) return null;
  const { token } = await createApiKey(prisma, { name: 'local (npm start)', scopes: ['admin'] });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}
