import { Prisma, type PrismaClient } from '../../prisma/generated/client';

/** The most thread ids one reply is looked up by: a long References chain names mostly others' mail. */
export const MAX_THREAD_DIGESTS = 20;

/**
 * The email touch a reply answers, from the touch-key digests of the
 * Message-IDs its In-Reply-To and References name (nearest first). The digest
 * is computed in SQL exactly as touchKeyDigest in activities/message-channels.ts
 * computes it (SHA-256 of the key's UTF-8 bytes, first 32 hex digits), so no
 * column has to be written at send time for touches sent before replies were
 * read. It scans the email touches: fine at this service's volumes; an
 * expression index needs an IMMUTABLE hash, which convert_to is not.
 */
export async function touchAnsweredBy(
  prisma: PrismaClient,
  digests: readonly string[],
): Promise<{ key: string; leadId: string } | null> {
  const wanted = [...new Set(digests)].slice(0, MAX_THREAD_DIGESTS);
  if (wanted.length === 0) return null;
  const rows = await prisma.$queryRaw<{ key: string; leadId: string; digest: string }[]>`
    SELECT key, lead_id AS "leadId", digest FROM (
      SELECT key, lead_id, substr(encode(sha256(convert_to(key, 'UTF8')), 'hex'), 1, 32) AS digest
      FROM touches WHERE channel = 'email'
    ) AS hashed
    WHERE digest IN (${Prisma.join(wanted)})`;
  // In-Reply-To first, then the newest References: the mail the sender answered.
  for (const digest of wanted) {
    const row = rows.find((candidate) => candidate.digest === digest);
    if (row !== undefined) return { key: row.key, leadId: row.leadId };
  }
  return null;
}
