import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../prisma/generated/client';
import type { ProviderEvent } from '../webhooks/provider-event';
import type { ReplayGuard } from '../webhooks/replay-guard';
import { recordEvent, signalRecorded } from './event-inbox';

/**
 * The webhooks' `ingest`: finds each event's lead (the ids the service put in
 * the message, else the email or phone), records it in the inbox, or in the
 * unmatched table when no lead matches, then signals. Resolves only after
 * every event is stored, so a 2xx always means "durably recorded".
 */
export function createWebhookIngest(deps: { prisma: PrismaClient; temporal: Client }) {
  const { prisma } = deps;

  async function leadIdFor(event: ProviderEvent): Promise<string | null> {
    const { leadId, touchKey, email, phone } = event.match;
    if (leadId !== undefined && (await prisma.lead.count({ where: { id: leadId } })) === 1) return leadId;
    if (touchKey !== undefined) {
      const touch = await prisma.touch.findUnique({ where: { key: touchKey }, select: { leadId: true } });
      if (touch !== null) return touch.leadId;
    }
    if (email !== undefined) {
      const lead = await prisma.lead.findFirst({
        where: { email: { equals: email, mode: 'insensitive' } },
        select: { id: true },
      });
      if (lead !== null) return lead.id;
    }
    if (phone !== undefined) {
      const lead = await prisma.lead.findFirst({ where: { phone }, select: { id: true } });
      if (lead !== null) return lead.id;
    }
    return null;
  }

  return async function ingest(events: ProviderEvent[]): Promise<void> {
    const recorded: { source: string; externalId: string }[] = [];
    for (const event of events) {
      const leadId = await leadIdFor(event);
      const data = {
        ...event.data,
        ...(event.match.touchKey === undefined ? {} : { touchKey: event.match.touchKey }),
      };
      if (leadId === null) {
        await prisma.unmatchedEvent.createMany({
          data: [
            {
              source: event.source,
              externalId: event.externalId,
              type: event.type,
              occurredAt: new Date(event.occurredAt),
              data,
              match: { ...event.match },
            },
          ],
          skipDuplicates: true,
        });
        continue;
      }
      await recordEvent(prisma, {
        leadId,
        source: event.source,
        externalId: event.externalId,
        type: event.type,
        occurredAt: new Date(event.occurredAt),
        data,
      });
      recorded.push({ source: event.source, externalId: event.externalId });
    }
    // Signalled after everything is stored; a failure here is left to the relay.
    for (const key of recorded) {
      await signalRecorded(prisma, deps.temporal, key).catch(() => false);
    }
  };
}

/** The replay guard shared by every API process: a primary key per accepted token. */
export function createDatabaseReplayGuard(prisma: PrismaClient): ReplayGuard {
  return {
    async seen(key, expiresAt) {
      const now = new Date();
      await prisma.webhookReplayToken.deleteMany({ where: { key, expiresAt: { lt: now } } });
      const { count } = await prisma.webhookReplayToken.createMany({
        data: [{ key, expiresAt: new Date(expiresAt) }],
        skipDuplicates: true,
      });
      return count === 0;
    },
  };
}
