import type {
  ApplyEffectsInput,
  DecisionRow,
  SendTouchInput,
  TouchOutcome,
} from '../workflows/activity-contract';
import type { SimulatedTouch, SimulationResult } from './simulation-result';
import type { SimulationSetup } from './simulation-setup';

/**
 * What a simulation's activities collect instead of acting: nothing leaves
 * the process and nothing is written to the service's database. Both modes
 * record through these functions, so a send or an effect means the same in
 * each.
 */
export interface SimulationRecord {
  decisions: DecisionRow[];
  touches: SimulatedTouch[];
  effects: SimulationResult['effects'];
}

export function emptyRecord(): SimulationRecord {
  return { decisions: [], touches: [], effects: [] };
}

/** A send as the simulated provider takes it: kept once per touch key (a retry sends nothing new), always delivered. */
export function recordSend(record: SimulationRecord, input: SendTouchInput, at: number): TouchOutcome {
  if (!record.touches.some((t) => t.key === input.touchKey)) {
    record.touches.push({
      at: new Date(at).toISOString(),
      channel: input.channel,
      step: input.step,
      variant: input.variant,
      key: input.touchKey,
    });
  }
  return { outcome: 'sent', providerMessageId: `sim:${input.touchKey}`, delivered: true };
}

/** One step's decisions and effects, each decision once per key; nobody is notified. */
export function recordEffects(
  record: SimulationRecord,
  input: ApplyEffectsInput,
): { notificationKeys: string[] } {
  for (const d of input.decisions)
    if (!record.decisions.some((r) => r.key === d.key)) record.decisions.push(d);
  for (const e of input.effects) {
    const detail =
      e.type === 'set-audience'
        ? `${e.from ?? '∅'} → ${e.to ?? '∅'}`
        : e.type === 'create-linkedin-task'
          ? `for ${e.ownerId}`
          : '';
    record.effects.push({ at: input.at, type: e.type, detail });
  }
  return { notificationKeys: [] };
}

/** The answer of a finished simulation, in either mode. */
export function resultOf(
  record: SimulationRecord,
  run: {
    mode: SimulationResult['mode'];
    setup: SimulationSetup;
    finalStatus: SimulationResult['finalStatus'];
    wallClockMs: number;
  },
): SimulationResult {
  const { plan } = run.setup.input;
  return {
    mode: run.mode,
    planId: plan.id,
    planVersion: plan.version,
    start: new Date(run.setup.start).toISOString(),
    end: new Date(run.setup.end).toISOString(),
    finalStatus: run.finalStatus,
    touches: record.touches,
    timeline: record.decisions.map((d) => ({
      at: d.decidedAt,
      rule: d.rule,
      outcome: d.outcome,
      channel: d.channel,
      reason: d.reason,
    })),
    effects: record.effects,
    wallClockMs: Math.round(run.wallClockMs),
  };
}
