import { nurtureInputFor } from '../../api/nurture-input';
import type { Plan } from '../../plans/plan-schema';
import { PlanCatalog } from '../../plans/plan-catalog';
import type { PrismaClient } from '../../prisma/database';
import { workflowIdForLead } from '../../workflows/ids';
import type { NurtureWorkflowInput } from '../../workflows/nurture-workflow';
import type { ConsentChannel } from '../../workflows/rules/channels';
import type { LeadProfile, NurtureStart } from '../../workflows/engine/state';

let counter = 0;

/** A lead id unique within the test run. */
export function uniqueLeadId(prefix = 'lead'): string {
  counter += 1;
  return `${prefix}-${String(process.pid)}-${String(counter)}`;
}

export function shippedPlan(id: 'default' | 'demo' | 'experiment'): Plan {
  const plan = PlanCatalog.load().latest(id);
  if (plan === undefined) throw new Error(`plan ${id} not shipped`);
  return plan;
}

export interface LeadSpec {
  leadId?: string;
  plan?: Plan;
  timezone?: string;
  phone?: string | null;
  ownerId?: string | null;
  companyId?: string | null;
  email?: string;
  industry?: string | null;
  persona?: string | null;
  preferredChannel?: LeadProfile['preferredChannel'];
  consent?: Partial<Record<ConsentChannel, boolean>>;
}

/** Inserts a lead as enrollment does and returns the workflow input enrollment would start with. */
export async function insertLead(prisma: PrismaClient, spec: LeadSpec = {}): Promise<NurtureWorkflowInput> {
  const leadId = spec.leadId ?? uniqueLeadId();
  const plan = spec.plan ?? shippedPlan('default');
  const email = spec.email ?? `${leadId}@example.test`;
  const lead = await prisma.lead.create({
    data: {
      id: leadId,
      workflowId: workflowIdForLead(leadId),
      email,
      emailDomain: email.split('@').pop() ?? '',
      phone: spec.phone === undefined ? '+14155550123' : spec.phone,
      firstName: 'Ada',
      company: 'Acme',
      companyId: spec.companyId ?? null,
      timezone: spec.timezone ?? 'America/Chicago',
      ownerId: spec.ownerId === undefined ? 'rep-7' : spec.ownerId,
      industry: spec.industry ?? null,
      persona: spec.persona ?? null,
      preferredChannel: spec.preferredChannel ?? null,
      planId: plan.id,
      planVersion: plan.version,
    },
  });
  const consent = spec.consent ?? { email: true };
  await prisma.consentChange.createMany({
    data: Object.entries(consent).map(([channel, granted]) => ({
      leadId,
      channel,
      granted,
      source: 'test enrollment',
      occurredAt: new Date(0),
    })),
  });
  const consents = await prisma.consentChange.findMany({ where: { leadId } });
  return nurtureInputFor(lead, consents, plan);
}

/** A start for the pure engine, without a database. */
export function startOf(spec: {
  plan?: Plan;
  profile?: Partial<LeadProfile>;
  consent?: Partial<Record<ConsentChannel, boolean>>;
  leadId?: string;
}): NurtureStart {
  const leadId = spec.leadId ?? 'l1';
  return {
    leadId,
    workflowId: workflowIdForLead(leadId),
    plan: spec.plan ?? shippedPlan('default'),
    profile: {
      timezone: 'America/Chicago',
      ownerId: 'rep-7',
      hasPhone: true,
      persona: null,
      industry: null,
      stage: null,
      preferredChannel: null,
      ...spec.profile,
    },
    consent: Object.fromEntries(
      Object.entries(spec.consent ?? { email: true }).map(([channel, granted]) => [
        channel,
        { granted, source: 'test', at: 0 },
      ]),
    ),
  };
}
