import type { NurtureView } from '../definitions';
import { decayedScore } from '../rules/scoring';
import type { NurtureState } from './state';
import { nextWakeUp } from './wake-up';

/** What the state query answers: the live state in terms ops can read. */
export function viewOf(state: NurtureState, now: number): NurtureView {
  const step = state.plan.emailSteps[state.stepIndex];
  const wake = nextWakeUp(state);
  return {
    leadId: state.leadId,
    status: state.status,
    phase: state.phase,
    planId: state.plan.id,
    planVersion: state.plan.version,
    currentStep: state.phase === 'finished' ? null : (step?.id ?? null),
    waitingFor: waitingFor(state, step?.id),
    waitUntil: wake === null ? null : new Date(wake).toISOString(),
    opens: state.opens,
    score:
      Math.round(decayedScore(state.score.score, state.score.at, now, state.plan.scoring.halfLife) * 100) /
      100,
    lastTouchKey: state.lastTouch?.key ?? null,
    pause: state.pause,
    handoff: state.handoff,
    pendingSms: state.pendingSms,
    audience: state.audience,
  };
}

function waitingFor(state: NurtureState, stepId: string | undefined): string | null {
  if (state.phase === 'finished') return null;
  if (state.pause !== null)
    return state.pause.until === null
      ? `sales (${state.pause.detail})`
      : `end of pause (${state.pause.detail})`;
  if (state.phase === 'awaiting-open') return 'email.opened';
  return state.dueAt === null ? `send of "${stepId ?? '?'}" to finish` : `time to send "${stepId ?? '?'}"`;
}
