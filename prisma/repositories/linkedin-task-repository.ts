import type { LeadEventType } from '../../workflows/lead-event';
import type { LinkedInTask, PrismaClient } from '../generated/client';
import type { InputJsonObject } from '../generated/internal/prismaNamespace';

/**
 * A LinkedIn touch is a task for the lead's named rep (no public API sends
 * connection requests or InMails). It is `open` until the rep completes or
 * skips it, or the engine cancels it because the lead was suppressed or the
 * nurture ended. A closed task never reopens.
 */
export const TASK_STATUSES = ['open', 'completed', 'skipped', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task with what the rep needs to act on it: who the lead is. */
export type TaskWithLead = LinkedInTask & {
  lead: { firstName: string | null; lastName: string | null; company: string | null };
};

const withLead = { lead: { select: { firstName: true, lastName: true, company: true } } } as const;

/** Works with the client and with a transaction's client alike. */
type TaskDb = Pick<PrismaClient, 'linkedInTask'>;

/**
 * A rep's tasks in one status. Open tasks come oldest first (the order to work
 * them in); closed ones most recently closed first (what was just done).
 */
export function listTasksForOwner(
  prisma: PrismaClient,
  ownerId: string,
  options: { status: TaskStatus; limit: number },
): Promise<TaskWithLead[]> {
  return prisma.linkedInTask.findMany({
    where: { ownerId, status: options.status },
    include: withLead,
    orderBy:
      options.status === 'open'
        ? [{ createdAt: 'asc' }, { key: 'asc' }]
        : [{ closedAt: 'desc' }, { key: 'asc' }],
    take: options.limit,
  });
}

export function findTask(prisma: PrismaClient, key: string): Promise<TaskWithLead | null> {
  return prisma.linkedInTask.findUnique({ where: { key }, include: withLead });
}

/** The inbox record a completion writes: the same row `recordEvent` writes (see api/inbox/event-inbox.ts). */
export interface CompletionEvent {
  source: string;
  externalId: string;
  type: LeadEventType;
  occurredAt: Date;
  data: InputJsonObject;
}

export type CompleteTaskResult =
  | { result: 'not-found' }
  /** Skipped or cancelled: a completion cannot apply. */
  | { result: 'closed'; task: TaskWithLead }
  /** Completed, now or before; `event` is the stored completion event (the first one, on a repeat). */
  | { result: 'completed'; task: TaskWithLead; event: { type: string; data: unknown } };

/**
 * Completes an open task and records its completion event in the inbox, in one
 * transaction: a completion without its event (or an event for a task that was
 * skipped meanwhile) can never be seen. The event row is unique on (source,
 * external id), so a repeat stores nothing; signalling is left to the caller
 * (and to the relay, should the caller die first), as for every inbox event.
 */
export function completeTask(
  prisma: PrismaClient,
  input: { key: string; reason: string; at: Date; event: CompletionEvent },
): Promise<CompleteTaskResult> {
  return prisma.$transaction(async (tx) => {
    // Conditional on `open`: of two concurrent closings, one wins; the other sees the result.
    await tx.linkedInTask.updateMany({
      where: { key: input.key, status: 'open' },
      data: { status: 'completed', reason: input.reason, closedAt: input.at },
    });
    const task = await tx.linkedInTask.findUnique({ where: { key: input.key }, include: withLead });
    if (task === null) return { result: 'not-found' as const };
    if (task.status !== 'completed') return { result: 'closed' as const, task };
    await tx.event.createMany({
      data: [{ ...input.event, leadId: task.leadId }],
      skipDuplicates: true,
    });
    const event = await tx.event.findUniqueOrThrow({
      where: { source_externalId: { source: input.event.source, externalId: input.event.externalId } },
      select: { type: true, data: true },
    });
    return { result: 'completed' as const, task, event };
  });
}

/** Skips an open task; returns the task as it now stands (already closed, if it was), or null if unknown. */
export async function skipTask(
  prisma: PrismaClient,
  input: { key: string; reason: string; at: Date },
): Promise<TaskWithLead | null> {
  await prisma.linkedInTask.updateMany({
    where: { key: input.key, status: 'open' },
    data: { status: 'skipped', reason: input.reason, closedAt: input.at },
  });
  return findTask(prisma, input.key);
}

/**
 * Rule 4 (suppression): no touch of any channel after the lead is stopped, so
 * its open tasks are cancelled and drop off the rep's list. Completed and
 * skipped tasks keep their status: they record what the rep did.
 * Returns how many tasks were cancelled.
 */
export async function cancelOpenTasksForLead(
  prisma: TaskDb,
  leadId: string,
  reason: string,
  at: Date = new Date(),
): Promise<number> {
  const { count } = await prisma.linkedInTask.updateMany({
    where: { leadId, status: 'open' },
    data: { status: 'cancelled', reason, closedAt: at },
  });
  return count;
}
