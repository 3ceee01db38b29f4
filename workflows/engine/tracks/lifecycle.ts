import type { LeadEventOf } from '../../lead-event';
import { formatDuration } from '../../rules/format-duration';
import type { RuleName } from '../commands';
import type { Pause } from '../state';
import { isActive } from '../status';
import type { Step } from '../step';
import { onTimer } from '../wake-up';
import { leaveAudience } from './retargeting';

/**
 * A nurture's life: enrollment, pauses that end by themselves, the
 * account-level stop, the stops that end every channel at once (rule 4), and
 * completion.
 */
export function onStart(step: Step, now: number): void {
  const { plan, arm } = step.state;
  const first = plan.emailSteps[0];
  step.record({
    rule: 'enrollment',
    outcome: 'started',
    reason: `enrolled on plan ${plan.id} v${String(plan.version)}; first email "${first?.id ?? '?'}" ${
      first === undefined || first.delay === 0 ? 'now' : `in ${formatDuration(first.delay)}`
    }`,
    data: {
      planId: plan.id,
      planVersion: plan.version,
      timezone: step.state.profile.timezone,
      // The arm is on the timeline from the first decision (none for a plan without arms).
      ...(arm === undefined
        ? {}
        : { arm: arm.id, experimentId: arm.experimentId, armChannels: arm.channels.join(',') }),
    },
  });
  step.set({ phase: 'scheduled', stepIndex: 0, dueAt: now + (first?.delay ?? 0) });
  onTimer(step, now);
}

/** A colleague at the same account booked or replied: automated touches pause until sales resumes. */
export function pauseForAccount(step: Step, byLeadId: string, reason: string): void {
  if (!isActive(step.state) || step.state.pause !== null) return;
  step.set({ pause: { reason: 'account', detail: reason, until: null } });
  step.record({ rule: 'account-stop', outcome: 'paused', reason: `paused: ${reason}`, data: { byLeadId } });
}

/** The wake-up's part: a pause with an end (an out-of-office) ends. */
export function endPause(step: Step, now: number): void {
  const pause = step.state.pause;
  if (pause?.until == null || pause.until > now) return;
  step.set({ pause: null });
  step.record({ rule: pauseRule(pause.reason), outcome: 'resumed', reason: `resumed after ${pause.detail}` });
}

function pauseRule(reason: Pause['reason']): RuleName {
  return reason === 'account' ? 'account-stop' : 'replies';
}

export function onMeetingBooked(step: Step, event: LeadEventOf<'meeting.booked'>, now: number): void {
  stopEverything(
    step,
    now,
    'converted',
    `meeting booked${event.data.rescheduled === true ? ' (rescheduled)' : ''}: every channel stops`,
    'booking',
  );
  if (step.state.plan.accountStop.onBooking) {
    step.emit({ type: 'pause-account', reason: `a colleague (${step.state.leadId}) booked a meeting` });
  }
}

export function onMeetingCanceled(step: Step, event: LeadEventOf<'meeting.canceled'>): void {
  step.recordEvent(
    event,
    'lifecycle',
    'meeting canceled: recorded; the nurture is not restarted by this alone',
  );
}

/** The suppression's reason as its record and the timeline give it, whoever records it. */
export function suppressionReason(source: string, reason: string): string {
  return `suppressed by ${source}: ${reason}`;
}

/**
 * Rule 4: every channel stops at once. Timers are cleared with the state
 * (the workflow has nothing left to wait for), audiences left, open LinkedIn
 * tasks cancelled, the suppression recorded and the CRM told.
 */
export function stopEverything(
  step: Step,
  now: number,
  status: 'converted' | 'suppressed' | 'opted-out',
  reason: string,
  source: string,
): void {
  if (!isActive(step.state)) return;
  const hadTask = step.state.linkedinTaskKey !== null;
  step.set({ status, phase: 'finished', dueAt: null, pendingSms: null, pause: null });
  if (hadTask) step.emit({ type: 'cancel-linkedin-tasks', reason });
  leaveAudience(step, reason, now);
  step.emit({ type: 'record-suppression', reason, source });
  step.emit({ type: 'notify-crm', kind: status, reason });
  step.record({ rule: 'suppression', outcome: status, reason, data: { at: new Date(now).toISOString() } });
}

export function finish(step: Step, status: 'completed', reason: string, now: number): void {
  if (step.state.linkedinTaskKey !== null) step.emit({ type: 'cancel-linkedin-tasks', reason });
  step.set({ status, phase: 'finished', dueAt: null, pendingSms: null, pause: null, handoff: null });
  leaveAudience(step, reason, now);
  step.record({ rule: 'lifecycle', outcome: status, reason });
}
