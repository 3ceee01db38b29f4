import type { Client } from '@temporalio/client';
import type { Logger } from '../../config/logger';
import type { PlanCatalog } from '../../plans/plan-catalog';
import type { PrismaClient } from '../../prisma/generated/client';
import type { ProviderEvent } from '../webhooks/provider-event';
import type { ReplayGuard } from '../webhooks/replay-guard';
import { readReplyData } from '../../replies/read-reply';
import { deliverOrLeave, recordEvent, type InboxKey } from './event-inbox';
import { touchAnsweredBy } from './reply-thread';

/**
 * The webhooks' `ingest`: finds each event's lead (the ids the service put in
 * the message, or the touch a reply's thread names, else the email or phone),
 * records it in the inbox, or in the unmatched table when no lead matches,
 * then signals what the inbox has not signalled yet (a redelivered event
 * reaches the workflow at most once, see event-inbox.ts). Resolves once every
 * event is stored, so a 2xx always means "durably recorded"; signalling that
 * fails is left to the relay.
 */
export function createWebhookIngest(deps: {
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
  plans: PlanCatalog;
}) {
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

  // A reply's thread names the touch it answers: that touch (and its lead)
  // beats the sender's address, which may be a colleague's or an alias.
  async function withThreadTouch(event: ProviderEvent): Promise<ProviderEvent> {
    const { threadDigests, touchKey } = event.match;
    if (touchKey !== undefined || threadDigests === undefined) return event;
    const touch = await touchAnsweredBy(prisma, threadDigests);
    return touch === null ? event : { ...event, match: { ...event.match, touchKey: touch.key } };
  }

  return async function ingest(events: ProviderEvent[]): Promise<void> {
    const recorded: InboxKey[] = [];
    for (const received of events) {
      const event = await withThreadTouch(received);
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
              // Nobody's zone is known: a return date is read in UTC (the rules never see it).
              data: readReplyData(event.type, data, {
                receivedAt: new Date(event.occurredAt),
                timeZone: 'UTC',
              }),
              match: { ...event.match },
            },
          ],
          skipDuplicates: true,
        });
        continue;
      }
      // An erased lead is still found by the ids in its old messages (a late
      // reply in the thread): that something came is noted, not what it said.
      const lead = await prisma.lead.findUnique({ where: { id: leadId }, select: { erasedAt: true } });
      await recordEvent(deps, {
        leadId,
        source: event.source,
        externalId: event.externalId,
        type: event.type,
        occurredAt: new Date(event.occurredAt),
        data: lead?.erasedAt == null ? data : {},
      });
      recorded.push({ source: event.source, externalId: event.externalId });
    }
    // Signalled after everything is stored. With Temporal down the rest wait for
    // the relay too: a deadline per event would outlast the provider's timeout.
    for (const key of recorded) {
      if ((await deliverOrLeave(deps, key)) === 'temporal-unreachable') break;
    }
  };
}

/** The replay guard shared by every API process: a primary key per accepted token, with its content. */
export function createDatabaseReplayGuard(prisma: PrismaClient): ReplayGuard {
  return {
    async use(key, contentSha256, expiresAt) {
      const now = new Date();
      await prisma.webhookReplayToken.deleteMany({ where: { key, expiresAt: { lt: now } } });
      const { count } = await prisma.webhookReplayToken.createMany({
        data: [{ key, expiresAt: new Date(expiresAt), contentSha256 }],
        skipDuplicates: true,
      });
      if (count === 1) return 'first';
      const stored = await prisma.webhookReplayToken.findUnique({ where: { key } });
      // Gone already (expired and swept in between): too old to trust either way.
      if (stored === null) return 'other-content';
      return stored.contentSha256 === contentSha256 ? 'same-content' : 'other-content';
    },
  };
}
