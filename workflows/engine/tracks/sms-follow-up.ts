import { touchKey } from '../../ids';
import { formatDuration } from '../../rules/format-duration';
import { formatLocal, instantOfLocal, localDateTime } from '../../rules/local-time';
import { checkSendWindow } from '../../rules/send-window';
import { checkChannel } from '../channel-policy';
import type { DecisionData, RuleName } from '../commands';
import type { TouchResult } from '../inputs';
import type { Step } from '../step';
import { limitFor } from '../touch-limits';

/**
 * The SMS follow-up to high intent (rule 1): explicit opt-in only, inside the
 * lead's local window, within caps and cooldowns (rules 5, 6). One waits at a
 * time; one that cannot go out while still relevant is dropped, not sent late.
 */
export function queueSms(step: Step, trigger: string, eventId: string, now: number): void {
  const allowed = checkChannel(step.state, 'sms');
  if (!allowed.ok) {
    step.record({
      rule: allowed.rule,
      outcome: 'skipped',
      channel: 'sms',
      reason: `${allowed.reason} (after ${trigger})`,
      data: allowed.data,
    });
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
  const allowed = checkChannel(step.state, 'sms');
  if (!allowed.ok) {
    step.set({ pendingSms: null });
    step.record({
      rule: allowed.rule,
      outcome: 'dropped',
      channel: 'sms',
      reason: allowed.reason,
      data: allowed.data,
    });
    return;
  }
  const { plan, profile, workflowId, smsCount, sent } = step.state;
  const zone = profile.timezone;
  const window = plan.sms.window;
  const windowText = `${window.start}–${window.end}`;
  const check = checkSendWindow(now, zone, window);
  let nextAt: number | null = null;
  let why = '';
  let rule: RuleName = 'timing';
  let data: DecisionData = {
    localTime: check.localTime,
    timezone: zone,
    window: windowText,
    trigger: pending.trigger,
  };
  if (!check.inside) {
    nextAt = check.nextOpening;
    why = `${check.localTime} in ${zone} is outside ${windowText}, next window ${formatLocal(check.nextOpening, zone)}`;
  } else {
    const limit = limitFor(step.state, 'sms', now);
    if (limit !== null) {
      nextAt = limit.nextAllowedAt;
      why = limit.reason;
      rule = limit.rule;
      data = { ...data, ...limit.data };
    }
  }
  if (nextAt !== null) {
    if (nextAt > pending.expiresAt) {
      step.set({ pendingSms: null });
      step.record({
        rule,
        outcome: 'dropped',
        channel: 'sms',
        reason: `sms dropped: ${why}; the ${pending.trigger} is no longer relevant by then`,
        data,
        nextEligibleAt: nextAt,
      });
      return;
    }
    if (pending.dueAt !== nextAt) {
      step.set({ pendingSms: { ...pending, dueAt: nextAt } });
      step.record({
        rule,
        outcome: 'deferred',
        channel: 'sms',
        reason: `sms deferred: ${why}`,
        data,
        nextEligibleAt: nextAt,
      });
    }
    return;
  }
  const count = smsCount + 1;
  const name = `follow-up-${String(count)}`;
  const key = touchKey({ workflowId, planVersion: plan.version, step: name, channel: 'sms', variant: 'a' });
  step.set({
    pendingSms: null,
    smsCount: count,
    sent: [...sent, { channel: 'sms', at: now }],
    lastTouch: { channel: 'sms', key, at: now, delivered: false },
  });
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
    notAfter: windowEnd(now, zone, window.end),
  });
  step.record({
    rule: 'coordination',
    outcome: 'sending',
    channel: 'sms',
    reason: `sms follow-up to the ${pending.trigger} at ${check.localTime} ${zone}, inside ${windowText}`,
    data,
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
