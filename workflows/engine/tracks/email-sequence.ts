import type { EmailStep } from '../../../plans/plan-schema';
import { touchKey } from '../../ids';
import type { LeadEvent } from '../../lead-event';
import { variantFor } from '../../rules/ab-variant';
import { adaptedDelay } from '../../rules/cadence';
import { formatDuration } from '../../rules/format-duration';
import type { TouchResult } from '../inputs';
import { isHeldOut, recordHeldOut, setGhost } from '../held-out';
import { mayTouch, recordRefusal } from '../may-touch';
import type { NurtureState } from '../state';
import { isActive } from '../status';
import type { Step } from '../step';
import { onTimer } from '../wake-up';
import { currentScore } from './engagement';
import { finish } from './lifecycle';
import { requestLinkedInConnection, skipLinkedInAtTheEnd } from './linkedin-task';

/**
 * The email narrative: each step goes out (its A/B variant), the engine waits
 * for an open for the plan's open window, then moves on after the next step's
 * delay, adapted to engagement (rule 10). An unopened email hands over to
 * LinkedIn (rule 1). Re-engagement steps go to disengaged leads only.
 */
export function sendEmailStep(step: Step, now: number): void {
  const email = currentStep(step.state);
  if (email === undefined) {
    finish(step, 'completed', 'all email steps done', now);
    return;
  }
  if (email.reengagement !== (step.state.status === 'disengaged')) {
    step.record({
      rule: 'status-matrix',
      outcome: 'skipped',
      channel: 'email',
      reason: email.reengagement
        ? `email "${email.id}" skipped: re-engagement step, lead is ${step.state.status}`
        : `email "${email.id}" skipped: disengaged leads get the re-engagement path only`,
    });
    advance(step, now);
    return;
  }
  const gate = mayTouch(step.state, 'email', now);
  if (!gate.allowed && gate.nextEligibleAt === null) {
    recordRefusal(step, 'email', gate, 'skipped', `${gate.reason} (step "${email.id}")`);
    advance(step, now);
    return;
  }
  if (!gate.allowed) {
    step.set({ dueAt: gate.nextEligibleAt });
    recordRefusal(step, 'email', gate, 'deferred', `email "${email.id}" deferred: ${gate.reason}`);
    return;
  }
  const variant = variantFor(step.state.leadId, email);
  const key = emailTouchKey(step.state, email);
  if (isHeldOut(step.state, 'email')) {
    holdOutEmail(step, email, variant.id, key, now);
    return;
  }
  // dueAt is cleared until the send's outcome comes back as a touch-result.
  step.set({ dueAt: null, lastTouch: { channel: 'email', key, at: now, delivered: false } });
  step.emit({
    type: 'send',
    channel: 'email',
    touchKey: key,
    step: email.id,
    variant: variant.id,
    subject: variant.subject,
    body: variant.body,
    vars: {},
    notAfter: null,
  });
}

/**
 * A held-out email: recorded as a ghost touch, then the sequence goes on as
 * if it had gone out and was never opened, so the later steps' ghost touches
 * fall when they would have. It counts for no cap and builds no real email
 * relationship.
 */
function holdOutEmail(step: Step, email: EmailStep, variant: string, key: string, now: number): void {
  recordHeldOut(
    step,
    'email',
    `email "${email.id}" (variant ${variant})`,
    { step: email.id, variant, touchKey: key },
    now,
  );
  setGhost(step, { emailSent: true });
  step.set({ phase: 'awaiting-open', dueAt: now + step.state.plan.openWindow });
}

/** The send came back: wait for an open (sent), or move on (failed). */
export function onEmailResult(step: Step, result: TouchResult, now: number): void {
  const state = step.state;
  const email = currentStep(state);
  // Matched against the step's own key: an SMS sent in the same step may have become lastTouch.
  const expected = email === undefined ? null : emailTouchKey(state, email);
  if (expected !== result.touchKey || state.phase !== 'scheduled' || state.dueAt !== null || !isActive(state))
    return;
  if (result.outcome === 'failed') {
    step.record({
      rule: 'delivery',
      outcome: 'failed',
      channel: 'email',
      reason: `email "${email?.id ?? '?'}" was not sent: ${result.reason}`,
      data: { touchKey: result.touchKey },
    });
    advance(step, now);
    return;
  }
  // Rule 2 needs a delivered email; providers without delivery reports deliver on accept.
  const delivered = result.delivered && state.emailBlocked === null;
  step.set({
    emailRelationship: state.emailRelationship || delivered,
    phase: 'awaiting-open',
    dueAt: now + state.plan.openWindow,
    sent: [...state.sent, { channel: 'email', at: now }],
    lastTouch: { channel: 'email', key: result.touchKey, at: now, delivered },
  });
  step.record({
    rule: 'coordination',
    outcome: 'sent',
    channel: 'email',
    reason: `email "${email?.id ?? '?'}" sent; waiting up to ${formatDuration(step.state.plan.openWindow)} for an open`,
    data: { touchKey: result.touchKey },
  });
}

/** An open while the engine waits for one: the open window ends and the next step is scheduled. */
export function openedWithinWindow(step: Step, event: LeadEvent, opens: number, now: number): void {
  if (step.state.phase !== 'awaiting-open') return;
  step.record({
    rule: 'open-window',
    outcome: 'opened',
    channel: 'email',
    reason: `email "${currentStep(step.state)?.id ?? '?'}" opened within the ${formatDuration(step.state.plan.openWindow)} open window`,
    data: { eventId: event.id, opens },
  });
  advance(step, now);
}

/** No open within the window: LinkedIn takes over (once), unless the nurture ends with this step. */
export function onOpenWindowClosed(step: Step, now: number): void {
  const { plan, stepIndex, lastTouch } = step.state;
  // A held-out email was never there to be opened: its ghost went unanswered, in silence.
  if (!isHeldOut(step.state, 'email'))
    step.record({
      rule: 'open-window',
      outcome: 'no-open',
      channel: 'email',
      reason: `email "${currentStep(step.state)?.id ?? '?'}" not opened within the ${formatDuration(plan.openWindow)} open window`,
      data: { touchKey: lastTouch?.key ?? null },
    });
  if (stepIndex + 1 < plan.emailSteps.length) requestLinkedInConnection(step, now);
  else skipLinkedInAtTheEnd(step);
  advance(step, now);
}

/** Moves to the next email step (after its adapted delay), or completes after the last one. */
function advance(step: Step, now: number): void {
  const nextIndex = step.state.stepIndex + 1;
  const next = step.state.plan.emailSteps[nextIndex];
  if (next === undefined) {
    finish(step, 'completed', 'all email steps done', now);
    return;
  }
  const score = currentScore(step.state, now);
  const cadence = adaptedDelay(step.state, next.delay, score);
  step.set({ phase: 'scheduled', stepIndex: nextIndex, dueAt: now + cadence.delay, scoreAtLastStep: score });
  if (cadence.delay !== next.delay) {
    step.record({
      rule: 'cadence',
      outcome: cadence.delay < next.delay ? 'shortened' : 'lengthened',
      channel: 'email',
      reason: `next email "${next.id}" in ${formatDuration(cadence.delay)} instead of ${formatDuration(next.delay)}: ${cadence.why}`,
      nextEligibleAt: now + cadence.delay,
    });
  }
  if (cadence.delay === 0) onTimer(step, now);
}

/** The wake-up's part: the step is due (send it) or its open window has ended. */
export function emailDue(step: Step, now: number): void {
  const { pause, phase, dueAt } = step.state;
  if (pause !== null || phase === 'finished' || dueAt === null || dueAt > now) return;
  if (phase === 'scheduled') sendEmailStep(step, now);
  else onOpenWindowClosed(step, now);
}

function currentStep(state: NurtureState): EmailStep | undefined {
  return state.plan.emailSteps[state.stepIndex];
}

function emailTouchKey(state: NurtureState, email: EmailStep): string {
  return touchKey({
    workflowId: state.workflowId,
    planVersion: state.plan.version,
    step: email.id,
    channel: 'email',
    variant: variantFor(state.leadId, email).id,
  });
}
