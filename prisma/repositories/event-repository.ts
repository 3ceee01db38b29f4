import type { PrismaClient } from '../generated/client';
import type { InputJsonObject } from '../generated/internal/prismaNamespace';

export interface InboxEvent {
  leadId: string;
  source: string;
  externalId: string;
  type: string;
  occurredAt: Date;
  data: InputJsonObject;
}

/**
 * Records an event in the inbox. (source, external id) is unique: a
 * redelivered event is stored once, and `duplicate` says so.
 */
export async function recordEvent(prisma: PrismaClient, event: InboxEvent): Promise<{ duplicate: boolean }> {
  const { count } = await prisma.event.createMany({ data: [event], skipDuplicates: true });
  return { duplicate: count === 0 };
}
