import { touchKey } from '../ids';
import type {
  Decision,
  DecisionRecord,
  NurtureCommand,
  NurtureInput,
  NurtureStart,
  NurtureState,
} from './nurture-state';
import { ENGAGED_AFTER_OPENS, isActive, SEEN_EVENT_IDS_LIMIT } from './nurture-state';
import { formatDuration } from './format-duration';

/**
 * The nurture's rules as one pure function: state + input + now → next state
 * and commands, each decision with its reason. No clock, no I/O, no Temporal:
 * the workflow is a thin shell that waits, calls this and carries out the commands.
 */
export function initialState(start: NurtureStart): NurtureState {
  return {
    leadId: start.leadId,
    workflowId: start.workflowId,
    plan: start.plan,
    status: 'new',
    phase: 'scheduled',
    stepIndex: 0,
    dueAt: null,
    opens: 0,
    lastTouchKey: null,
    seenEventIds: [],
    decisionCount: 0,
  };
}

export function decide(state: NurtureState, input: NurtureInput, now: number): Decision {
  switch (input.kind) {
    case 'start':
      return onStart(state, now);
    case 'timer':
      return onTimer(state, now);
    case 'event':
      return onEvent(state, input.event, now);
    case 'touch-result':
      return onTouchResult(state, input, now);
  }
}

/** When the workflow must wake up next, or null when only a signal can move it. */
export function nextWakeUp(state: NurtureState): number | null {
  return state.phase === 'finished' ? null : state.dueAt;
}

function record(decision: DecisionRecord): NurtureCommand {
  return { type: 'record-decision', decision };
}

function onStart(state: NurtureState, now: number): Decision {
  const first = state.plan.emailSteps[0];
  if (first === undefined) return finish(state, 'completed', 'plan has no email steps', []);
  const next: NurtureState = { ...state, phase: 'scheduled', stepIndex: 0, dueAt: now + first.delay };
  const commands = [
    record({
      rule: 'enrollment',
      outcome: 'started',
      reason: `enrolled on plan ${state.plan.id} v${state.plan.version}; first email "${first.id}" ${
        first.delay === 0 ? 'now' : `in ${formatDuration(first.delay)}`
      }`,
      data: { planId: state.plan.id, planVersion: state.plan.version },
    }),
  ];
  // A zero delay sends at once rather than waiting for a timer to fire.
  if (first.delay === 0) return chain({ state: next, commands }, (s) => onTimer(s, now));
  return { state: next, commands };
}

function onTimer(state: NurtureState, now: number): Decision {
  if (!isActive(state) || state.dueAt === null || now < state.dueAt) {
    return { state, commands: [] };
  }
  switch (state.phase) {
    case 'scheduled':
      return sendCurrentStep(state);
    case 'awaiting-open': {
      const step = state.plan.emailSteps[state.stepIndex];
      const windowText = formatDuration(state.plan.openWindow);
      return advance(state, now, [
        record({
          rule: 'open-window',
          outcome: 'no-open',
          reason: `email "${step?.id ?? '?'}" not opened within the ${windowText} open window`,
          data: { touchKey: state.lastTouchKey },
        }),
      ]);
    }
    case 'finished':
      return { state, commands: [] };
  }
}

function sendCurrentStep(state: NurtureState): Decision {
  const step = state.plan.emailSteps[state.stepIndex];
  if (step === undefined) return finish(state, 'completed', 'no email steps left', []);
  const variant = 'a';
  const key = touchKey({
    workflowId: state.workflowId,
    planVersion: state.plan.version,
    step: step.id,
    channel: 'email',
    variant,
  });
  return {
    // dueAt is cleared until the send's outcome comes back as a touch-result.
    state: { ...state, dueAt: null, lastTouchKey: key },
    commands: [
      {
        type: 'send-email',
        touchKey: key,
        step: step.id,
        variant,
        subject: step.template.subject,
        body: step.template.body,
      },
    ],
  };
}

function onTouchResult(
  state: NurtureState,
  input: Extract<NurtureInput, { kind: 'touch-result' }>,
  now: number,
): Decision {
  if (input.touchKey !== state.lastTouchKey || !isActive(state)) return { state, commands: [] };
  const step = state.plan.emailSteps[state.stepIndex];
  const stepId = step?.id ?? '?';
  if (input.outcome === 'failed') {
    return advance(state, now, [
      record({
        rule: 'delivery',
        outcome: 'email-failed',
        reason: `email "${stepId}" was not sent: ${input.reason ?? 'provider refused it'}`,
        data: { touchKey: input.touchKey },
      }),
    ]);
  }
  return {
    state: { ...state, phase: 'awaiting-open', dueAt: now + state.plan.openWindow },
    commands: [
      record({
        rule: 'coordination',
        outcome: 'email-sent',
        reason: `email "${stepId}" sent; waiting up to ${formatDuration(state.plan.openWindow)} for an open`,
        data: { touchKey: input.touchKey },
      }),
    ],
  };
}

function onEvent(state: NurtureState, event: NurtureInputEvent, now: number): Decision {
  if (state.seenEventIds.includes(event.id)) return { state, commands: [] };
  const seen = [...state.seenEventIds, event.id].slice(-SEEN_EVENT_IDS_LIMIT);
  const base: NurtureState = { ...state, seenEventIds: seen };
  if (!isActive(state)) {
    return {
      state: base,
      commands: [
        record({
          rule: 'lifecycle',
          outcome: 'ignored',
          reason: `${event.type} arrived after the nurture ended (${state.status})`,
          data: { eventId: event.id },
        }),
      ],
    };
  }
  switch (event.type) {
    case 'email.opened': {
      const opens = base.opens + 1;
      const becomesEngaged = base.status === 'new' && opens >= ENGAGED_AFTER_OPENS;
      const opened: NurtureState = { ...base, opens, status: becomesEngaged ? 'engaged' : base.status };
      const statusCommands = becomesEngaged
        ? [
            record({
              rule: 'status',
              outcome: 'engaged',
              reason: `${opens} emails opened: status new → engaged`,
              data: { eventId: event.id },
            }),
          ]
        : [];
      if (state.phase !== 'awaiting-open') {
        return { state: opened, commands: statusCommands };
      }
      const step = state.plan.emailSteps[state.stepIndex];
      return advance(opened, now, [
        ...statusCommands,
        record({
          rule: 'open-window',
          outcome: 'opened',
          reason: `email "${step?.id ?? '?'}" opened within the ${formatDuration(state.plan.openWindow)} open window`,
          data: { eventId: event.id, opens: opened.opens },
        }),
      ]);
    }
    case 'meeting.booked':
      return finish(base, 'converted', 'meeting booked: every channel stops', [], event.id);
    default:
      return { state: base, commands: [] };
  }
}

type NurtureInputEvent = Extract<NurtureInput, { kind: 'event' }>['event'];

/** Moves to the next email step, or completes the nurture after the last one. */
function advance(state: NurtureState, now: number, commands: NurtureCommand[]): Decision {
  const nextIndex = state.stepIndex + 1;
  const nextStep = state.plan.emailSteps[nextIndex];
  if (nextStep === undefined) {
    return finish(state, 'completed', 'all email steps done', commands);
  }
  const next: NurtureState = {
    ...state,
    phase: 'scheduled',
    stepIndex: nextIndex,
    dueAt: now + nextStep.delay,
  };
  if (nextStep.delay === 0) return chain({ state: next, commands }, (s) => onTimer(s, now));
  return { state: next, commands };
}

function finish(
  state: NurtureState,
  status: 'converted' | 'completed',
  reason: string,
  commands: NurtureCommand[],
  eventId?: string,
): Decision {
  return {
    state: { ...state, status, phase: 'finished', dueAt: null },
    commands: [
      ...commands,
      record({
        rule: 'lifecycle',
        outcome: status,
        reason,
        data: eventId === undefined ? {} : { eventId },
      }),
    ],
  };
}

function chain(first: Decision, then: (state: NurtureState) => Decision): Decision {
  const second = then(first.state);
  return { state: second.state, commands: [...first.commands, ...second.commands] };
}
