import { ApplicationFailure } from '@temporalio/activity';
import type { PrismaClient, Touch } from '../prisma/generated/client';
import { touchesTotal, touchRetriesTotal } from '../metrics/service-metrics';
import type { SendTouchInput, TouchOutcome } from '../workflows/activity-contract';
import { leadEventTypeSchema } from '../workflows/lead-event';
import {
  OPT_CHANGE_EVENTS,
  STOPPING_EVENTS,
  stopBeforeSend,
  type SendChannel,
} from '../workflows/rules/stop-rules';
import type { EmailChannel, OutboundEmail, OutboundSms, SendOutcome, SmsChannel } from './message-channels';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from './providers/provider-errors';
import { renderTemplate } from './render-template';
import { unsubscribeUrl, type UnsubscribeSecret } from './unsubscribe-link';

export interface SendTouchDeps {
  prisma: PrismaClient;
  email: EmailChannel;
  sms: SmsChannel;
  /** Where the signed unsubscribe links point (PUBLIC_BASE_URL) and the key that signs them. */
  unsubscribe: { baseUrl: string; secret: UnsubscribeSecret };
}

/** A bad key or sender is fixed by an operator, not by time: retry slowly until it is. */
const CONFIGURATION_RETRY_MS = 5 * 60_000;

/**
 * Touch rows move `sending` (recorded, provider not called) → `calling`
 * (the provider is being called; if the worker dies here, the outcome is
 * unknown) → `sent` or `failed`. A retry that finds `calling` asks the
 * provider what became of that call (reconcile) before it sends again.
 */
const CALLING = 'calling';

/**
 * Sends one touch exactly once. The attempt is recorded under the touch key's
 * unique constraint before the provider is called; a retry (or a replay after
 * a worker crash) finds the row and returns its outcome instead of sending
 * again. Personal data is read here, never carried in workflow history.
 */
export function createSendTouch(deps: SendTouchDeps) {
  const { prisma } = deps;
  return async function sendTouch(input: SendTouchInput): Promise<TouchOutcome> {
    const lead = await prisma.lead.findUnique({ where: { id: input.leadId } });
    if (lead === null) return { outcome: 'failed', reason: 'lead record not found' };
    const channel = input.channel === 'email' ? deps.email : deps.sms;

    await prisma.touch.createMany({
      data: [
        {
          key: input.touchKey,
          leadId: input.leadId,
          workflowId: input.workflowId,
          channel: input.channel,
          step: input.step,
          variant: input.variant,
          planId: input.planId,
          planVersion: input.planVersion,
          status: 'sending',
          provider: channel.provider,
        },
      ],
      skipDuplicates: true,
    });
    const touch = await prisma.touch.findUniqueOrThrow({ where: { key: input.touchKey } });
    if (touch.status === 'sent' && touch.providerMessageId !== null) {
      return {
        outcome: 'sent',
        providerMessageId: touch.providerMessageId,
        delivered: touch.deliveredOnAccept,
      };
    }
    if (touch.status === 'failed')
      return { outcome: 'failed', reason: touch.failureReason ?? 'failed earlier' };
    const seen: Claim = {
      key: touch.key,
      status: touch.status,
      attemptedAt: touch.attemptedAt,
      channel: touch.channel,
    };
    const unknownOutcome = touch.status === CALLING;

    const context = {
      firstName: lead.firstName,
      lastName: lead.lastName,
      company: lead.company,
      ownerName: lead.ownerName,
      ...input.vars,
    };
    const body = await renderTemplate(input.body, context);
    const unknownNote = unknownOutcome ? ' (an earlier call may have reached the provider)' : '';
    let message: { channel: 'email'; email: OutboundEmail } | { channel: 'sms'; sms: OutboundSms };
    if (input.channel === 'email') {
      if (lead.email === null)
        return fail(prisma, seen, `lead erased: no email address on file${unknownNote}`);
      message = {
        channel: 'email',
        email: {
          touchKey: input.touchKey,
          leadId: lead.id,
          to: lead.email,
          subject: await renderTemplate(input.subject ?? '', context),
          body,
          unsubscribeUrl: unsubscribeUrl(deps.unsubscribe.baseUrl, deps.unsubscribe.secret, {
            leadId: lead.id,
            touchKey: input.touchKey,
          }),
        },
      };
    } else {
      if (lead.phone === null) return fail(prisma, seen, `no phone number on file${unknownNote}`);
      message = { channel: 'sms', sms: { touchKey: input.touchKey, leadId: lead.id, to: lead.phone, body } };
    }

    // What the provider did with an earlier call comes first: a message that
    // went out is recorded as sent, even if a stop arrived since.
    if (unknownOutcome) {
      const earlier = await reconcileEarlierCall(deps, touch, message);
      if (earlier !== null) return record(prisma, seen, earlier);
    }

    // Defence in depth: a stop the workflow has not applied yet (a booking
    // recorded while this activity was retrying) still prevents the send.
    const stop = await stoppedBecause(prisma, input.leadId, input.channel);
    if (stop !== null) return fail(prisma, seen, `not sent: ${stop}`);
    if (input.notAfter !== null && Date.now() > Date.parse(input.notAfter)) {
      return fail(prisma, seen, 'not sent: the send window closed while the provider was failing');
    }

    // The claim: only the attempt that moves the row from what it read to
    // `calling` may call the provider. A stalled attempt that Temporal already
    // replaced finds the row changed and stops here instead of sending again.
    const mine: Claim = { key: touch.key, status: CALLING, attemptedAt: new Date(), channel: touch.channel };
    const claimed = await prisma.touch.updateMany({
      where: { key: seen.key, status: seen.status, attemptedAt: seen.attemptedAt },
      data: { status: CALLING, attemptedAt: mine.attemptedAt },
    });
    if (claimed.count === 0) throw movedOn(touch.key);

    let result: SendOutcome;
    try {
      result =
        message.channel === 'email' ? await deps.email.send(message.email) : await deps.sms.send(message.sms);
    } catch (error) {
      throw await asActivityFailure(prisma, mine, error);
    }
    return record(prisma, mine, result);
  };
}

/** The row as one attempt last saw it; every write is conditional on it. */
interface Claim {
  key: string;
  status: string;
  attemptedAt: Date | null;
  /** For the metrics: counted where the outcome is first written. */
  channel: string;
}

const claimed = (claim: Claim) => ({ key: claim.key, status: claim.status, attemptedAt: claim.attemptedAt });

function movedOn(key: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'TouchMovedOn',
    message: `another attempt moved touch ${key} on; the next attempt reads its outcome`,
  });
}

/**
 * A `calling` row means an earlier call's outcome is unknown: the provider
 * may hold the message. Its answer wins; "no record" (null) lets this attempt
 * send. A provider without lookups (the outbox, idempotent on the touch key)
 * simply sends again.
 */
async function reconcileEarlierCall(
  deps: SendTouchDeps,
  touch: Touch,
  message: { channel: 'email'; email: OutboundEmail } | { channel: 'sms'; sms: OutboundSms },
): Promise<SendOutcome | null> {
  if (touch.status !== CALLING) return null;
  const attempt = { startedAt: touch.attemptedAt ?? touch.createdAt };
  try {
    if (message.channel === 'email') return (await deps.email.reconcile?.(message.email, attempt)) ?? null;
    return (await deps.sms.reconcile?.(message.sms, attempt)) ?? null;
  } catch (error) {
    const seen = {
      key: touch.key,
      status: touch.status,
      attemptedAt: touch.attemptedAt,
      channel: touch.channel,
    };
    throw await asActivityFailure(deps.prisma, seen, error, { keepCalling: true });
  }
}

async function record(prisma: PrismaClient, claim: Claim, result: SendOutcome): Promise<TouchOutcome> {
  if (result.status === 'rejected') return fail(prisma, claim, result.reason);
  const { count } = await prisma.touch.updateMany({
    where: claimed(claim),
    data: {
      status: 'sent',
      providerMessageId: result.providerMessageId,
      deliveredOnAccept: result.deliveredOnAccept,
      sentAt: new Date(),
    },
  });
  if (count === 0) return outcomeRecordedBy(prisma, claim.key);
  touchesTotal.inc({ channel: claim.channel, outcome: 'sent' });
  return {
    outcome: 'sent',
    providerMessageId: result.providerMessageId,
    delivered: result.deliveredOnAccept,
  };
}

/** Another attempt wrote the outcome first: its record is the answer. */
async function outcomeRecordedBy(prisma: PrismaClient, key: string): Promise<TouchOutcome> {
  const touch = await prisma.touch.findUniqueOrThrow({ where: { key } });
  if (touch.status === 'sent' && touch.providerMessageId !== null) {
    return {
      outcome: 'sent',
      providerMessageId: touch.providerMessageId,
      delivered: touch.deliveredOnAccept,
    };
  }
  if (touch.status === 'failed')
    return { outcome: 'failed', reason: touch.failureReason ?? 'failed earlier' };
  throw movedOn(key);
}

/**
 * Maps a provider's throw to Temporal's retry: transient failures retry after
 * the provider's Retry-After when it gave one; a configuration error retries
 * slowly so fixing the key resumes sending; any other permanent error fails
 * the touch (recorded with its reason), never the nurture.
 */
async function asActivityFailure(
  prisma: PrismaClient,
  claim: Claim,
  error: unknown,
  options: { keepCalling?: boolean } = {},
): Promise<unknown> {
  if (error instanceof TransientProviderError) {
    // The provider surely did not take this call: the next attempt sends without asking.
    if (!error.outcomeUnknown && options.keepCalling !== true) {
      await prisma.touch.updateMany({ where: claimed(claim), data: { status: 'sending' } });
    }
    touchRetriesTotal.inc({ channel: claim.channel, kind: 'transient' });
    return ApplicationFailure.create({
      type: TransientProviderError.type,
      message: error.message,
      ...(error.retryAfterMs === undefined ? {} : { nextRetryDelay: error.retryAfterMs }),
    });
  }
  if (error instanceof ProviderConfigurationError) {
    if (options.keepCalling !== true) {
      await prisma.touch.updateMany({ where: claimed(claim), data: { status: 'sending' } });
    }
    touchRetriesTotal.inc({ channel: claim.channel, kind: 'configuration' });
    return ApplicationFailure.create({
      type: ProviderConfigurationError.type,
      message: `provider configuration: ${error.message}`,
      nextRetryDelay: CONFIGURATION_RETRY_MS,
    });
  }
  if (error instanceof PermanentProviderError) {
    const { count } = await prisma.touch.updateMany({
      where: claimed(claim),
      data: { status: 'failed', failureReason: `provider refused the request: ${error.message}` },
    });
    if (count > 0) touchesTotal.inc({ channel: claim.channel, outcome: 'failed' });
    return ApplicationFailure.create({
      type: PermanentProviderError.type,
      message: error.message,
      nonRetryable: true,
    });
  }
  return error;
}

async function fail(prisma: PrismaClient, claim: Claim, reason: string): Promise<TouchOutcome> {
  const { count } = await prisma.touch.updateMany({
    where: claimed(claim),
    data: { status: 'failed', failureReason: reason },
  });
  if (count === 0) return outcomeRecordedBy(prisma, claim.key);
  touchesTotal.inc({ channel: claim.channel, outcome: 'failed' });
  return { outcome: 'failed', reason };
}

/** Reads what could stop this send from the database; the rule itself is the workflow's (stop-rules.ts). */
async function stoppedBecause(
  prisma: PrismaClient,
  leadId: string,
  channel: SendChannel,
): Promise<string | null> {
  const suppression = await prisma.suppression.findFirst({ where: { leadId } });
  const stoppingEvent = await prisma.event.findFirst({
    where: { leadId, type: { in: [...STOPPING_EVENTS] } },
  });
  const latestOptChange = await prisma.event.findFirst({
    where: { leadId, type: { in: [...OPT_CHANGE_EVENTS[channel]] } },
    orderBy: { occurredAt: 'desc' },
  });
  const consentRegranted =
    channel === 'email' && latestOptChange !== null
      ? (await prisma.consentChange.findFirst({
          where: { leadId, channel, granted: true, occurredAt: { gt: latestOptChange.occurredAt } },
        })) !== null
      : false;
  return stopBeforeSend(channel, {
    suppression,
    stoppingEvent: stoppingEvent === null ? null : { type: leadEventTypeSchema.parse(stoppingEvent.type) },
    latestOptChange:
      latestOptChange === null ? null : { type: leadEventTypeSchema.parse(latestOptChange.type) },
    consentRegranted,
  });
}
