import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key tokens look like `dn_<id>_<secret>`: the prefix makes a leaked key
 * recognisable to secret scanners, the id is the key's public part (stored in
 * clear, used for lookup and in logs), the secret is stored only as SHA-256.
 * A slow hash is unnecessary: the secret is 32 random bytes, not a password.
 */
export const API_KEY_PREFIX = 'dn_';

const TOKEN_PATTERN = /^dn_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKeyToken {
  id: string;
  token: string;
  hash: string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function generateApiKeyToken(): NewApiKeyToken {
  const id = [...randomBytes(12)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${API_KEY_PREFIX}${id}_${secret}`, hash: hashSecret(secret) };
}

export function parseApiKeyToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  if (match === null) return null;
  const [, id, secret] = match;
  return id === undefined || secret === undefined ? null : { id, secret };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
