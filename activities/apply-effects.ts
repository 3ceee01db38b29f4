import type { PrismaClient } from '../prisma/generated/client';
import type { InputJsonObject } from '../prisma/generated/internal/prismaNamespace';
import { cancelOpenTasksForLead } from '../prisma/repositories/linkedin-task-repository';
import { suppressionKey } from '../workflows/ids';
import type { ApplyEffectsInput } from '../workflows/activity-contract';
import { consentRefusalsTotal, decisionsTotal, handoffSlaBreachesTotal } from '../metrics/service-metrics';
import { renderTemplate } from './render-template';

/**
 * Records one step of the engine in one transaction: its decisions and its
 * database effects (consent changes, LinkedIn tasks, audience changes,
 * hand-offs, suppression, CRM notifications and alerts to deliver). Every row
 * is keyed by the workflow, so a retried activity inserts nothing twice.
 * Returns the keys of notifications waiting for delivery.
 */
export function createApplyEffects(deps: { prisma: PrismaClient }) {
  return async function applyEffects(input: ApplyEffectsInput): Promise<{ notificationKeys: string[] }> {
    const at = new Date(input.at);
    const notificationKeys: string[] = [];
    // Counted once the transaction commits, and only for rows this attempt inserted.
    let recorded: { rule: string; outcome: string; channel: string | null }[] = [];
    let breaches = 0;
    await deps.prisma.$transaction(async (tx) => {
      if (input.decisions.length > 0) {
        const inserted = await tx.decision.createManyAndReturn({
          select: { key: true },
          data: input.decisions.map((d) => ({
            key: d.key,
            leadId: input.leadId,
            workflowId: input.workflowId,
            rule: d.rule,
            outcome: d.outcome,
            reason: d.reason,
            data: { ...d.data, channel: d.channel, nextEligibleAt: d.nextEligibleAt },
            decidedAt: new Date(d.decidedAt),
          })),
          skipDuplicates: true,
        });
        const insertedKeys = new Set(inserted.map((row) => row.key));
        recorded = input.decisions.filter((d) => insertedKeys.has(d.key));
      }
      for (const effect of input.effects) {
        switch (effect.type) {
          case 'record-consent':
            await tx.consentChange.createMany({
              data: [
                {
                  key: effect.key,
                  leadId: input.leadId,
                  channel: effect.channel,
                  granted: effect.granted,
                  source: effect.source,
                  occurredAt: new Date(effect.at),
                },
              ],
              skipDuplicates: true,
            });
            break;
          case 'create-linkedin-task':
            await tx.linkedInTask.createMany({
              data: [
                {
                  key: effect.taskKey,
                  leadId: input.leadId,
                  ownerId: effect.ownerId,
                  kind: 'connection-request',
                  // The exact text the rep sends, rendered for this lead.
                  note: await renderForLead(tx, input.leadId, effect.note),
                  status: 'open',
                },
              ],
              skipDuplicates: true,
            });
            break;
          case 'cancel-linkedin-tasks':
            await cancelOpenTasksForLead(tx, input.leadId, effect.reason, at);
            break;
          case 'set-audience':
            await tx.audienceChange.createMany({
              data: [
                {
                  key: effect.key,
                  leadId: input.leadId,
                  fromAudience: effect.from,
                  toAudience: effect.to,
                  changedAt: at,
                },
              ],
              skipDuplicates: true,
            });
            break;
          case 'open-handoff':
            await tx.handoff.createMany({
              data: [
                {
                  key: effect.key,
                  leadId: input.leadId,
                  ownerId: effect.context.ownerId,
                  reason: effect.context.reason,
                  status: 'open',
                  context: effect.context as unknown as InputJsonObject,
                  openedAt: at,
                  slaDueAt: new Date(effect.context.slaDueAt),
                },
              ],
              skipDuplicates: true,
            });
            break;
          case 'escalate-handoff': {
            const escalated = await tx.handoff.updateMany({
              where: { key: effect.key, status: 'open' },
              data: { status: 'escalated', escalatedAt: at, escalatedTo: effect.backupOwner },
            });
            breaches += escalated.count;
            notificationKeys.push(effect.key + ':alert');
            await tx.notification.createMany({
              data: [
                {
                  key: effect.key + ':alert',
                  leadId: input.leadId,
                  kind: 'handoff-escalated',
                  target: 'alert',
                  payload: {
                    backupOwner: effect.backupOwner,
                    context: effect.context as unknown as InputJsonObject,
                  },
                },
              ],
              skipDuplicates: true,
            });
            break;
          }
          case 'acknowledge-handoff':
            await tx.handoff.updateMany({
              where: { key: effect.handoffKey, status: { in: ['open', 'escalated'] } },
              data: { status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: effect.by },
            });
            break;
          case 'notify-crm':
            notificationKeys.push(effect.key);
            await tx.notification.createMany({
              data: [
                {
                  key: effect.key,
                  leadId: input.leadId,
                  kind: effect.kind,
                  target: 'crm',
                  payload: { reason: effect.reason, at: input.at },
                },
              ],
              skipDuplicates: true,
            });
            break;
          case 'record-suppression':
            await tx.suppression.createMany({
              data: [
                {
                  key: suppressionKey(input.workflowId),
                  leadId: input.leadId,
                  reason: effect.reason,
                  source: effect.source,
                },
              ],
              skipDuplicates: true,
            });
            // Rule 4: nothing open survives a suppression. The engine asks for this only for the
            // task its state knows; rows it never knew of (an earlier run, inserted by hand) stop too.
            await cancelOpenTasksForLead(tx, input.leadId, effect.reason, at);
            break;
        }
      }
    });
    countRecorded(recorded, breaches);
    return { notificationKeys };
  };
}

function countRecorded(
  decisions: { rule: string; outcome: string; channel: string | null }[],
  handoffSlaBreaches: number,
): void {
  for (const d of decisions) {
    decisionsTotal.inc({ rule: d.rule, outcome: d.outcome });
    if (d.rule === 'consent' && d.outcome === 'skipped' && d.channel !== null) {
      consentRefusalsTotal.inc({ channel: d.channel });
    }
  }
  if (handoffSlaBreaches > 0) handoffSlaBreachesTotal.inc(handoffSlaBreaches);
}

async function renderForLead(
  tx: Pick<PrismaClient, 'lead'>,
  leadId: string,
  template: string,
): Promise<string> {
  const lead = await tx.lead.findUnique({ where: { id: leadId } });
  return renderTemplate(template, {
    firstName: lead?.firstName ?? null,
    lastName: lead?.lastName ?? null,
    company: lead?.company ?? null,
    ownerName: lead?.ownerName ?? null,
  });
}
