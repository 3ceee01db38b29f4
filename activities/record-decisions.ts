import type { PrismaClient } from '../prisma/generated/client';

export interface DecisionRow {
  key: string;
  rule: string;
  outcome: string;
  reason: string;
  data: Record<string, string | number | boolean | null>;
  decidedAt: string;
}

export interface RecordDecisionsInput {
  leadId: string;
  workflowId: string;
  decisions: DecisionRow[];
}

/** Writes the engine's decisions; keys are minted in the workflow, so a retry writes nothing twice. */
export function createRecordDecisions(deps: { prisma: PrismaClient }) {
  return async function recordDecisions(input: RecordDecisionsInput): Promise<void> {
    await deps.prisma.decision.createMany({
      data: input.decisions.map((d) => ({
        key: d.key,
        leadId: input.leadId,
        workflowId: input.workflowId,
        rule: d.rule,
        outcome: d.outcome,
        reason: d.reason,
        data: d.data,
        decidedAt: new Date(d.decidedAt),
      })),
      skipDuplicates: true,
    });
  };
}
