import type { Plan } from '../plans/plan-schema';
import { decide } from '../workflows/engine/decide';
import type { NurtureInput } from '../workflows/engine/inputs';
import { CURRENT_RULES_VERSION, type NurtureState } from '../workflows/engine/state';
import { isActive } from '../workflows/engine/status';
import { recordsOf, sendInputOf, startStateOf, timerTimeout, touchResultOf } from '../workflows/nurture-loop';
import { emptyRecord, recordEffects, recordSend, resultOf, type SimulationRecord } from './simulation-record';
import { SimulationError } from './simulation-error';
import type { SimulationResult } from './simulation-result';
import type { SimulationScript } from './simulation-script';
import { setupOf, type SimulationSetup } from './simulation-setup';

/** Decision and effect keys of a simulation; never a real lead's workflow id. */
const SIMULATION_WORKFLOW_ID = 'simulation';

/**
 * Far more inputs than any plan takes in a year (the default plan takes ~30
 * in 90 days): a plan whose wake-up never clears would otherwise hold the
 * API's event loop until the end of the period, 1 ms at a time.
 */
const MAX_INPUTS = 20_000;

/**
 * Runs a plan against a script with the engine the workflow runs, in this
 * process over a virtual clock: no Temporal server, 90 days in milliseconds,
 * nothing sent, nothing written. The clock is the script's own, so a start
 * in the past runs as well as one in the future.
 */
export function simulateInProcess(plan: Plan, script: SimulationScript, now = Date.now()): SimulationResult {
  const began = performance.now();
  const setup = setupOf(plan, script, script.start === undefined ? now : Date.parse(script.start));
  const record = emptyRecord();
  const state = drive(setup, record);
  return resultOf(record, {
    mode: 'in-process',
    setup,
    finalStatus: state.status,
    wallClockMs: performance.now() - began,
  });
}

/**
 * The workflow's loop (workflows/nurture-workflow.ts) with time as a number:
 * the next input is the script's next event unless the timer the workflow
 * would set fires first (at the same instant the event wins, as the
 * workflow's condition sees a queued input before its timeout); a send
 * completes at once and its outcome goes back in, as the in-memory
 * activities answer. Events after the nurture ended are not applied: the
 * workflow has closed and takes no more signals.
 */
function drive(setup: SimulationSetup, record: SimulationRecord): NurtureState {
  let clock = setup.start;
  let state = startStateOf(
    setup.input,
    { workflowId: SIMULATION_WORKFLOW_ID, rulesVersion: CURRENT_RULES_VERSION },
    clock,
  );

  function apply(first: NurtureInput): void {
    const steps: NurtureInput[] = [first];
    for (let next = steps.shift(); next !== undefined; next = steps.shift()) {
      const decision = decide(state, next, clock);
      const records = recordsOf(decision.state, decision.commands, clock);
      state = records.state;
      if (records.decisions.length > 0 || records.effects.length > 0) {
        recordEffects(record, {
          leadId: state.leadId,
          workflowId: state.workflowId,
          at: new Date(clock).toISOString(),
          decisions: records.decisions,
          effects: records.effects,
        });
      }
      for (const send of records.sends)
        steps.push(touchResultOf(send, recordSend(record, sendInputOf(state, send), clock)));
    }
  }

  apply({ kind: 'start' });
  const events = [...setup.events];
  for (let inputs = 1; isActive(state); inputs += 1) {
    if (inputs > MAX_INPUTS)
      throw new SimulationError(`the plan took more than ${MAX_INPUTS} inputs without settling`);
    const timeout = timerTimeout(state, clock);
    const timerAt = timeout === null ? null : clock + timeout;
    const event = events[0];
    if (event !== undefined && (timerAt === null || event.instant <= timerAt)) {
      events.shift();
      clock = Math.max(clock, event.instant);
      apply({ kind: 'event', event: event.event });
    } else if (timerAt !== null && timerAt <= setup.end) {
      clock = timerAt;
      apply({ kind: 'timer' });
    } else {
      break;
    }
  }
  return state;
}
