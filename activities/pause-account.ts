import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PrismaClient } from '../prisma/generated/client';
import { accountPauseSignal } from '../workflows/definitions';

/** Addresses at these domains say nothing about the company: never an account match. */
export const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'qq.com',
  '163.com',
  'web.de',
]);

/**
 * Account-level stop: when one lead of a company books (or replies), the
 * nurtures of their colleagues (same company id, else same email domain,
 * free-mail excluded) pause with a decision that says why. Signalling a
 * paused nurture again changes nothing, so retries are harmless.
 */
export function createPauseAccount(deps: { prisma: PrismaClient }) {
  return async function pauseAccount(input: { leadId: string; reason: string }): Promise<{ paused: number }> {
    const lead = await deps.prisma.lead.findUnique({ where: { id: input.leadId } });
    if (lead === null) return { paused: 0 };
    const sameAccount =
      lead.companyId !== null
        ? { companyId: lead.companyId }
        : FREE_MAIL_DOMAINS.has(lead.emailDomain) || lead.emailDomain === ''
          ? null
          : { emailDomain: lead.emailDomain };
    if (sameAccount === null) return { paused: 0 };
    const colleagues = await deps.prisma.lead.findMany({
      where: { ...sameAccount, id: { not: lead.id } },
      select: { workflowId: true },
    });
    const client = Context.current().client;
    let paused = 0;
    for (const colleague of colleagues) {
      try {
        await client.workflow
          .getHandle(colleague.workflowId)
          .signal(accountPauseSignal, { byLeadId: lead.id, reason: input.reason });
        paused += 1;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    return { paused };
  };
}
