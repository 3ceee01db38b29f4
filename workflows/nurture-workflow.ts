import {
  ActivityFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Plan } from '../plans/plan-schema';
import type { NurtureActivities, TouchOutcome } from './activity-contract';
import {
  accountPauseSignal,
  debugFullStateQuery,
  enrollSignal,
  legacyFullStateQuery,
  leadEventSignal,
  nurtureStateQuery,
  RULES_REVISIONS,
  salesUpdate,
  suppressSignal,
  type SalesRequest,
} from './definitions';
import type { NurtureCommand } from './engine/commands';
import { decide } from './engine/decide';
import type { NurtureInput } from './engine/inputs';
import {
  type ConsentState,
  type LeadArm,
  type LeadProfile,
  type NurtureState,
  type RulesVersion,
} from './engine/state';
import { isActive, type NurtureStatus } from './engine/status';
import { handoffContext } from './engine/tracks/handoff';
import { viewOf } from './engine/view';
import { nextWakeUp } from './engine/wake-up';
import {
  recordsOf,
  sendInputOf,
  startStateOf,
  timerTimeout,
  touchResultOf,
  type SendCommand,
} from './nurture-loop';
import type { ConsentChannel } from './rules/channels';
import { decayedScore } from './rules/scoring';
import { stopsSendOn } from './rules/stop-rules';
import { currentDetailsOf, recentDecisionsOf, withRecent, type RecentDecision } from './user-metadata';
import { LEAD_ARM, LEAD_SCORE, LEAD_STATUS, NEXT_ACTION_AT, OWNER_ID, PLAN_ID } from './search-attributes';

export interface NurtureWorkflowInput {
  /** Version of this input's shape, so later changes can tell old runs apart. */
  inputVersion: 2;
  leadId: string;
  plan: Plan;
  profile: LeadProfile;
  consent: Partial<Record<ConsentChannel, ConsentState>>;
  /**
   * The lead's experiment arm, assigned at enrollment (api/enrollment). Optional
   * rather than a new input version: runs started before arms have none and
   * behave exactly as they did, so their histories replay unchanged.
   */
  arm?: LeadArm;
  /** Continue-as-new past this many history events (default 2,000); lower in tests. */
  maxHistoryEvents?: number;
  /** Set only by continue-as-new: the state and the inputs not yet applied. */
  carried?: { state: CarriedState; pending: NurtureInput[] };
}

/** A state carried by continue-as-new; runs from before rules versions carry none (version 1). */
type CarriedState = Omit<NurtureState, 'rulesVersion'> & { rulesVersion?: RulesVersion };

export interface NurtureResult {
  status: NurtureStatus;
}

/** Continue-as-new before a run's history gets large, whatever the server suggests. */
const MAX_HISTORY_EVENTS = 2_000;
const MAX_HISTORY_BYTES = 2 * 1024 * 1024;

// Sending goes to a provider: retry transient failures with backoff for up to a
// day; permanent outcomes come back as results, not errors.
const { sendTouch } = proxyActivities<NurtureActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

// Database writes and notifications: short attempts, retried until they land.
const { applyEffects, deliverNotifications, pauseAccount } = proxyActivities<NurtureActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

/**
 * One lead's nurture: a thin loop around the pure `decide` function. It waits
 * for an input (an event, a sales action, a suppression) or the next due time,
 * asks `decide` what to do, and carries out the commands through activities.
 */
export async function nurtureWorkflow(input: NurtureWorkflowInput): Promise<NurtureResult> {
  const workflowId = workflowInfo().workflowId;
  const rulesVersion = rulesVersionOfRun(input.carried?.state.rulesVersion);
  let state: NurtureState =
    input.carried === undefined
      ? startStateOf(input, { workflowId, rulesVersion }, Date.now())
      : { ...input.carried.state, rulesVersion };
  const queue: NurtureInput[] = [...(input.carried?.pending ?? [])];
  let enqueued = queue.length;
  let applied = 0;
  let inFlightSend: { scope: CancellationScope; channel: 'email' | 'sms' } | null = null;
  // The decisions the Web UI's details list. Held in memory only, not in the
  // state that continue-as-new carries: the list starts again with a new run.
  let recent: RecentDecision[] = [];

  function enqueue(item: NurtureInput): number {
    queue.push(item);
    enqueued += 1;
    return enqueued;
  }

  setHandler(leadEventSignal, (event) => {
    enqueue({ kind: 'event', event });
    // A stop cancels the retries of a send in flight: nothing goes out after it (rule 4).
    if (inFlightSend !== null && stopsSendOn(event.type, inFlightSend.channel)) inFlightSend.scope.cancel();
  });
  setHandler(suppressSignal, ({ reason, source }) => {
    enqueue({ kind: 'suppress', reason, source });
    inFlightSend?.scope.cancel();
  });
  setHandler(accountPauseSignal, ({ byLeadId, reason }) => {
    enqueue({ kind: 'account-pause', byLeadId, reason });
  });
  setHandler(enrollSignal, () => undefined);
  // The Web UI lists a workflow's queries in the order they were registered,
  // after the SDK's own (`__enhanced_stack_trace`, `__temporal_workflow_metadata`):
  // ours start with the readable view, and the full state comes after it under
  // a name that says what it is for. Queries are not in history, so the order
  // and the names can change without breaking replay.
  setHandler(nurtureStateQuery, () => viewOf(state, Date.now()), {
    description: 'Where the lead stands: status, score, what the nurture waits for and until when.',
  });
  setHandler(debugFullStateQuery, () => state, {
    description: 'The whole engine state (plan included), for debugging.',
  });
  // Runbooks and scripts from before the rename still ask for `fullState`.
  setHandler(legacyFullStateQuery, () => state, { description: 'Old name of debugFullState.' });
  setHandler(
    salesUpdate,
    async (request) => {
      const ticket = enqueue({ kind: 'sales', sales: toSalesAction(request) });
      await condition(() => applied >= ticket);
      return {
        status: state.status,
        handoff: state.handoff === null ? null : handoffContext(state, Date.now()),
      };
    },
    {
      // Rejected before it enters history: nothing to act on any more.
      validator: (request: SalesRequest) => {
        if (!isActive(state)) throw new Error(`nurture is ${state.status}`);
        if (request.by.trim() === '') throw new Error('by is required');
      },
    },
  );

  async function apply(first: NurtureInput): Promise<void> {
    const steps: NurtureInput[] = [first];
    for (let next = steps.shift(); next !== undefined; next = steps.shift()) {
      const now = Date.now();
      const decision = decide(state, next, now);
      state = decision.state;
      await carryOut(decision.commands, now, steps);
    }
    updateSearchAttributes();
    publishDetails();
  }

  /** Records decisions and effects (one activity), then sends, notifies and pauses colleagues. */
  async function carryOut(commands: NurtureCommand[], now: number, feedback: NurtureInput[]): Promise<void> {
    const records = recordsOf(state, commands, now);
    state = records.state;
    recent = withRecent(recent, recentDecisionsOf(commands, now));
    const { decisions, effects } = records;
    let notificationKeys: string[] = [];
    if (decisions.length > 0 || effects.length > 0) {
      ({ notificationKeys } = await applyEffects({
        leadId: state.leadId,
        workflowId,
        at: new Date(now).toISOString(),
        decisions,
        effects,
      }));
    }
    for (const command of records.sends)
      feedback.push(touchResultOf(command, await sendCancellable(command)));
    if (notificationKeys.length > 0) await deliverNotifications({ keys: notificationKeys });
    for (const { reason } of records.accountPauses) await pauseAccount({ leadId: state.leadId, reason });
  }

  /**
   * A send whose retries are cancelled when a stop (booking, suppression)
   * arrives meanwhile: nothing goes out after that moment (rule 4).
   */
  async function sendCancellable(command: SendCommand): Promise<TouchOutcome> {
    const scope = new CancellationScope();
    inFlightSend = { scope, channel: command.channel };
    try {
      return await scope.run(() => sendTouch(sendInputOf(state, command)));
    } catch (error) {
      if (isCancellation(error))
        return { outcome: 'failed', reason: 'cancelled: the lead was stopped while the send was pending' };
      // Retries ran out (a provider down for a day) or the provider refused the
      // request for good: this touch failed, the nurture goes on.
      if (error instanceof ActivityFailure) {
        return { outcome: 'failed', reason: `not sent: ${error.cause?.message ?? error.message}` };
      }
      throw error;
    } finally {
      inFlightSend = null;
    }
  }

  // The Web UI's current details (user metadata). Setting them adds no command,
  // so histories replay unchanged.
  function publishDetails(): void {
    setCurrentDetails(currentDetailsOf(state, recent, Date.now()));
  }

  let published = '';
  function updateSearchAttributes(): void {
    const now = Date.now();
    const score = Math.round(
      decayedScore(state.score.score, state.score.at, now, state.plan.scoring.halfLife),
    );
    const wake = nextWakeUp(state);
    const values = { status: state.status, score, wake };
    const fingerprint = JSON.stringify(values);
    if (fingerprint === published) return;
    published = fingerprint;
    upsertSearchAttributes([
      { key: LEAD_STATUS, value: state.status },
      { key: LEAD_SCORE, value: score },
      { key: PLAN_ID, value: state.plan.id },
      // Only runs with an arm upsert it: older histories replay with the attributes they recorded.
      ...(state.arm === undefined ? [] : [{ key: LEAD_ARM, value: state.arm.id }]),
      ...(state.profile.ownerId === null ? [] : [{ key: OWNER_ID, value: state.profile.ownerId }]),
      { key: NEXT_ACTION_AT, value: wake === null ? null : new Date(wake) },
    ]);
  }

  if (input.carried === undefined) await apply({ kind: 'start' });
  else {
    updateSearchAttributes();
    publishDetails();
  }

  while (isActive(state)) {
    const info = workflowInfo();
    if (
      info.continueAsNewSuggested ||
      info.historyLength > (input.maxHistoryEvents ?? MAX_HISTORY_EVENTS) ||
      info.historySize > MAX_HISTORY_BYTES
    ) {
      // Apply what is queued first: a sales update waits for its input to be applied,
      // and waiting for handlers before that would wait forever.
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        await apply(next);
        applied += 1;
      }
      if (!isActive(state)) break;
      await condition(allHandlersFinished);
      return continueAsNew<typeof nurtureWorkflow>({ ...input, carried: { state, pending: [...queue] } });
    }
    const timeout = timerTimeout(state, Date.now());
    if (timeout === null) await condition(() => queue.length > 0);
    else await condition(() => queue.length > 0, timeout);
    const next = queue.shift();
    await apply(next ?? { kind: 'timer' });
    if (next !== undefined) applied += 1;
  }
  // Inputs that arrived at the end are still applied (and recorded as ignored).
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    await apply(next);
    applied += 1;
  }
  await condition(allHandlersFinished);
  return { status: state.status };
}

/**
 * The newest rules revision this run's history allows: a run recorded before
 * a revision replays without its marker and keeps the rules it ran with. A
 * run continued from an older one takes the newest: its history is new.
 */
function rulesVersionOfRun(carried: RulesVersion | undefined): RulesVersion {
  for (const revision of RULES_REVISIONS) {
    if (patched(revision.patch)) return revision.version;
  }
  return carried ?? 1;
}

function toSalesAction(request: SalesRequest): Extract<NurtureInput, { kind: 'sales' }>['sales'] {
  switch (request.action) {
    case 'handoff':
      return { action: 'handoff', by: request.by, note: request.note ?? null };
    case 'ack':
      return { action: 'ack', by: request.by };
    case 'resume':
      return { action: 'resume', by: request.by };
    case 'close':
      return { action: 'close', by: request.by, reason: request.reason };
  }
}
