import { mayTouch } from '../may-touch';
import type { Step } from '../step';

/**
 * Retargeting follows the status in the background (rule 1): join, move,
 * leave. Membership, not a send: a pause does not leave the audience, ads
 * consent withdrawn or a stop does.
 */
export function syncAudience(step: Step, now: number): void {
  const { status, audience: from, plan } = step.state;
  const allowed = mayTouch(step.state, 'retargeting', now);
  const wanted = allowed.allowed ? (plan.retargeting.audiences[status] ?? null) : null;
  if (wanted === from) return;
  step.set({ audience: wanted });
  step.emit({ type: 'set-audience', from, to: wanted });
  step.record({
    rule: 'retargeting',
    outcome: wanted === null ? 'left' : from === null ? 'joined' : 'moved',
    channel: 'retargeting',
    reason:
      wanted === null
        ? `left audience "${from ?? '?'}": ${allowed.allowed ? `no audience for ${status} leads` : allowed.reason}`
        : from === null
          ? `joined audience "${wanted}" (${status})`
          : `moved from audience "${from}" to "${wanted}" (${status})`,
  });
}

export function leaveAudience(step: Step, reason: string): void {
  const from = step.state.audience;
  if (from === null) return;
  step.set({ audience: null });
  step.emit({ type: 'set-audience', from, to: null });
  step.record({
    rule: 'retargeting',
    outcome: 'left',
    channel: 'retargeting',
    reason: `left audience "${from}": ${reason}`,
  });
}
