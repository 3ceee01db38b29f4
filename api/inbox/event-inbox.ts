import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PlanCatalog } from '../../plans/plan-catalog';
import { eventsTotal } from '../../metrics/service-metrics';
import type { PrismaClient } from '../../prisma/generated/client';
import type { InputJsonObject } from '../../prisma/generated/internal/prismaNamespace';
import { leadEventSignal } from '../../workflows/definitions';
import type { LeadEventType } from '../../workflows/lead-event';
import type { Logger } from '../../config/logger';
import { carriesMailText, readReplyData } from '../../replies/read-reply';
import { recordConversionOf } from './conversions';
import { temporalUnreachable } from './temporal-unreachable';

/**
 * The inbox of lead events, and the source of truth for "applied once". An
 * event is first recorded (unique on source + external id: a redelivery is
 * stored once), then signalled to the lead's workflow from that record, and
 * the record marked (`signaled_at`). Only a record not yet marked is ever
 * signalled, so a duplicate, however late, never reaches the workflow again;
 * the workflow's window of recent event ids is a second guard only.
 *
 * Signalling is claimed first (`signal_claimed_at`, a conditional update), so
 * copies of one event arriving together signal once. A request that dies
 * between signal and mark leaves a claim that lapses after the lease; the
 * relay (event-relay.ts) then signals again, which the workflow's window
 * drops (it is recent by then). A request that cannot reach Temporal gives
 * its claim back and leaves the record to the relay: accepted is never lost.
 */
export interface InboxEvent {
  leadId: string;
  source: string;
  externalId: string;
  type: LeadEventType;
  occurredAt: Date;
  data: InputJsonObject;
}

export interface InboxKey {
  source: string;
  externalId: string;
}

/** How long one signal may take before the caller gives up and leaves the event to the relay. */
export const SIGNAL_DEADLINE_MS = 3_000;
/**
 * After this, a claim is taken to belong to a process that died mid-signal.
 * Above the longest a live signal can take (SIGNAL_DEADLINE_MS, overrun by
 * the client's retry backoff by a step of up to 5 s: 8 s), so a live signal is
 * never raced; and no longer than that needs, because until it lapses an
 * event whose process died is delivered by no one. The fault suite's crash
 * loops showed 30 s letting events of short nurtures arrive after their end.
 */
export const SIGNAL_CLAIM_LEASE_MS = 15_000;

/**
 * Records an event once, and the conversion it makes if it is one of the
 * lead's goals; `leadId` is the lead the stored record belongs to (another
 * one, if the id was reused). The conversion is asked for after a duplicate
 * too: that repairs a first call that died between the two writes.
 */
export async function recordEvent(
  deps: { prisma: PrismaClient; plans: PlanCatalog },
  event: InboxEvent,
): Promise<{ duplicate: boolean; leadId: string }> {
  const { prisma } = deps;
  const key = { source: event.source, externalId: event.externalId };
  const { count } = await prisma.event.createMany({
    data: [{ ...event, data: await replyRead(prisma, event) }],
    skipDuplicates: true,
  });
  await recordConversionOf(deps, key);
  if (count === 1) {
    eventsTotal.inc({ type: event.type, source: event.source });
    return { duplicate: false, leadId: event.leadId };
  }
  const stored = await prisma.event.findUniqueOrThrow({
    where: { source_externalId: key },
    select: { leadId: true },
  });
  return { duplicate: true, leadId: stored.leadId };
}

/** An email reply's data as the inbox keeps it (api/replies/read-reply.ts), read in the lead's zone. */
async function replyRead(prisma: PrismaClient, event: InboxEvent): Promise<InputJsonObject> {
  if (!carriesMailText(event.type, event.data)) return event.data;
  const lead = await prisma.lead.findUnique({ where: { id: event.leadId }, select: { timezone: true } });
  return readReplyData(event.type, event.data, {
    receivedAt: event.occurredAt,
    timeZone: lead?.timezone ?? 'UTC',
  });
}

/** The id the workflow de-duplicates on: unique across sources. */
export function workflowEventId(source: string, externalId: string): string {
  return `${source}:${externalId}`;
}

/** What became of a recorded event when it was handed on. */
export type Delivery =
  /** Signalled now, by this call. */
  | 'signalled'
  /** Signalled before: not signalled again. */
  | 'already-signalled'
  /** Another request or relay pass is signalling it right now. */
  | 'in-flight'
  /** The nurture had ended (or the lead was erased): on the timeline, never applied. */
  | 'nurture-ended'
  /** The nurture was never started (enrollment failed half-way): left to the relay for when it is. */
  | 'not-started'
  /** No such record (never recorded, or its lead was deleted). */
  | 'not-recorded';

/** A delivery attempt whose failure is left to the relay (see deliverOrLeave). */
export type Attempt = Delivery | 'temporal-unreachable' | 'failed';

/** Whether the nurture has the event, as an API answer says it (`delivered`). */
export function isDelivered(attempt: Attempt): boolean {
  return attempt === 'signalled' || attempt === 'already-signalled';
}

/**
 * Signals the lead's workflow with a recorded event unless the inbox has
 * done so already or another caller is doing it. Throws when Temporal fails
 * (unreachable, or no answer within SIGNAL_DEADLINE_MS), having given the
 * claim back: the record stays for the relay.
 */
export async function deliverRecorded(
  deps: { prisma: PrismaClient; temporal: Client },
  key: InboxKey,
  now: () => number = Date.now,
): Promise<Delivery> {
  const { prisma, temporal } = deps;
  const claimedAt = new Date(now());
  const { count } = await prisma.event.updateMany({
    where: {
      ...key,
      signaledAt: null,
      OR: [
        { signalClaimedAt: null },
        { signalClaimedAt: { lt: new Date(claimedAt.getTime() - SIGNAL_CLAIM_LEASE_MS) } },
      ],
    },
    data: { signalClaimedAt: claimedAt },
  });
  if (count === 0) return unclaimedDelivery(prisma, key);

  const event = await prisma.event.findUnique({
    where: { source_externalId: key },
    include: { lead: { select: { workflowId: true, erasedAt: true } } },
  });
  if (event === null) return 'not-recorded';
  const finish = async (delivery: 'signalled' | 'nurture-ended') => {
    await prisma.event.update({
      where: { id: event.id },
      data: { signaledAt: new Date(now()), nurtureEnded: delivery === 'nurture-ended' },
    });
    return delivery;
  };
  const release = () =>
    prisma.event.updateMany({
      where: { id: event.id, signalClaimedAt: claimedAt },
      data: { signalClaimedAt: null },
    });
  // An erased lead's nurture was terminated and its history deleted: nothing will take it.
  if (event.lead.erasedAt !== null) return finish('nurture-ended');

  const handle = temporal.workflow.getHandle(event.lead.workflowId);
  const bounded = <T>(call: () => Promise<T>) => temporal.withDeadline(now() + SIGNAL_DEADLINE_MS, call);
  const signal = async (): Promise<Delivery> => {
    try {
      await bounded(() =>
        handle.signal(leadEventSignal, {
          id: workflowEventId(event.source, event.externalId),
          type: event.type as LeadEventType,
          occurredAt: event.occurredAt.toISOString(),
          data: (event.data ?? {}) as Record<string, unknown>,
        }),
      );
      return await finish('signalled');
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    // No open run. Closed: nothing will ever take it; it stays on the timeline.
    // Never started: the relay tries again once it is.
    const started = await bounded(() => handle.describe()).then(
      () => true,
      (error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      },
    );
    if (started) return finish('nurture-ended');
    await release();
    return 'not-started';
  };
  try {
    return await signal();
  } catch (error) {
    // Given back so the relay's next pass takes it instead of waiting out the lease
    // (if even that fails, the lease runs out).
    await release().catch(() => undefined);
    throw error;
  }
}

/**
 * deliverRecorded as a yes/no for callers that handle a Temporal failure
 * themselves: true when the nurture has the event. Throws as deliverRecorded.
 */
export async function signalRecorded(
  prisma: PrismaClient,
  temporal: Client,
  key: InboxKey,
): Promise<boolean> {
  return isDelivered(await deliverRecorded({ prisma, temporal }, key));
}

/** Why a record could not be claimed. */
async function unclaimedDelivery(prisma: PrismaClient, key: InboxKey): Promise<Delivery> {
  const stored = await prisma.event.findUnique({
    where: { source_externalId: key },
    select: { signaledAt: true, nurtureEnded: true },
  });
  if (stored === null) return 'not-recorded';
  if (stored.signaledAt === null) return 'in-flight';
  return stored.nurtureEnded ? 'nurture-ended' : 'already-signalled';
}

/**
 * deliverRecorded for callers that answer whatever happens (a request, a
 * relay pass): the event is already durable, so a failure is logged and the
 * record left to the relay, never turned into a 5xx.
 */
export async function deliverOrLeave(
  deps: { prisma: PrismaClient; temporal: Client; logger: Logger },
  key: InboxKey,
  now: () => number = Date.now,
): Promise<Attempt> {
  try {
    return await deliverRecorded(deps, key, now);
  } catch (error) {
    const unreachable = temporalUnreachable(error);
    deps.logger.warn(
      { err: error, source: key.source, externalId: key.externalId },
      unreachable
        ? 'Temporal unreachable: event kept in the inbox for the relay'
        : 'event not signalled; kept in the inbox for the relay',
    );
    return unreachable ? 'temporal-unreachable' : 'failed';
  }
}
