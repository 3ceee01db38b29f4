import type { PrismaClient } from '../generated/client';
import type { Lead } from '../generated/client';

export interface NewLead {
  id: string;
  workflowId: string;
  email: string;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  timezone: string;
  ownerId: string | null;
  ownerName: string | null;
  companyId: string | null;
  emailDomain: string;
  persona: string | null;
  industry: string | null;
  stage: string | null;
  preferredChannel: string | null;
  planId: string;
  planVersion: number;
  arm: string | null;
  experimentId: string | null;
  armChannels: string[];
  consents: { channel: string; granted: boolean; source: string; occurredAt: Date }[];
}

/**
 * Inserts a lead and its initial consents, once. Returns the stored lead and
 * whether this call created it: a repeat enrollment changes nothing.
 */
export async function insertLeadOnce(
  prisma: PrismaClient,
  lead: NewLead,
): Promise<{ lead: Lead; created: boolean }> {
  const { consents, ...row } = lead;
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.lead.createMany({ data: [row], skipDuplicates: true });
    if (count === 1 && consents.length > 0) {
      await tx.consentChange.createMany({
        data: consents.map((c) => ({ leadId: lead.id, ...c })),
      });
    }
    const stored = await tx.lead.findUniqueOrThrow({ where: { id: lead.id } });
    return { lead: stored, created: count === 1 };
  });
}

export function findLead(prisma: PrismaClient, id: string): Promise<Lead | null> {
  return prisma.lead.findUnique({ where: { id } });
}
