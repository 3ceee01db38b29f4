import { conversionsOf } from '../../plans/experiment-schema';
import type { PlanCatalog } from '../../plans/plan-catalog';
import type { PrismaClient } from '../../prisma/generated/client';
import type { InboxKey } from './event-inbox';

/**
 * Conversions are recorded by the inbox, not the workflow: a control lead's
 * events are ingested like anyone's, and a goal reached after the nurture
 * ended (it completed on day 30, the meeting is booked on day 60) still
 * counts within the window. Once per lead and goal: the unique constraint
 * (lead_id, goal) makes a redelivery, a second booking or a retry add
 * nothing, so this may run again after any crash.
 *
 * The goals and window are those of the lead's plan (conversionsOf: a
 * booked meeting within 90 days unless the plan says otherwise); the arm is
 * the one stored with the lead at enrollment, null without an experiment.
 */
export async function recordConversionOf(
  deps: { prisma: PrismaClient; plans: PlanCatalog },
  key: InboxKey,
): Promise<boolean> {
  const { prisma, plans } = deps;
  const event = await prisma.event.findUnique({
    where: { source_externalId: key },
    select: {
      id: true,
      type: true,
      occurredAt: true,
      lead: {
        select: {
          id: true,
          planId: true,
          arm: true,
          experimentId: true,
          createdAt: true,
          erasedAt: true,
        },
      },
    },
  });
  if (event === null || event.lead.erasedAt !== null) return false;
  const { lead } = event;
  const rule = conversionsOf(plans.latest(lead.planId) ?? {});
  if (!rule.goals.some((goal) => goal === event.type)) return false;
  const sinceEnrollment = event.occurredAt.getTime() - lead.createdAt.getTime();
  // The enrollment instant is the server's clock and a provider's occurredAt its own:
  // an event stamped a little before enrollment is not a conversion of this nurture.
  if (sinceEnrollment < 0 || sinceEnrollment > rule.window) return false;
  const { count } = await prisma.conversion.createMany({
    data: [
      {
        leadId: lead.id,
        goal: event.type,
        planId: lead.planId,
        experimentId: lead.experimentId,
        arm: lead.arm,
        eventId: event.id,
        occurredAt: event.occurredAt,
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}
