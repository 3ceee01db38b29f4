import type { DecisionRecord, NurtureCommand } from '../../workflows/engine/commands';
import { decide } from '../../workflows/engine/decide';
import type { NurtureInput } from '../../workflows/engine/inputs';
import { initialState, type NurtureStart, type NurtureState } from '../../workflows/engine/state';
import { nextWakeUp } from '../../workflows/engine/wake-up';

/**
 * Drives the pure engine the way the workflow does, without Temporal: inputs
 * at scripted instants, timers at `nextWakeUp`, each send answered (sent and
 * delivered unless `failSends`). For table tests and fast-check properties.
 */
export interface Scripted {
  at: number;
  input: NurtureInput;
}

export interface Run {
  state: NurtureState;
  commands: { at: number; command: NurtureCommand; stateBefore: NurtureState; stateAfter: NurtureState }[];
  decisions: { at: number; decision: DecisionRecord }[];
  sends: { at: number; channel: string; key: string; stateBefore: NurtureState; stateAfter: NurtureState }[];
  linkedinTasks: { at: number; key: string; ownerId: string }[];
  /** Status after every step, with its time. */
  statuses: { at: number; status: NurtureState['status'] }[];
}

export function runEngine(
  start: NurtureStart,
  script: Scripted[],
  options: { startAt: number; until: number; failSends?: boolean },
): Run {
  let state = initialState(start, options.startAt);
  const run: Run = { state, commands: [], decisions: [], sends: [], linkedinTasks: [], statuses: [] };
  const pending = [...script].sort((a, b) => a.at - b.at);

  const step = (input: NurtureInput, now: number): void => {
    const queue: NurtureInput[] = [input];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const before = state;
      const result = decide(state, next, now);
      state = result.state;
      for (const command of result.commands) {
        run.commands.push({ at: now, command, stateBefore: before, stateAfter: state });
        if (command.type === 'record-decision') run.decisions.push({ at: now, decision: command.decision });
        if (command.type === 'create-linkedin-task') {
          run.linkedinTasks.push({ at: now, key: command.taskKey, ownerId: command.ownerId });
        }
        if (command.type === 'send') {
          run.sends.push({
            at: now,
            channel: command.channel,
            key: command.touchKey,
            stateBefore: before,
            stateAfter: state,
          });
          queue.push(
            options.failSends === true
              ? {
                  kind: 'touch-result',
                  touchKey: command.touchKey,
                  channel: command.channel,
                  outcome: 'failed',
                  reason: 'test',
                }
              : {
                  kind: 'touch-result',
                  touchKey: command.touchKey,
                  channel: command.channel,
                  outcome: 'sent',
                  delivered: true,
                },
          );
        }
      }
      run.statuses.push({ at: now, status: state.status });
    }
  };

  step({ kind: 'start' }, options.startAt);
  for (let guard = 0; guard < 10_000; guard += 1) {
    const wake = nextWakeUp(state);
    const nextInput = pending[0];
    if (nextInput !== undefined && (wake === null || nextInput.at <= wake) && nextInput.at <= options.until) {
      pending.shift();
      step(nextInput.input, nextInput.at);
    } else if (wake !== null && wake <= options.until) {
      step({ kind: 'timer' }, wake);
    } else {
      break;
    }
  }
  run.state = state;
  return run;
}

export function event(
  id: string,
  type: Extract<NurtureInput, { kind: 'event' }>['event']['type'],
  data: Record<string, unknown> = {},
  at = 0,
): NurtureInput {
  return { kind: 'event', event: { id, type, occurredAt: new Date(at).toISOString(), data } };
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
