import { touchKey } from '../../ids';
import type { LeadEventOf } from '../../lead-event';
import { formatDuration } from '../../rules/format-duration';
import { isHeldOut, recordHeldOut } from '../held-out';
import { mayTouch, recordRefusal, recordTouch } from '../may-touch';
import type { Step } from '../step';

/**
 * LinkedIn is a task for the named rep, not an automated send: one
 * connection request when an email went unopened (rule 1), after an email
 * relationship exists (rule 2). What the rep reports back is recorded.
 */
export function requestLinkedInConnection(step: Step, now: number): void {
  if (step.state.linkedinRequested) return;
  const gate = mayTouch(step.state, 'linkedin', now);
  if (!gate.allowed) {
    // Asked once, when the email went unopened: a later time would be out of step with the emails.
    const reason = gate.nextEligibleAt === null ? gate.reason : `linkedin skipped: ${gate.reason}`;
    recordRefusal(step, 'linkedin', gate, 'skipped', reason);
    return;
  }
  const { workflowId, plan, profile } = step.state;
  const ownerId = profile.ownerId ?? '';
  const key = touchKey({
    workflowId,
    planVersion: plan.version,
    step: 'connect',
    channel: 'linkedin',
    variant: 'a',
  });
  if (isHeldOut(step.state, 'linkedin')) {
    // Asked once, as a real request is; no task exists, so none is cancelled later.
    step.set({ linkedinRequested: true });
    recordHeldOut(
      step,
      'linkedin',
      `linkedin connection request for ${ownerId}`,
      { ownerId, taskKey: key, step: 'connect' },
      now,
    );
    return;
  }
  recordTouch(step, { channel: 'linkedin', key }, now, { linkedinRequested: true, linkedinTaskKey: key });
  step.emit({
    type: 'create-linkedin-task',
    taskKey: key,
    ownerId,
    note: plan.linkedin.connectionNote,
    step: 'connect',
  });
  step.record({
    rule: 'coordination',
    outcome: 'linkedin-task',
    channel: 'linkedin',
    reason: `linkedin connection request assigned to ${ownerId}: email not opened within ${formatDuration(plan.openWindow)}`,
    data: { ownerId, taskKey: key },
  });
}

/** The nurture ends with this step, and ending cancels open tasks: a task now would be void at once. */
export function skipLinkedInAtTheEnd(step: Step): void {
  if (step.state.linkedinRequested) return;
  step.record({
    rule: 'coordination',
    outcome: 'skipped',
    channel: 'linkedin',
    reason: 'linkedin skipped: the nurture ends after its last email',
  });
}

export function onConnectionAccepted(step: Step, event: LeadEventOf<'linkedin.connection_accepted'>): void {
  step.recordEvent(event, 'coordination', 'linkedin connection accepted', 'linkedin');
}

/** The rep's own action, not the lead's: recorded, never scored. */
export function onRequestSent(step: Step, event: LeadEventOf<'linkedin.request_sent'>): void {
  step.recordEvent(
    event,
    'coordination',
    `linkedin request sent by ${event.data.by ?? 'the rep'}`,
    'linkedin',
  );
}
