import type { NurtureState } from './state';
import { isActive } from './status';
import type { Step } from './step';
import { emailDue } from './tracks/email-sequence';
import { checkDisengaged, disengagedAt } from './tracks/engagement';
import { checkHandoffSla } from './tracks/handoff';
import { endPause } from './tracks/lifecycle';
import { smsDue } from './tracks/sms-follow-up';

/** The earliest time the workflow must wake up, or null when only a signal can move it. */
export function nextWakeUp(state: NurtureState): number | null {
  if (!isActive(state)) return null;
  const times: number[] = [];
  if (state.pause?.until != null) times.push(state.pause.until);
  if (state.handoff?.status === 'open') times.push(state.handoff.slaDueAt);
  if (state.pause === null) {
    if (state.phase !== 'finished' && state.dueAt !== null) times.push(state.dueAt);
    if (state.pendingSms !== null) times.push(Math.min(state.pendingSms.dueAt, state.pendingSms.expiresAt));
  } else if (state.pendingSms !== null) {
    times.push(state.pendingSms.expiresAt);
  }
  const disengageAt = disengagedAt(state);
  if (disengageAt !== null) times.push(disengageAt);
  return times.length === 0 ? null : Math.min(...times);
}

/**
 * Whatever is due at `now`, in this order: a pause that ends, a hand-off past
 * its SLA, the disengagement check, the waiting SMS, the email step. Each
 * track's part is its own function; the order is the one place they meet.
 */
export function onTimer(step: Step, now: number): void {
  if (!isActive(step.state)) return;
  endPause(step, now);
  checkHandoffSla(step, now);
  checkDisengaged(step, now);
  smsDue(step, now);
  emailDue(step, now);
}
