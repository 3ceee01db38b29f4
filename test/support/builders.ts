import type { Plan } from '../../plans/plan-schema';
import { PlanCatalog } from '../../plans/plan-catalog';
import type { PrismaClient } from '../../prisma/database';
import { workflowIdForLead } from '../../workflows/ids';

let counter = 0;

/** A lead id unique within the test run. */
export function uniqueLeadId(prefix = 'lead'): string {
  counter += 1;
  return `${prefix}-${String(process.pid)}-${String(counter)}`;
}

export function shippedPlan(id: 'default' | 'demo'): Plan {
  const plan = PlanCatalog.load().latest(id);
  if (plan === undefined) throw new Error(`plan ${id} not shipped`);
  return plan;
}

/** Inserts a lead row as enrollment does, for tests that start workflows directly. */
export async function insertLead(prisma: PrismaClient, leadId: string, plan: Plan): Promise<void> {
  await prisma.lead.create({
    data: {
      id: leadId,
      workflowId: workflowIdForLead(leadId),
      email: `${leadId}@example.test`,
      firstName: 'Ada',
      company: 'Acme',
      timezone: 'Europe/London',
      planId: plan.id,
      planVersion: plan.version,
    },
  });
}
