import { ghostOf, isHeldOut, recordHeldOut, setGhost } from '../held-out';
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
  if (isHeldOut(step.state, 'retargeting')) {
    ghostAudience(step, wanted, now);
    return;
  }
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

export function leaveAudience(step: Step, reason: string, now: number): void {
  if (isHeldOut(step.state, 'retargeting')) {
    ghostAudience(step, null, now);
    return;
  }
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

/** The membership a held-out lead would have: each change a ghost touch, no platform told. */
function ghostAudience(step: Step, wanted: string | null, now: number): void {
  const from = ghostOf(step.state).audience;
  if (wanted === from) return;
  setGhost(step, { audience: wanted });
  const what =
    wanted === null
      ? `leaving audience "${from ?? '?'}"`
      : from === null
        ? `joining audience "${wanted}"`
        : `moving from audience "${from}" to "${wanted}"`;
  recordHeldOut(step, 'retargeting', what, { from, to: wanted }, now);
}
