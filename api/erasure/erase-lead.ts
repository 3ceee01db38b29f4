import type { Logger } from '../../config/logger';
import { identifiersOf } from '../../activities/audiences/audience-identifiers';
import { currentAudiences } from '../../activities/audiences/audience-membership';
import { Prisma } from '../../prisma/generated/client';
import { suppressionKey } from '../../workflows/ids';
import type { AppDeps } from '../app-deps';
import { contactHashes } from './contact-hash';
import { deleteNurtureHistory, type HistoryOutcome } from './history-deletion';

export interface ErasureResult {
  leadId: string;
  erasedAt: string;
  alreadyErased: boolean;
  /**
   * What became of the nurture's Temporal history (signals may carry event
   * data): `deleted` (checked: no run is describable), `deletion-pending`
   * (asked, not yet carried out: the service asks again and checks until it
   * is), `retained` (the server cannot delete; the namespace's retention applies).
   */
  history: HistoryOutcome;
}

type ErasureDeps = Pick<AppDeps, 'prisma' | 'temporal'> & { logger: Logger };

const ERASED = 'erased';

/**
 * GDPR/CCPA erasure. The row of the lead stays as a tombstone (its id is a
 * CRM id, not personal data) so events that arrive later find an erased lead
 * instead of an unknown one; everything that could identify the person is
 * cleared or deleted, the nurture ends, and hashes of the email and phone are
 * kept so the person is not re-enrolled by accident. Idempotent.
 */
export async function eraseLead(
  deps: ErasureDeps,
  lead: { id: string; workflowId: string; email: string | null; phone: string | null; erasedAt: Date | null },
): Promise<ErasureResult> {
  const { prisma } = deps;
  const alreadyErased = lead.erasedAt !== null;
  const erasedAt = lead.erasedAt ?? new Date();

  if (!alreadyErased) {
    // Leaving the ad audiences matters as much as the rest: the leave carries
    // the hashes the platforms remove the person by, taken before the address goes.
    const audience = (await currentAudiences(prisma, [lead.id])).get(lead.id) ?? null;
    const identifiers = identifiersOf({ email: lead.email, phone: lead.phone, erasedAt: null });
    await prisma.$transaction(async (tx) => {
      if (identifiers.ok) {
        // Every leave not yet pushed (a move still syncing, a platform backing
        // off) must be able to reach the platform after the address is gone.
        const hashes = { ...identifiers.identifiers };
        await tx.audienceChange.updateMany({
          where: { leadId: lead.id },
          data: { hashedIdentifiers: hashes },
        });
        await tx.audienceSync.updateMany({
          where: { leadId: lead.id, action: 'remove', status: { in: ['pending', 'sending'] } },
          data: { hashedIdentifiers: hashes },
        });
      }
      if (audience !== null) {
        await tx.audienceChange.createMany({
          data: [
            {
              key: `${lead.workflowId}:erasure:audience`,
              leadId: lead.id,
              fromAudience: audience,
              toAudience: null,
              changedAt: erasedAt,
              ...(identifiers.ok ? { hashedIdentifiers: { ...identifiers.identifiers } } : {}),
            },
          ],
          skipDuplicates: true,
        });
      }
      // First, so a send that is retrying finds the stop and does not go out.
      await tx.suppression.createMany({
        data: [{ key: suppressionKey(lead.workflowId), leadId: lead.id, reason: ERASED, source: 'erasure' }],
        skipDuplicates: true,
      });
      await tx.erasedContact.createMany({
        data: contactHashes(lead).map((h) => ({ ...h, leadId: lead.id })),
        skipDuplicates: true,
      });
      await tx.lead.update({
        where: { id: lead.id },
        data: {
          email: null,
          phone: null,
          firstName: null,
          lastName: null,
          company: null,
          companyId: null,
          emailDomain: '',
          erasedAt,
        },
      });
      // Message bodies name the person; event payloads may hold reply texts or addresses.
      const touches = await tx.touch.findMany({ where: { leadId: lead.id }, select: { key: true } });
      await tx.outboxMessage.deleteMany({ where: { touchKey: { in: touches.map((t) => t.key) } } });
      await tx.event.updateMany({ where: { leadId: lead.id }, data: { data: {} } });
      await tx.linkedInTask.updateMany({ where: { leadId: lead.id }, data: { note: '' } });
      await tx.linkedInTask.updateMany({
        where: { leadId: lead.id, status: 'open' },
        data: { status: 'cancelled', reason: ERASED, closedAt: erasedAt },
      });
      await tx.handoff.updateMany({ where: { leadId: lead.id }, data: { context: {} } });
      await tx.notification.updateMany({ where: { leadId: lead.id }, data: { payload: {} } });
      await tx.bulkJobRow.updateMany({ where: { leadId: lead.id }, data: { payload: Prisma.DbNull } });
      // Provider events kept unmatched carry the address they were sent for.
      await tx.$executeRaw`DELETE FROM unmatched_events
        WHERE lower(match->>'email') = lower(${lead.email ?? ''}) OR match->>'phone' = ${lead.phone ?? ''}`;
    });
  }

  return {
    leadId: lead.id,
    erasedAt: erasedAt.toISOString(),
    alreadyErased,
    history: await deleteNurtureHistory(deps, lead),
  };
}
