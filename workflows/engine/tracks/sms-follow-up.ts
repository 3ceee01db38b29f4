import { touchKey } from '../../ids';
import { formatDuration } from '../../rules/format-duration';
import { instantOfLocal, localDateTime } from '../../rules/local-time';
import type { TouchResult } from '../inputs';
import { isHeldOut, recordHeldOut } from '../held-out';
import { mayTouch, recordRefusal, recordTouch } from '../may-touch';
import type { Step } from '../step';

/**
 * The SMS follow-up to high intent (rule 1): explicit opt-in only, inside the
 * lead's local window, within caps and cooldowns (rules 5, 6). One waits at a
 * time; one that cannot go out while still relevant is dropped, not sent late.
 */
export function queueSms(step: Step, trigger: string, eventId: string, now: number): void {
  const gate = mayTouch(step.state, 'sms', now);
  // Only a refusal no time would lift skips it here; a window or cap waits with the SMS.
  if (!gate.allowed && gate.nextEligibleAt === null) {
    recordRefusal(step, 'sms', gate, 'skipped', `${gate.reason} (after ${trigger})`);
    return;
  }
  const waiting = step.state.pendingSms;
  if (waiting !== null) {
    step.record({
      rule: 'coordination',
      outcome: 'skipped',
      channel: 'sms',
      reason: `sms skipped: a follow-up for the ${waiting.trigger} is already waiting`,
    });
    return;
  }
  step.set({
    pendingSms: {
      trigger,
      triggerEventId: eventId,
      dueAt: now,
      expiresAt: now + step.state.plan.sms.relevance,
    },
  });
  trySms(step, now);
}

/** The wake-up's part: drop the waiting SMS once it is no longer relevant, else try it when due. */
export function smsDue(step: Step, now: number): void {
  const pending = step.state.pendingSms;
  if (pending !== null && pending.expiresAt <= now) {
    step.set({ pendingSms: null });
    step.record({
      rule: 'timing',
      outcome: 'dropped',
      channel: 'sms',
      reason: `sms dropped: no allowed send time within ${formatDuration(step.state.plan.sms.relevance)} of the ${pending.trigger}, no longer relevant`,
      data: { trigger: pending.trigger },
    });
  } else if (pending !== null && pending.dueAt <= now && step.state.pause === null) {
    trySms(step, now);
  }
}

/** Sends the pending SMS now if every rule allows, else defers it to the earliest time they do. */
function trySms(step: Step, now: number): void {
  const pending = step.state.pendingSms;
  if (pending === null) return;
  const gate = mayTouch(step.state, 'sms', now);
  if (!gate.allowed) {
    const nextAt = gate.nextEligibleAt;
    const later = { ...gate, data: { ...gate.data, trigger: pending.trigger } };
    if (nextAt === null) {
      step.set({ pendingSms: null });
      recordRefusal(step, 'sms', gate, 'dropped');
    } else if (nextAt > pending.expiresAt) {
      step.set({ pendingSms: null });
      const reason = `sms dropped: ${gate.reason}; the ${pending.trigger} is no longer relevant by then`;
      recordRefusal(step, 'sms', later, 'dropped', reason);
    } else if (pending.dueAt !== nextAt) {
      step.set({ pendingSms: { ...pending, dueAt: nextAt } });
      recordRefusal(step, 'sms', later, 'deferred', `sms deferred: ${gate.reason}`);
    }
    return;
  }
  const { plan, workflowId, smsCount } = step.state;
  const { localTime, timezone, window } = gate.window;
  const count = smsCount + 1;
  const name = `follow-up-${String(count)}`;
  const key = touchKey({ workflowId, planVersion: plan.version, step: name, channel: 'sms', variant: 'a' });
  if (isHeldOut(step.state, 'sms')) {
    // Counted like a sent one (smsCount), so the next ghost gets the next name; no cap sees it.
    step.set({ pendingSms: null, smsCount: count });
    const what = `sms ${name} (follow-up to the ${pending.trigger}, at ${localTime} ${timezone}, inside ${window})`;
    recordHeldOut(
      step,
      'sms',
      what,
      { ...gate.window, step: name, touchKey: key, trigger: pending.trigger },
      now,
    );
    return;
  }
  recordTouch(step, { channel: 'sms', key }, now, { pendingSms: null, smsCount: count });
  step.emit({
    type: 'send',
    channel: 'sms',
    touchKey: key,
    step: name,
    variant: 'a',
    subject: null,
    body: plan.sms.body,
    vars: { intent: pending.trigger },
    // A retry that would land after the window closes must not send (rule 6).
    notAfter: windowEnd(now, timezone, plan.sms.window.end),
  });
  step.record({
    rule: 'coordination',
    outcome: 'sending',
    channel: 'sms',
    reason: `sms follow-up to the ${pending.trigger} at ${localTime} ${timezone}, inside ${window}`,
    data: { ...gate.window, trigger: pending.trigger },
  });
}

export function onSmsResult(step: Step, result: TouchResult, now: number): void {
  if (result.outcome === 'failed') {
    step.record({
      rule: 'delivery',
      outcome: 'failed',
      channel: 'sms',
      reason: `sms was not sent: ${result.reason}`,
      data: { touchKey: result.touchKey },
    });
    return;
  }
  step.set({ lastTouch: { channel: 'sms', key: result.touchKey, at: now, delivered: result.delivered } });
  step.record({
    rule: 'coordination',
    outcome: 'sent',
    channel: 'sms',
    reason: 'sms sent',
    data: { touchKey: result.touchKey },
  });
}

/** The instant today's send window closes in the lead's zone. */
function windowEnd(now: number, zone: string, end: string): number {
  const local = localDateTime(now, zone);
  const [hour, minute] = end.split(':').map(Number);
  return instantOfLocal(
    { year: local.year, month: local.month, day: local.day, hour: hour ?? 20, minute: minute ?? 0 },
    zone,
  );
}
