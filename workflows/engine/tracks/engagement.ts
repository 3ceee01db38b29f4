import { isReplyEvent, type LeadEvent, type LeadEventOf } from '../../lead-event';
import { formatDuration } from '../../rules/format-duration';
import { isAutoReply } from '../../rules/auto-reply';
import { applyPoints, decayedScore } from '../../rules/scoring';
import type { NurtureState } from '../state';
import { isActive, type NurtureStatus } from '../status';
import type { Step } from '../step';
import { openedWithinWindow } from './email-sequence';
import { openHandoff } from './handoff';

/**
 * How engaged the lead is: opens, the decaying score and the status they
 * drive (new → engaged → high-intent, disengaged after a silence). The
 * thresholds are the plan's.
 */
export function currentScore(state: NurtureState, now: number): number {
  return decayedScore(state.score.score, state.score.at, now, state.plan.scoring.halfLife);
}

export function changeStatus(step: Step, status: NurtureStatus, why: string): void {
  const from = step.state.status;
  if (from === status) return;
  step.set({ status });
  step.record({ rule: 'status', outcome: status, reason: `status ${from} → ${status}: ${why}` });
}

/** Score thresholds (rule 9): high intent, then a hand-off to sales. */
export function applyScoreThresholds(step: Step, now: number): void {
  const score = currentScore(step.state, now);
  const { highIntentAt, handoffAt } = step.state.plan.scoring;
  const status = step.state.status;
  if (score >= highIntentAt && (status === 'new' || status === 'engaged' || status === 'disengaged')) {
    changeStatus(step, 'high-intent', `score ${score.toFixed(1)} ≥ ${String(highIntentAt)}`);
  }
  if (score >= handoffAt && step.state.handoff === null) {
    openHandoff(step, now, `score ${score.toFixed(1)} reached the hand-off threshold ${String(handoffAt)}`);
  }
}

/**
 * The plan's points for an event, decayed in. A machine open (mail privacy
 * proxy) is not the lead's doing, nor, from rules version 2, an auto-reply.
 */
export function scoreEvent(step: Step, event: LeadEvent, now: number): void {
  const { plan, score, rulesVersion } = step.state;
  if (event.type === 'email.opened' && event.data.machineOpen === true) return;
  if (rulesVersion >= 2 && isReplyEvent(event) && isAutoReply(event)) return;
  const points = plan.scoring.points[event.type] ?? 0;
  if (points !== 0) step.set({ score: applyPoints(score, points, now, plan.scoring.halfLife) });
}

/** When the lead counts as disengaged if nothing is opened before, or null when that cannot happen now. */
export function disengagedAt(state: NurtureState): number | null {
  if (!isActive(state) || state.status === 'disengaged' || state.status === 'high-intent') return null;
  return (state.lastOpenAt ?? state.enrolledAt) + state.plan.disengagedAfter;
}

/** The wake-up's part: no open for the plan's silence → disengaged (re-engagement path). */
export function checkDisengaged(step: Step, now: number): void {
  const at = disengagedAt(step.state);
  if (at === null || at > now) return;
  const since = step.state.lastOpenAt ?? step.state.enrolledAt;
  changeStatus(
    step,
    'disengaged',
    `no open for ${formatDuration(now - since)} (threshold ${formatDuration(step.state.plan.disengagedAfter)})`,
  );
}

/** An open: counted unless a mail privacy proxy made it; it may lift the status and ends the open window. */
export function onOpened(step: Step, event: LeadEventOf<'email.opened'>, now: number): void {
  if (event.data.machineOpen === true) {
    step.recordEvent(event, 'scoring', 'machine open (mail privacy proxy): recorded, not counted', 'email');
    return;
  }
  const { status, plan, emailBlocked, emailRelationship } = step.state;
  const opens = step.state.opens + 1;
  step.set({
    opens,
    lastOpenAt: now,
    emailRelationship: emailBlocked === null ? true : emailRelationship,
  });
  if (status === 'disengaged')
    changeStatus(step, opens >= plan.engagedAfterOpens ? 'engaged' : 'new', 'opened an email again');
  else if (status === 'new' && opens >= plan.engagedAfterOpens)
    changeStatus(step, 'engaged', `${String(opens)} emails opened`);
  openedWithinWindow(step, event, opens, now);
}
