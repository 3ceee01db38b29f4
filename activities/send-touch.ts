import type { PrismaClient } from '../prisma/generated/client';
import type { EmailChannel, SendOutcome, SmsChannel } from './message-channels';
import { renderTemplate } from './render-template';

export interface SendTouchInput {
  channel: 'email' | 'sms';
  touchKey: string;
  leadId: string;
  workflowId: string;
  planId: string;
  planVersion: number;
  step: string;
  variant: string;
  subject: string | null;
  body: string;
  vars: Record<string, string>;
  /** ISO instant after which the provider must not be called (end of the SMS window), or null. */
  notAfter: string | null;
}

export type TouchOutcome =
  { outcome: 'sent'; providerMessageId: string; delivered: boolean } | { outcome: 'failed'; reason: string };

/** Events after which nothing may go out, whatever the workflow has not yet seen. */
const STOPPING_EVENTS = ['meeting.booked', 'email.spam_reported'];

/**
 * Sends one touch exactly once. The attempt is recorded under the touch key's
 * unique constraint before the provider is called; a retry (or a replay after
 * a worker crash) finds the row and returns its outcome instead of sending
 * again. Personal data is read here, never carried in workflow history.
 */
export function createSendTouch(deps: { prisma: PrismaClient; email: EmailChannel; sms: SmsChannel }) {
  const { prisma } = deps;
  return async function sendTouch(input: SendTouchInput): Promise<TouchOutcome> {
    const lead = await prisma.lead.findUnique({ where: { id: input.leadId } });
    if (lead === null) return { outcome: 'failed', reason: 'lead record not found' };
    const provider = input.channel === 'email' ? deps.email.provider : deps.sms.provider;

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
          provider,
        },
      ],
      skipDuplicates: true,
    });
    const touch = await prisma.touch.findUniqueOrThrow({ where: { key: input.touchKey } });
    if (touch.status === 'sent' && touch.providerMessageId !== null) {
      return {
        outcome: 'sent',
        providerMessageId: touch.providerMessageId,
        delivered: provider === 'outbox',
      };
    }
    if (touch.status === 'failed')
      return { outcome: 'failed', reason: touch.failureReason ?? 'failed earlier' };

    // Defence in depth: a stop the workflow has not applied yet (a booking
    // recorded while this activity was retrying) still prevents the send.
    const stop = await stoppedBecause(prisma, input.leadId, input.channel);
    if (stop !== null) return fail(prisma, input.touchKey, `not sent: ${stop}`);
    if (input.notAfter !== null && Date.now() > Date.parse(input.notAfter)) {
      return fail(prisma, input.touchKey, 'not sent: the send window closed while the provider was failing');
    }

    const context = {
      firstName: lead.firstName,
      lastName: lead.lastName,
      company: lead.company,
      ownerName: lead.ownerId,
      ...input.vars,
    };
    const body = await renderTemplate(input.body, context);
    let result: SendOutcome;
    if (input.channel === 'email') {
      if (lead.email === null) return fail(prisma, input.touchKey, 'lead erased: no email address on file');
      const subject = await renderTemplate(input.subject ?? '', context);
      result = await deps.email.send({
        touchKey: input.touchKey,
        leadId: lead.id,
        to: lead.email,
        subject,
        body,
      });
    } else {
      if (lead.phone === null) return fail(prisma, input.touchKey, 'no phone number on file');
      result = await deps.sms.send({ touchKey: input.touchKey, leadId: lead.id, to: lead.phone, body });
    }
    if (result.status === 'rejected') return fail(prisma, input.touchKey, result.reason);
    await prisma.touch.update({
      where: { key: input.touchKey },
      data: { status: 'sent', providerMessageId: result.providerMessageId, sentAt: new Date() },
    });
    return {
      outcome: 'sent',
      providerMessageId: result.providerMessageId,
      delivered: result.deliveredOnAccept,
    };
  };
}

async function fail(prisma: PrismaClient, key: string, reason: string): Promise<TouchOutcome> {
  await prisma.touch.update({ where: { key }, data: { status: 'failed', failureReason: reason } });
  return { outcome: 'failed', reason };
}

async function stoppedBecause(
  prisma: PrismaClient,
  leadId: string,
  channel: 'email' | 'sms',
): Promise<string | null> {
  const suppression = await prisma.suppression.findFirst({ where: { leadId } });
  if (suppression !== null) return `lead suppressed (${suppression.reason})`;
  const stopping = await prisma.event.findFirst({ where: { leadId, type: { in: STOPPING_EVENTS } } });
  if (stopping !== null) return `lead stopped by ${stopping.type}`;
  // The latest opt-out/opt-in recorded for the channel wins, even before the workflow applied it.
  const optTypes = channel === 'sms' ? ['sms.opted_out', 'sms.opted_in'] : ['email.unsubscribed'];
  const latest = await prisma.event.findFirst({
    where: { leadId, type: { in: optTypes } },
    orderBy: { occurredAt: 'desc' },
  });
  return latest !== null && latest.type !== 'sms.opted_in'
    ? `${channel} opt-out recorded (${latest.type})`
    : null;
}
