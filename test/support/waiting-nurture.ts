import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { PrismaClient } from '../../prisma/database';
import { nurtureStateQuery } from '../../workflows/definitions';
import { workflowIdForLead } from '../../workflows/ids';
import type { nurtureWorkflow } from '../../workflows/nurture-workflow';
import { insertLead, type LeadSpec } from './builders';
import { eventually } from './eventually';

export type NurtureHandle = WorkflowHandleWithFirstExecutionRunId<typeof nurtureWorkflow>;

/**
 * A lead inserted as enrollment does and its nurture started, returned once
 * the welcome email is out and the nurture waits for an open: the point from
 * which the tests feed it events.
 */
export async function startWaitingNurture(
  deps: { client: Client; prisma: PrismaClient; taskQueue: string },
  spec: LeadSpec = {},
): Promise<{ leadId: string; email: string; handle: NurtureHandle }> {
  const input = await insertLead(deps.prisma, spec);
  const handle = await deps.client.workflow.start<typeof nurtureWorkflow>('nurtureWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId: workflowIdForLead(input.leadId),
    args: [input],
  });
  await eventually(
    () => handle.query(nurtureStateQuery),
    (s) => s.phase === 'awaiting-open',
  );
  const { email } = await deps.prisma.lead.findUniqueOrThrow({ where: { id: input.leadId } });
  if (email === null) throw new Error('the lead was stored without an email');
  return { leadId: input.leadId, email, handle };
}
