import type { PrismaClient } from '../prisma/generated/client';
import type { EmailChannel } from './email-channel';
import { renderTemplate } from './render-template';

export interface SendEmailTouchInput {
  touchKey: string;
  leadId: string;
  workflowId: string;
  planId: string;
  planVersion: number;
  step: string;
  variant: string;
  subject: string;
  body: string;
}

export type TouchOutcome =
  { outcome: 'sent'; providerMessageId: string } | { outcome: 'failed'; reason: string };

/**
 * Sends one email touch exactly once. The attempt is recorded under the touch
 * key's unique constraint before the provider is called; a retry (or a replay
 * after a worker crash) finds the row and returns its outcome instead of
 * sending again. Personal data is read here, never carried in workflow history.
 */
export function createSendEmailTouch(deps: { prisma: PrismaClient; email: EmailChannel }) {
  const { prisma, email } = deps;
  return async function sendEmailTouch(input: SendEmailTouchInput): Promise<TouchOutcome> {
    const lead = await prisma.lead.findUnique({ where: { id: input.leadId } });
    if (lead === null) return { outcome: 'failed', reason: 'lead record not found' };

    await prisma.touch.createMany({
      data: [
        {
          key: input.touchKey,
          leadId: input.leadId,
          workflowId: input.workflowId,
          channel: 'email',
          step: input.step,
          variant: input.variant,
          planId: input.planId,
          planVersion: input.planVersion,
          status: 'sending',
          provider: email.provider,
        },
      ],
      skipDuplicates: true,
    });
    const touch = await prisma.touch.findUniqueOrThrow({ where: { key: input.touchKey } });
    if (touch.status === 'sent' && touch.providerMessageId !== null) {
      return { outcome: 'sent', providerMessageId: touch.providerMessageId };
    }
    if (touch.status === 'failed') {
      return { outcome: 'failed', reason: touch.failureReason ?? 'failed earlier' };
    }

    const context = { firstName: lead.firstName, lastName: lead.lastName, company: lead.company };
    const result = await email.send({
      touchKey: input.touchKey,
      leadId: input.leadId,
      to: lead.email,
      subject: await renderTemplate(input.subject, context),
      body: await renderTemplate(input.body, context),
    });
    if (result.status === 'rejected') {
      await prisma.touch.update({
        where: { key: input.touchKey },
        data: { status: 'failed', failureReason: result.reason },
      });
      return { outcome: 'failed', reason: result.reason };
    }
    await prisma.touch.update({
      where: { key: input.touchKey },
      data: { status: 'sent', providerMessageId: result.providerMessageId, sentAt: new Date() },
    });
    return { outcome: 'sent', providerMessageId: result.providerMessageId };
  };
}
