import type { PrismaClient } from '../../prisma/generated/client';
import { generateApiKeyToken, parseApiKeyToken, secretMatches } from './api-key-token';
import type { Scope } from './scopes';

export interface AuthenticatedKey {
  id: string;
  name: string;
  scopes: string[];
}

export interface ApiKeySummary extends AuthenticatedKey {
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** last_used_at is a hint, not an audit log: written at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export async function createApiKey(
  prisma: PrismaClient,
  input: { name: string; scopes: readonly Scope[] },
): Promise<{ key: AuthenticatedKey; token: string }> {
  const { id, token, hash } = generateApiKeyToken();
  const scopes = [...new Set(input.scopes)];
  await prisma.apiKey.create({ data: { id, name: input.name, hash, scopes } });
  return { key: { id, name: input.name, scopes }, token };
}

export async function listApiKeys(prisma: PrismaClient): Promise<ApiKeySummary[]> {
  const rows = await prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } });
  return rows.map(({ id, name, scopes, createdAt, lastUsedAt, revokedAt }) => ({
    id,
    name,
    scopes,
    createdAt,
    lastUsedAt,
    revokedAt,
  }));
}

/** Accepts the key's id or the whole token. Returns false when no active key matched. */
export async function revokeApiKey(prisma: PrismaClient, idOrToken: string): Promise<boolean> {
  const id = parseApiKeyToken(idOrToken)?.id ?? idOrToken;
  const { count } = await prisma.apiKey.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

/** The key a token belongs to, or null when it is malformed, unknown, wrong or revoked. */
export async function verifyApiKey(prisma: PrismaClient, token: string): Promise<AuthenticatedKey | null> {
  const parsed = parseApiKeyToken(token);
  if (parsed === null) return null;
  const row = await prisma.apiKey.findUnique({ where: { id: parsed.id } });
  if (row === null || row.revokedAt !== null || !secretMatches(parsed.secret, row.hash)) return null;
  const now = Date.now();
  if (row.lastUsedAt === null || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { id: row.id, name: row.name, scopes: row.scopes };
}
