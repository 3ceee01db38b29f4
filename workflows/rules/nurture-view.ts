import type { NurtureView } from '../definitions';
import type { NurtureState } from './nurture-state';

/** What the state query answers: the live state in terms ops can read. */
export function viewOf(state: NurtureState): NurtureView {
  const step = state.plan.emailSteps[state.stepIndex];
  let waitingFor: string | null = null;
  if (state.phase === 'awaiting-open') waitingFor = 'email.opened';
  else if (state.phase === 'scheduled') waitingFor = `time to send "${step?.id ?? '?'}"`;
  return {
    leadId: state.leadId,
    status: state.status,
    phase: state.phase,
    planId: state.plan.id,
    planVersion: state.plan.version,
    currentStep: state.phase === 'finished' ? null : (step?.id ?? null),
    waitingFor,
    waitUntil: state.dueAt === null ? null : new Date(state.dueAt).toISOString(),
    opens: state.opens,
    lastTouchKey: state.lastTouchKey,
  };
}
