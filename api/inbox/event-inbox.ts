import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../../prisma/generated/client';
import type { InputJsonObject } from '../../prisma/generated/internal/prismaNamespace';
import { leadEventSignal } from '../../workflows/definitions';
import type { LeadEventType } from '../../workflows/lead-event';

/**
 * The inbox of lead events. An event is first recorded (unique on source +
 * external id: a redelivery is stored once), then the lead's workflow is
 * signalled from that record and the record marked. If the process dies in
 * between, the relay (event-relay.ts) signals it later: an accepted event is
 * never lost, and the workflow drops an event id it has already applied.
 */
export interface InboxEvent {
  leadId: string;
  source: string;
  externalId: string;
  type: LeadEventType;
  occurredAt: Date;
  data: InputJsonObject;
}

/** Records an event once; `leadId` is the lead the stored record belongs to (another one, if the id was reused). */
export async function recordEvent(
  prisma: PrismaClient,
  event: InboxEvent,
): Promise<{ duplicate: boolean; leadId: string }> {
  const { count } = await prisma.event.createMany({ data: [event], skipDuplicates: true });
  if (count === 1) return { duplicate: false, leadId: event.leadId };
  const stored = await prisma.event.findUniqueOrThrow({
    where: { source_externalId: { source: event.source, externalId: event.externalId } },
    select: { leadId: true },
  });
  return { duplicate: true, leadId: stored.leadId };
}

/** The id the workflow de-duplicates on: unique across sources. */
export function workflowEventId(source: string, externalId: string): string {
  return `${source}:${externalId}`;
}

/**
 * Signals the lead's workflow with a recorded event (again, if it was already)
 * and marks it. Returns false when the nurture has ended: the event stays on
 * the timeline.
 */
export async function signalRecorded(
  prisma: PrismaClient,
  temporal: Client,
  key: { source: string; externalId: string },
): Promise<boolean> {
  const event = await prisma.event.findUnique({
    where: { source_externalId: key },
    include: { lead: { select: { workflowId: true } } },
  });
  if (event === null) return false;
  let delivered = true;
  try {
    await temporal.workflow.getHandle(event.lead.workflowId).signal(leadEventSignal, {
      id: workflowEventId(event.source, event.externalId),
      type: event.type as LeadEventType,
      occurredAt: event.occurredAt.toISOString(),
      data: (event.data ?? {}) as Record<string, unknown>,
    });
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    delivered = false;
    // Never started (enrollment failed half-way): leave it to the relay for when it is.
    // Closed: nothing will ever take it; it stays on the timeline.
    const started = await temporal.workflow
      .getHandle(event.lead.workflowId)
      .describe()
      .then(
        () => true,
        () => false,
      );
    if (!started) return false;
  }
  await prisma.event.update({ where: { id: event.id }, data: { signaledAt: new Date() } });
  return delivered;
}
