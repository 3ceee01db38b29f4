import type { Plan } from '../plans/plan-schema';
import { readReplyData } from '../replies/read-reply';
import type { LeadEvent } from '../workflows/lead-event';
import type { NurtureWorkflowInput } from '../workflows/nurture-workflow';
import { SimulationError } from './simulation-error';
import { instantOf, type SimulationScript } from './simulation-script';

const DAY_MS = 86_400_000;
/** ISO 8601 without an expanded year ends here; the answer's times are ISO. */
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** A script's event at its instant, as the workflow's signal carries it. */
export interface ScriptedEvent {
  instant: number;
  event: LeadEvent;
}

/** What both modes run: the period, the workflow's input, the events in time order. */
export interface SimulationSetup {
  start: number;
  end: number;
  input: NurtureWorkflowInput;
  events: ScriptedEvent[];
}

/** Reads a script from its start instant; an event outside the period is refused. */
export function setupOf(plan: Plan, script: SimulationScript, start: number): SimulationSetup {
  const end = start + script.days * DAY_MS;
  if (end > LAST_INSTANT) throw new SimulationError('the simulated period must end before the year 10000');
  const events = script.events
    .map((e, i) => ({ ...e, instant: instantOf(e.at, start), id: `sim-${String(i)}` }))
    // Stable: events at the same instant keep the script's order.
    .sort((a, b) => a.instant - b.instant);
  const outOfRange = events.find((e) => e.instant < start || e.instant > end);
  if (outOfRange !== undefined)
    throw new SimulationError(`event at ${outOfRange.at} is outside the simulated period`);
  const input: NurtureWorkflowInput = {
    inputVersion: 2,
    leadId: 'simulated-lead',
    plan,
    profile: {
      timezone: script.lead.timezone,
      ownerId: script.lead.ownerId,
      hasPhone: script.lead.hasPhone,
      persona: script.lead.persona,
      industry: script.lead.industry,
      stage: script.lead.stage,
      preferredChannel: script.lead.preferredChannel,
    },
    consent: Object.fromEntries(
      Object.entries(script.lead.consent).map(([channel, granted]) => [
        channel,
        { granted, source: 'simulation script', at: start },
      ]),
    ),
  };
  return {
    start,
    end,
    input,
    events: events.map((e) => ({
      instant: e.instant,
      event: {
        id: e.id,
        type: e.type,
        occurredAt: new Date(e.instant).toISOString(),
        // Read as the inbox reads a reply, so a script's out-of-office postpones as a real one does.
        data: readReplyData(e.type, e.data, {
          receivedAt: new Date(e.instant),
          timeZone: script.lead.timezone,
        }),
      },
    })),
  };
}
