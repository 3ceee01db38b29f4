import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { armRecordFor } from '../../experiments/assignment/lead-arm-record';
import { insertLeadOnce } from '../../prisma/repositories/lead-repository';
import { enrollSignal } from '../../workflows/definitions';
import { workflowIdForLead } from '../../workflows/ids';
import type { nurtureWorkflow } from '../../workflows/nurture-workflow';
import { staticDetailsOf, staticSummaryOf } from '../../workflows/user-metadata';
import type { AppDeps } from '../app-deps';
import { contactHashes } from '../erasure/contact-hash';
import { nurtureInputFor } from '../nurture-input';
import { ProblemError } from '../problem';
import type { EnrollLead } from '../schemas/lead-schemas';

/** The name the worker registers `nurtureWorkflow` under; `signalWithStart<typeof nurtureWorkflow>` types its input. */
export const NURTURE_WORKFLOW = 'nurtureWorkflow';

export interface EnrollResult {
  leadId: string;
  workflowId: string;
  planId: string;
  planVersion: number;
  created: boolean;
}

type EnrollDeps = Pick<AppDeps, 'prisma' | 'temporal' | 'plans' | 'taskQueue' | 'defaultPlanId'> &
  Partial<Pick<AppDeps, 'globalControlShare'>>;

/**
 * Stores a lead once and starts (or re-signals) its nurture. Idempotent: a
 * repeat call with the same id changes nothing and answers created: false.
 * Refuses a lead whose email or phone was erased, and an erased lead id.
 */
export async function enrollLead(deps: EnrollDeps, body: EnrollLead): Promise<EnrollResult> {
  const planId = body.planId ?? deps.defaultPlanId;
  const plan = deps.plans.latest(planId);
  if (plan === undefined) {
    throw new ProblemError(
      400,
      'unknown-plan',
      'Unknown plan',
      `No plan "${planId}"; known: ${deps.plans.ids().join(', ')}.`,
      [{ path: ['body', 'planId'], code: 'unknown_plan', message: `no plan "${planId}"` }],
    );
  }
  const erased = await deps.prisma.erasedContact.findFirst({
    where: { hash: { in: contactHashes(body).map((h) => h.hash) } },
  });
  if (erased !== null) {
    throw new ProblemError(
      409,
      'contact-erased',
      'Contact erased',
      `This ${erased.kind} belongs to a lead whose data was erased; it is not enrolled again.`,
    );
  }
  const now = new Date();
  const workflowId = workflowIdForLead(body.id);
  const { lead, created } = await insertLeadOnce(deps.prisma, {
    id: body.id,
    workflowId,
    email: body.email,
    emailDomain: body.email.split('@').pop()?.toLowerCase() ?? '',
    phone: body.phone ?? null,
    firstName: body.firstName ?? null,
    lastName: body.lastName ?? null,
    company: body.company ?? null,
    companyId: body.companyId ?? null,
    timezone: body.timezone,
    ownerId: body.ownerId ?? null,
    ownerName: body.ownerName ?? null,
    persona: body.persona ?? null,
    industry: body.industry ?? null,
    stage: body.stage ?? null,
    preferredChannel: body.preferredChannel ?? null,
    planId: plan.id,
    planVersion: plan.version,
    // Drawn once, for the first enrollment; a repeat call keeps the stored arm.
    ...armRecordFor(body.id, plan, deps.globalControlShare ?? 0),
    consents: Object.entries(body.consent).map(([channel, entry]) => {
      const detail = typeof entry === 'boolean' ? { granted: entry } : entry;
      return {
        channel,
        granted: detail.granted,
        source: ('source' in detail ? detail.source : undefined) ?? 'enrollment',
        occurredAt: 'at' in detail && detail.at !== undefined ? new Date(detail.at) : now,
      };
    }),
  });
  if (lead.erasedAt !== null) {
    throw new ProblemError(409, 'lead-erased', 'Lead erased', `Lead "${lead.id}" was erased.`);
  }

  // The stored lead decides the plan: a repeat call never changes a running nurture.
  const storedPlan = deps.plans.latest(lead.planId) ?? plan;
  const consents = await deps.prisma.consentChange.findMany({ where: { leadId: lead.id } });
  const input = nurtureInputFor(lead, consents, storedPlan);
  try {
    // Signal-with-start is idempotent on the workflow id: a running nurture just gets the signal.
    await deps.temporal.workflow.signalWithStart<typeof nurtureWorkflow>(NURTURE_WORKFLOW, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      // What the Web UI lists and heads the page with (stored in clear: ids only).
      staticSummary: staticSummaryOf(input),
      staticDetails: staticDetailsOf(input),
      signal: enrollSignal,
      signalArgs: [],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    // The nurture ran and closed before: enrollment stays idempotent, nothing restarts.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { leadId: lead.id, workflowId, planId: lead.planId, planVersion: lead.planVersion, created };
}
