import { leadArmOf } from '../experiments/assignment/lead-arm-record';
import type { ConsentChange, Lead } from '../prisma/generated/client';
import type { Plan } from '../plans/plan-schema';
import type { NurtureWorkflowInput } from '../workflows/nurture-workflow';
import { CHANNELS, CONSENT_CHANNELS, type Channel, type ConsentChannel } from '../workflows/rules/channels';
import type { ConsentState } from '../workflows/engine/state';

/**
 * The workflow's input, built from the stored lead: what decisions need and
 * nothing more (no email address, no name: those stay in the database).
 */
export function nurtureInputFor(lead: Lead, consents: ConsentChange[], plan: Plan): NurtureWorkflowInput {
  const consent: Partial<Record<ConsentChannel, ConsentState>> = {};
  for (const change of [...consents].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
    const channel = CONSENT_CHANNELS.find((c) => c === change.channel);
    if (channel !== undefined) {
      consent[channel] = { granted: change.granted, source: change.source, at: change.occurredAt.getTime() };
    }
  }
  const preferred = CHANNELS.find((c): c is Channel => c === lead.preferredChannel) ?? null;
  const arm = leadArmOf(lead);
  return {
    inputVersion: 2,
    leadId: lead.id,
    plan,
    profile: {
      timezone: lead.timezone,
      ownerId: lead.ownerId,
      hasPhone: lead.phone !== null,
      persona: lead.persona,
      industry: lead.industry,
      stage: lead.stage,
      preferredChannel: preferred,
    },
    consent,
    ...(arm === undefined ? {} : { arm }),
  };
}
