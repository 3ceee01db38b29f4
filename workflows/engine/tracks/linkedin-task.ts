import { touchKey } from '../../ids';
import type { LeadEvent } from '../../lead-event';
import { formatDuration } from '../../rules/format-duration';
import { checkChannel } from '../channel-policy';
import type { Step } from '../step';
import { limitFor } from '../touch-limits';

/**
 * LinkedIn is a task for the named rep, not an automated send: one
 * connection request when an email went unopened (rule 1), after an email
 * relationship exists (rule 2). What the rep reports back is recorded.
 */
export function requestLinkedInConnection(step: Step, now: number): void {
  if (step.state.linkedinRequested) return;
  const allowed = checkChannel(step.state, 'linkedin');
  if (!allowed.ok) {
    step.record({
      rule: allowed.rule,
      outcome: 'skipped',
      channel: 'linkedin',
      reason: allowed.reason,
      data: allowed.data,
    });
    return;
  }
  const limit = limitFor(step.state, 'linkedin', now);
  if (limit !== null) {
    step.record({
      rule: limit.rule,
      outcome: 'skipped',
      channel: 'linkedin',
      reason: `linkedin skipped: ${limit.reason}`,
      data: limit.data,
      nextEligibleAt: limit.nextAllowedAt,
    });
    return;
  }
  const { workflowId, plan, profile, sent } = step.state;
  const ownerId = profile.ownerId ?? '';
  const key = touchKey({
    workflowId,
    planVersion: plan.version,
    step: 'connect',
    channel: 'linkedin',
    variant: 'a',
  });
  step.set({
    linkedinRequested: true,
    linkedinTaskKey: key,
    sent: [...sent, { channel: 'linkedin', at: now }],
    lastTouch: { channel: 'linkedin', key, at: now, delivered: false },
  });
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

export function onConnectionAccepted(step: Step, event: LeadEvent): void {
  step.record({
    rule: 'coordination',
    outcome: 'recorded',
    channel: 'linkedin',
    reason: 'linkedin connection accepted',
    data: { eventId: event.id },
  });
}

/** The rep's own action, not the lead's: recorded, never scored. */
export function onRequestSent(step: Step, event: LeadEvent): void {
  step.record({
    rule: 'coordination',
    outcome: 'recorded',
    channel: 'linkedin',
    reason: `linkedin request sent by ${typeof event.data.by === 'string' ? event.data.by : 'the rep'}`,
    data: { eventId: event.id },
  });
}
