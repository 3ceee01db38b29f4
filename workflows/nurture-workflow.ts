import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { NurtureActivities } from '../activities';
import type { DecisionRow } from '../activities/record-decisions';
import type { Plan } from '../plans/plan-schema';
import { enrollSignal, leadEventSignal, nurtureStateQuery } from './definitions';
import { decisionKey } from './ids';
import type { LeadEvent } from './lead-event';
import { decide, initialState, nextWakeUp } from './rules/decide';
import type { NurtureInput, NurtureState, NurtureStatus } from './rules/nurture-state';
import { viewOf } from './rules/nurture-view';
import { LEAD_OWNER, LEAD_STATUS, NURTURE_PLAN } from './search-attributes';

export interface NurtureWorkflowInput {
  /** Version of this input's shape, so later changes can tell old runs apart. */
  inputVersion: 1;
  leadId: string;
  ownerId: string | null;
  plan: Plan;
  /** Set only by continue-as-new: the state and the events not yet applied. */
  carried?: { state: NurtureState; pendingEvents: LeadEvent[] };
}

export interface NurtureResult {
  status: NurtureStatus;
}

// Sending goes to a provider: retry transient failures for as long as a day;
// permanent outcomes come back as results, not errors.
const { sendEmailTouch } = proxyActivities<NurtureActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  scheduleToCloseTimeout: '1 day',
});

// Recording is a local database write: short timeouts, retried until it lands.
const { recordDecisions } = proxyActivities<NurtureActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

/**
 * One lead's nurture: a thin loop around the pure `decide` function. It waits
 * for an event or the next due time, asks `decide` what to do, and carries out
 * the commands through activities.
 */
export async function nurtureWorkflow(input: NurtureWorkflowInput): Promise<NurtureResult> {
  const workflowId = workflowInfo().workflowId;
  let state: NurtureState =
    input.carried?.state ?? initialState({ leadId: input.leadId, workflowId, plan: input.plan });
  const pending: LeadEvent[] = [...(input.carried?.pendingEvents ?? [])];

  setHandler(leadEventSignal, (event) => {
    pending.push(event);
  });
  setHandler(enrollSignal, () => undefined);
  setHandler(nurtureStateQuery, () => viewOf(state));

  async function apply(first: NurtureInput): Promise<void> {
    const queue: NurtureInput[] = [first];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const before = state.status;
      const now = Date.now();
      const decision = decide(state, next, now);
      state = decision.state;

      const rows: DecisionRow[] = [];
      for (const command of decision.commands) {
        if (command.type !== 'record-decision') continue;
        state = { ...state, decisionCount: state.decisionCount + 1 };
        rows.push({
          key: decisionKey(workflowId, state.decisionCount),
          ...command.decision,
          data: command.decision.data ?? {},
          decidedAt: new Date(now).toISOString(),
        });
      }
      if (rows.length > 0) await recordDecisions({ leadId: state.leadId, workflowId, decisions: rows });

      for (const command of decision.commands) {
        if (command.type !== 'send-email') continue;
        const result = await sendEmailTouch({
          touchKey: command.touchKey,
          leadId: state.leadId,
          workflowId,
          planId: state.plan.id,
          planVersion: state.plan.version,
          step: command.step,
          variant: command.variant,
          subject: command.subject,
          body: command.body,
        });
        queue.push(
          result.outcome === 'sent'
            ? { kind: 'touch-result', touchKey: command.touchKey, outcome: 'sent' }
            : { kind: 'touch-result', touchKey: command.touchKey, outcome: 'failed', reason: result.reason },
        );
      }
      if (state.status !== before) upsertSearchAttributes([{ key: LEAD_STATUS, value: state.status }]);
    }
  }

  if (input.carried === undefined) {
    upsertSearchAttributes([
      { key: LEAD_STATUS, value: state.status },
      { key: NURTURE_PLAN, value: `${input.plan.id}@${input.plan.version}` },
      ...(input.ownerId === null ? [] : [{ key: LEAD_OWNER, value: input.ownerId }]),
    ]);
    await apply({ kind: 'start' });
  }

  while (state.phase !== 'finished') {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof nurtureWorkflow>({ ...input, carried: { state, pendingEvents: pending } });
    }
    const wakeUp = nextWakeUp(state);
    if (wakeUp === null) {
      await condition(() => pending.length > 0);
    } else {
      // condition() needs a positive timeout; an overdue wake-up fires at once.
      await condition(() => pending.length > 0, Math.max(1, wakeUp - Date.now()));
    }
    const event = pending.shift();
    await apply(event === undefined ? { kind: 'timer' } : { kind: 'event', event });
  }
  return { status: state.status };
}
