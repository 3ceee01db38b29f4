import type { Channel } from '../rules/channels';
import type { Decision, DecisionRecord, NurtureCommand, RuleName } from './commands';
import type { NurtureState } from './state';

/**
 * One decision step being built: the state as changed so far, and the
 * commands in the order they were asked for. Rules read `step.state` at the
 * moment they need a field, never a copy taken before another rule changed
 * it; functions that only look at a state (scores, contexts, the gate) take a
 * NurtureState and are handed `step.state`. Decisions are numbered by the
 * workflow.
 */
export class Step {
  readonly #commands: NurtureCommand[] = [];
  #state: NurtureState;

  constructor(state: NurtureState) {
    this.#state = state;
  }

  get state(): NurtureState {
    return this.#state;
  }

  set(patch: Partial<NurtureState>): void {
    this.#state = { ...this.#state, ...patch };
  }

  emit(command: Exclude<NurtureCommand, { type: 'record-decision' }>): void {
    this.#commands.push(command);
  }

  /** Records a decision with the status it was taken in. */
  record(decision: DecisionRecord): void {
    this.#commands.push({
      type: 'record-decision',
      decision: { ...decision, data: { status: this.#state.status, ...decision.data } },
    });
  }

  /** An event kept in the timeline without acting on it. */
  recordEvent(event: { id: string }, rule: RuleName, reason: string, channel?: Channel): void {
    this.record({
      rule,
      outcome: 'recorded',
      ...(channel === undefined ? {} : { channel }),
      reason,
      data: { eventId: event.id },
    });
  }

  result(): Decision {
    return { state: this.#state, commands: this.#commands };
  }
}
