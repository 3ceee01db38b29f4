import { z } from 'zod';
import type { PrismaClient } from '../../prisma/generated/client';

/**
 * Who is in which retargeting audience now. `audience_changes` is
 * append-only and the latest row of a lead is its membership: `to_audience`,
 * or none when null (left on suppression, conversion, end, lost consent).
 *
 * "Latest" is by `changed_at`, then by the change key's sequence number: one
 * engine step records its changes with the same time, and their keys
 * (`<workflow>:effect:<n>`) sort by length before text so that 10 comes
 * after 9.
 *
 * Erased leads are members of nothing: nothing that identifies them is left.
 */

const currentRowSchema = z.object({ leadId: z.string(), audience: z.string().nullable() });

/** The current audience of each lead asked about; leads with no change at all are absent. */
export async function currentAudiences(
  prisma: PrismaClient,
  leadIds: readonly string[],
): Promise<Map<string, string | null>> {
  if (leadIds.length === 0) return new Map();
  const rows: unknown[] = await prisma.$queryRaw`
    SELECT DISTINCT ON (lead_id) lead_id AS "leadId", to_audience AS "audience"
    FROM audience_changes
    WHERE lead_id = ANY(${[...leadIds]}::text[])
    ORDER BY lead_id, changed_at DESC, length(key) DESC, key DESC`;
  return new Map(rows.map((row) => currentRowSchema.parse(row)).map((r) => [r.leadId, r.audience]));
}

const countRowSchema = z.object({ audience: z.string(), members: z.number().int() });

/** Members per audience, for audiences that have any. */
export async function audienceMemberCounts(prisma: PrismaClient): Promise<Map<string, number>> {
  const rows: unknown[] = await prisma.$queryRaw`
    SELECT latest.to_audience AS "audience", count(*)::int AS "members"
    FROM (
      SELECT DISTINCT ON (lead_id) lead_id, to_audience
      FROM audience_changes
      ORDER BY lead_id, changed_at DESC, length(key) DESC, key DESC
    ) latest
    JOIN leads l ON l.id = latest.lead_id
    WHERE latest.to_audience IS NOT NULL AND l.erased_at IS NULL
    GROUP BY latest.to_audience`;
  return new Map(rows.map((row) => countRowSchema.parse(row)).map((r) => [r.audience, r.members]));
}

/** Whether any lead was ever in the audience (an audience no plan names any more can still be exported). */
export async function audienceHasHistory(prisma: PrismaClient, audience: string): Promise<boolean> {
  const found = await prisma.audienceChange.findFirst({
    where: { OR: [{ toAudience: audience }, { fromAudience: audience }] },
    select: { key: true },
  });
  return found !== null;
}

const memberRowSchema = z.object({
  leadId: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  joinedAt: z.date(),
});

export type AudienceMemberRow = z.output<typeof memberRowSchema>;

/**
 * One page of an audience's current members, in lead id order after
 * `afterLeadId` (keyset paging: an export of any size streams in constant memory).
 * `joinedAt` is when the lead entered this audience.
 */
export async function audienceMembersPage(
  prisma: PrismaClient,
  audience: string,
  afterLeadId: string | null,
  limit: number,
): Promise<AudienceMemberRow[]> {
  const rows: unknown[] = await prisma.$queryRaw`
    SELECT l.id AS "leadId", l.email, l.phone, latest.changed_at AS "joinedAt"
    FROM (
      SELECT DISTINCT ON (lead_id) lead_id, to_audience, changed_at
      FROM audience_changes
      WHERE lead_id > ${afterLeadId ?? ''}
      ORDER BY lead_id, changed_at DESC, length(key) DESC, key DESC
    ) latest
    JOIN leads l ON l.id = latest.lead_id
    WHERE latest.to_audience = ${audience} AND l.erased_at IS NULL
    ORDER BY latest.lead_id
    LIMIT ${limit}::int`;
  return rows.map((row) => memberRowSchema.parse(row));
}
