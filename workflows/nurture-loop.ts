import type { DecisionRow, SendTouchInput, TouchOutcome } from './activity-contract';
import type { Effect, NurtureCommand } from './engine/commands';
import type { TouchResult } from './engine/inputs';
import { initialState, type NurtureState, type RulesVersion } from './engine/state';
import { nextWakeUp } from './engine/wake-up';
import { decisionKey, effectKey } from './ids';
import type { NurtureWorkflowInput } from './nurture-workflow';

/*
 * The pure parts of the nurture workflow's loop, shared with the in-process
 * simulation (simulation/simulate-in-process.ts): what the workflow records
 * for a step, what it feeds back after a send, and when it wakes up. Both
 * drive the engine through these, so a simulation cannot drift from a run.
 */

/** A fresh nurture's state from the workflow's input, as of its first moment. */
export function startStateOf(
  input: Pick<NurtureWorkflowInput, 'leadId' | 'plan' | 'profile' | 'consent' | 'arm'>,
  run: { workflowId: string; rulesVersion: RulesVersion },
  now: number,
): NurtureState {
  return initialState(
    {
      leadId: input.leadId,
      workflowId: run.workflowId,
      plan: input.plan,
      profile: input.profile,
      consent: input.consent,
      rulesVersion: run.rulesVersion,
      arm: input.arm,
    },
    now,
  );
}

export type SendCommand = Extract<NurtureCommand, { type: 'send' }>;

/** One step's commands as the workflow carries them out, decisions and effects numbered. */
export interface StepRecords {
  /** The state with `decisionCount` advanced past the numbers given out. */
  state: NurtureState;
  decisions: DecisionRow[];
  effects: Effect[];
  sends: SendCommand[];
  accountPauses: { reason: string }[];
}

/**
 * Numbers the decisions and effects of one step in command order from the
 * state's counter: the numbers are their keys (under the state's workflow
 * id, the run's own), so a retried activity writes nothing twice. Hand-offs keep the key the engine gave them (one row per
 * hand-off, escalation included).
 */
export function recordsOf(
  state: NurtureState,
  commands: readonly NurtureCommand[],
  now: number,
): StepRecords {
  const decisions: DecisionRow[] = [];
  const effects: Effect[] = [];
  const sends: SendCommand[] = [];
  const accountPauses: { reason: string }[] = [];
  let sequence = state.decisionCount;
  for (const command of commands) {
    if (command.type === 'send') {
      sends.push(command);
      continue;
    }
    if (command.type === 'pause-account') {
      accountPauses.push({ reason: command.reason });
      continue;
    }
    sequence += 1;
    if (command.type === 'record-decision') {
      const d = command.decision;
      decisions.push({
        key: decisionKey(state.workflowId, sequence),
        rule: d.rule,
        outcome: d.outcome,
        reason: d.reason,
        channel: d.channel ?? null,
        data: d.data ?? {},
        nextEligibleAt: d.nextEligibleAt == null ? null : new Date(d.nextEligibleAt).toISOString(),
        decidedAt: new Date(now).toISOString(),
      });
    } else {
      effects.push({
        ...command,
        key:
          command.type === 'open-handoff' || command.type === 'escalate-handoff'
            ? command.key
            : effectKey(state.workflowId, sequence),
      });
    }
  }
  return { state: { ...state, decisionCount: sequence }, decisions, effects, sends, accountPauses };
}

/** What `sendTouch` is asked for one send command. */
export function sendInputOf(state: NurtureState, command: SendCommand): SendTouchInput {
  return {
    channel: command.channel,
    touchKey: command.touchKey,
    leadId: state.leadId,
    workflowId: state.workflowId,
    planId: state.plan.id,
    planVersion: state.plan.version,
    step: command.step,
    variant: command.variant,
    subject: command.subject,
    body: command.body,
    vars: command.vars,
    notAfter: command.notAfter === null ? null : new Date(command.notAfter).toISOString(),
  };
}

/** A send's outcome as the engine's next input. */
export function touchResultOf(command: SendCommand, result: TouchOutcome): TouchResult {
  return result.outcome === 'sent'
    ? {
        kind: 'touch-result',
        touchKey: command.touchKey,
        channel: command.channel,
        outcome: 'sent',
        delivered: result.delivered,
      }
    : {
        kind: 'touch-result',
        touchKey: command.touchKey,
        channel: command.channel,
        outcome: 'failed',
        reason: result.reason,
      };
}

/**
 * How long to wait for an input before the timer input, or null when only an
 * input can move the nurture. `condition()` needs a positive timeout, so an
 * overdue wake-up fires 1 ms later rather than at once.
 */
export function timerTimeout(state: NurtureState, now: number): number | null {
  const wakeUp = nextWakeUp(state);
  return wakeUp === null ? null : Math.max(1, wakeUp - now);
}
