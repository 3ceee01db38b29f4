import type { EmailStep } from '../../plans/plan-schema';
import { touchKey } from '../ids';
import type { LeadEvent } from '../lead-event';
import { isAutoReply, returnDateOf } from './auto-reply';
import { adaptedDelay } from './cadence';
import type { Channel, ConsentChannel } from './channels';
import { checkChannel, NUDGE_INTERVAL_MS, nudgeLimited } from './channel-policy';
import { formatDuration } from './format-duration';
import { checkCaps, checkCooldown, pruneHistory } from './frequency-caps';
import { highIntentTrigger } from './intent';
import { formatLocal, instantOfLocal, localDateTime } from './local-time';
import type {
  Decision,
  DecisionRecord,
  HandoffContext,
  NurtureCommand,
  NurtureInput,
  NurtureStart,
  NurtureState,
  NurtureStatus,
  SalesAction,
} from './nurture-state';
import { isActive, SEEN_EVENT_IDS_LIMIT } from './nurture-state';
import { applyPoints, decayedScore } from './scoring';
import { checkSendWindow } from './send-window';

/**
 * The nurture's rules as one pure function: state + input + now → next state
 * and commands, each decision with its rule, inputs and reason. No clock, no
 * I/O, no Temporal: the workflow is a thin shell that waits, calls this and
 * carries out the commands. Each rule lives in its own module (channel-policy,
 * send-window, frequency-caps, intent, auto-reply, cadence, scoring); this file
 * sequences them.
 */
export function initialState(start: NurtureStart, now: number): NurtureState {
  return {
    leadId: start.leadId,
    workflowId: start.workflowId,
    plan: start.plan,
    profile: start.profile,
    status: 'new',
    phase: 'scheduled',
    stepIndex: 0,
    dueAt: null,
    enrolledAt: now,
    opens: 0,
    clicks: 0,
    lastOpenAt: null,
    score: { score: 0, at: now },
    scoreAtLastStep: 0,
    consent: start.consent,
    emailRelationship: false,
    emailBlocked: null,
    sent: [],
    pendingSms: null,
    smsCount: 0,
    linkedinTaskKey: null,
    linkedinRequested: false,
    audience: null,
    handoff: null,
    pause: null,
    lastTouch: null,
    seenEventIds: [],
    decisionCount: 0,
  };
}

export function decide(state: NurtureState, input: NurtureInput, now: number): Decision {
  const out = new Out(state);
  switch (input.kind) {
    case 'start':
      onStart(out, now);
      break;
    case 'timer':
      onTimer(out, now);
      break;
    case 'event':
      onEvent(out, input.event, now);
      break;
    case 'touch-result':
      onTouchResult(out, input, now);
      break;
    case 'sales':
      onSales(out, input.sales, now);
      break;
    case 'suppress':
      stopEverything(out, now, 'suppressed', `suppressed by ${input.source}: ${input.reason}`, input.source);
      break;
    case 'account-pause':
      if (isActive(out.state) && out.state.pause === null) {
        out.set({ pause: { reason: 'account', detail: input.reason, until: null } });
        out.decide({
          rule: 'account-stop',
          outcome: 'paused',
          reason: `paused: ${input.reason}`,
          data: { byLeadId: input.byLeadId },
        });
      }
      break;
  }
  if (isActive(out.state)) syncAudience(out);
  // Keep only the sends a cap or cooldown can still see: the state stays small for months.
  if (out.state.sent !== state.sent) {
    out.set({ sent: pruneHistory(out.state.sent, now, out.state.plan.caps, out.state.plan.cooldowns) });
  }
  return out.result();
}

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

/** Collects state changes and commands; decisions are numbered by the workflow. */
class Out {
  readonly commands: NurtureCommand[] = [];
  constructor(public state: NurtureState) {}
  set(patch: Partial<NurtureState>): void {
    this.state = { ...this.state, ...patch };
  }
  emit(command: NurtureCommand): void {
    this.commands.push(command);
  }
  decide(decision: DecisionRecord): void {
    this.commands.push({
      type: 'record-decision',
      decision: { ...decision, data: { status: this.state.status, ...decision.data } },
    });
  }
  result(): Decision {
    return { state: this.state, commands: this.commands };
  }
}

// ---------------------------------------------------------------- start, timers

function onStart(out: Out, now: number): void {
  const plan = out.state.plan;
  const first = plan.emailSteps[0];
  out.decide({
    rule: 'enrollment',
    outcome: 'started',
    reason: `enrolled on plan ${plan.id} v${String(plan.version)}; first email "${first?.id ?? '?'}" ${
      first === undefined || first.delay === 0 ? 'now' : `in ${formatDuration(first.delay)}`
    }`,
    data: { planId: plan.id, planVersion: plan.version, timezone: out.state.profile.timezone },
  });
  out.set({ phase: 'scheduled', stepIndex: 0, dueAt: now + (first?.delay ?? 0) });
  onTimer(out, now);
}

function onTimer(out: Out, now: number): void {
  if (!isActive(out.state)) return;
  const { pause, handoff } = out.state;
  if (pause?.until != null && pause.until <= now) {
    out.set({ pause: null });
    out.decide({
      rule: pauseRule(pause.reason),
      outcome: 'resumed',
      reason: `resumed after ${pause.detail}`,
    });
  }
  if (handoff?.status === 'open' && handoff.slaDueAt <= now) escalate(out, now);
  const disengageAt = disengagedAt(out.state);
  if (disengageAt !== null && disengageAt <= now) {
    const since = out.state.lastOpenAt ?? out.state.enrolledAt;
    changeStatus(
      out,
      'disengaged',
      `no open for ${formatDuration(now - since)} (threshold ${formatDuration(out.state.plan.disengagedAfter)})`,
    );
  }
  const pending = out.state.pendingSms;
  if (pending !== null && pending.expiresAt <= now) {
    out.set({ pendingSms: null });
    out.decide({
      rule: 'timing',
      outcome: 'dropped',
      channel: 'sms',
      reason: `sms dropped: no allowed send time within ${formatDuration(out.state.plan.sms.relevance)} of the ${pending.trigger}, no longer relevant`,
      data: { trigger: pending.trigger },
    });
  } else if (pending !== null && pending.dueAt <= now && out.state.pause === null) {
    trySms(out, now);
  }
  if (
    out.state.pause === null &&
    out.state.phase !== 'finished' &&
    out.state.dueAt !== null &&
    out.state.dueAt <= now
  ) {
    if (out.state.phase === 'scheduled') sendEmailStep(out, now);
    else onOpenWindowClosed(out, now);
  }
}

function disengagedAt(state: NurtureState): number | null {
  if (!isActive(state) || state.status === 'disengaged' || state.status === 'high-intent') return null;
  return (state.lastOpenAt ?? state.enrolledAt) + state.plan.disengagedAfter;
}

// ---------------------------------------------------------------- email narrative

function sendEmailStep(out: Out, now: number): void {
  const state = out.state;
  const step = state.plan.emailSteps[state.stepIndex];
  if (step === undefined) {
    finish(out, 'completed', 'all email steps done');
    return;
  }
  if (step.reengagement !== (state.status === 'disengaged')) {
    out.decide({
      rule: 'status-matrix',
      outcome: 'skipped',
      channel: 'email',
      reason: step.reengagement
        ? `email "${step.id}" skipped: re-engagement step, lead is ${state.status}`
        : `email "${step.id}" skipped: disengaged leads get the re-engagement path only`,
    });
    advance(out, now);
    return;
  }
  const allowed = checkChannel(state, 'email');
  if (!allowed.ok) {
    out.decide({
      rule: allowed.rule,
      outcome: 'skipped',
      channel: 'email',
      reason: `${allowed.reason} (step "${step.id}")`,
      data: allowed.data,
    });
    advance(out, now);
    return;
  }
  const limit = limitFor(out.state, 'email', now);
  if (limit !== null) {
    out.set({ dueAt: limit.nextAllowedAt });
    out.decide({
      rule: limit.rule,
      outcome: 'deferred',
      channel: 'email',
      reason: `email "${step.id}" deferred: ${limit.reason}`,
      data: limit.data,
      nextEligibleAt: limit.nextAllowedAt,
    });
    return;
  }
  const variant = variantFor(state.leadId, step);
  const key = touchKey({
    workflowId: state.workflowId,
    planVersion: state.plan.version,
    step: step.id,
    channel: 'email',
    variant: variant.id,
  });
  // dueAt is cleared until the send's outcome comes back as a touch-result.
  out.set({ dueAt: null, lastTouch: { channel: 'email', key, at: now, delivered: false } });
  out.emit({
    type: 'send',
    channel: 'email',
    touchKey: key,
    step: step.id,
    variant: variant.id,
    subject: variant.subject,
    body: variant.body,
    vars: {},
    notAfter: null,
  });
}

/** A/B assignment: deterministic per lead and step (FNV-1a of the ids). */
export function variantFor(leadId: string, step: EmailStep): EmailStep['variants'][number] {
  let hash = 0x811c9dc5;
  for (const char of `${leadId}:${step.id}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const variant = step.variants[hash % step.variants.length] ?? step.variants[0];
  if (variant === undefined) throw new Error(`step ${step.id} has no variants`);
  return variant;
}

function onOpenWindowClosed(out: Out, now: number): void {
  const state = out.state;
  const step = state.plan.emailSteps[state.stepIndex];
  out.decide({
    rule: 'open-window',
    outcome: 'no-open',
    channel: 'email',
    reason: `email "${step?.id ?? '?'}" not opened within the ${formatDuration(state.plan.openWindow)} open window`,
    data: { touchKey: state.lastTouch?.key ?? null },
  });
  if (state.stepIndex + 1 < state.plan.emailSteps.length) {
    requestLinkedInConnection(out, now);
  } else if (!state.linkedinRequested) {
    // The nurture ends with this step, and ending cancels open tasks: a task now would be void at once.
    out.decide({
      rule: 'coordination',
      outcome: 'skipped',
      channel: 'linkedin',
      reason: 'linkedin skipped: the nurture ends after its last email',
    });
  }
  advance(out, now);
}

/** Rule 1: an unopened email → a LinkedIn connection request from the named rep, once. */
function requestLinkedInConnection(out: Out, now: number): void {
  const state = out.state;
  if (state.linkedinRequested) return;
  const allowed = checkChannel(state, 'linkedin');
  if (!allowed.ok) {
    out.decide({
      rule: allowed.rule,
      outcome: 'skipped',
      channel: 'linkedin',
      reason: allowed.reason,
      data: allowed.data,
    });
    return;
  }
  const limit = limitFor(state, 'linkedin', now);
  if (limit !== null) {
    out.decide({
      rule: limit.rule,
      outcome: 'skipped',
      channel: 'linkedin',
      reason: `linkedin skipped: ${limit.reason}`,
      data: limit.data,
      nextEligibleAt: limit.nextAllowedAt,
    });
    return;
  }
  const ownerId = state.profile.ownerId ?? '';
  const key = touchKey({
    workflowId: state.workflowId,
    planVersion: state.plan.version,
    step: 'connect',
    channel: 'linkedin',
    variant: 'a',
  });
  out.set({
    linkedinRequested: true,
    linkedinTaskKey: key,
    sent: [...state.sent, { channel: 'linkedin', at: now }],
    lastTouch: { channel: 'linkedin', key, at: now, delivered: false },
  });
  out.emit({
    type: 'create-linkedin-task',
    taskKey: key,
    ownerId,
    note: state.plan.linkedin.connectionNote,
    step: 'connect',
  });
  out.decide({
    rule: 'coordination',
    outcome: 'linkedin-task',
    channel: 'linkedin',
    reason: `linkedin connection request assigned to ${ownerId}: email not opened within ${formatDuration(state.plan.openWindow)}`,
    data: { ownerId, taskKey: key },
  });
}

/** Moves to the next email step (after its adapted delay), or completes after the last one. */
function advance(out: Out, now: number): void {
  const state = out.state;
  const nextIndex = state.stepIndex + 1;
  const next = state.plan.emailSteps[nextIndex];
  if (next === undefined) {
    finish(out, 'completed', 'all email steps done');
    return;
  }
  const score = currentScore(state, now);
  const cadence = adaptedDelay(state, next.delay, score);
  out.set({ phase: 'scheduled', stepIndex: nextIndex, dueAt: now + cadence.delay, scoreAtLastStep: score });
  if (cadence.delay !== next.delay) {
    out.decide({
      rule: 'cadence',
      outcome: cadence.delay < next.delay ? 'shortened' : 'lengthened',
      channel: 'email',
      reason: `next email "${next.id}" in ${formatDuration(cadence.delay)} instead of ${formatDuration(next.delay)}: ${cadence.why}`,
      nextEligibleAt: now + cadence.delay,
    });
  }
  if (cadence.delay === 0) onTimer(out, now);
}

function onTouchResult(out: Out, input: Extract<NurtureInput, { kind: 'touch-result' }>, now: number): void {
  const state = out.state;
  if (input.channel === 'email') {
    const step = state.plan.emailSteps[state.stepIndex];
    // Matched against the step's own key: an SMS sent in the same step may have become lastTouch.
    const expected =
      step === undefined
        ? null
        : touchKey({
            workflowId: state.workflowId,
            planVersion: state.plan.version,
            step: step.id,
            channel: 'email',
            variant: variantFor(state.leadId, step).id,
          });
    if (
      expected !== input.touchKey ||
      state.phase !== 'scheduled' ||
      state.dueAt !== null ||
      !isActive(state)
    )
      return;
    if (input.outcome === 'failed') {
      out.decide({
        rule: 'delivery',
        outcome: 'failed',
        channel: 'email',
        reason: `email "${step?.id ?? '?'}" was not sent: ${input.reason}`,
        data: { touchKey: input.touchKey },
      });
      advance(out, now);
      return;
    }
    // Rule 2 needs a delivered email; providers without delivery reports deliver on accept.
    const delivered = input.delivered && state.emailBlocked === null;
    out.set({
      emailRelationship: state.emailRelationship || delivered,
      phase: 'awaiting-open',
      dueAt: now + state.plan.openWindow,
      sent: [...state.sent, { channel: 'email', at: now }],
      lastTouch: { channel: 'email', key: input.touchKey, at: now, delivered },
    });
    out.decide({
      rule: 'coordination',
      outcome: 'sent',
      channel: 'email',
      reason: `email "${step?.id ?? '?'}" sent; waiting up to ${formatDuration(state.plan.openWindow)} for an open`,
      data: { touchKey: input.touchKey },
    });
    return;
  }
  if (input.channel === 'sms') {
    if (input.outcome === 'failed') {
      out.decide({
        rule: 'delivery',
        outcome: 'failed',
        channel: 'sms',
        reason: `sms was not sent: ${input.reason}`,
        data: { touchKey: input.touchKey },
      });
      return;
    }
    out.set({ lastTouch: { channel: 'sms', key: input.touchKey, at: now, delivered: input.delivered } });
    out.decide({
      rule: 'coordination',
      outcome: 'sent',
      channel: 'sms',
      reason: 'sms sent',
      data: { touchKey: input.touchKey },
    });
  }
}

// ---------------------------------------------------------------- SMS follow-up

function queueSms(out: Out, trigger: string, eventId: string, now: number): void {
  const state = out.state;
  const allowed = checkChannel(state, 'sms');
  if (!allowed.ok) {
    out.decide({
      rule: allowed.rule,
      outcome: 'skipped',
      channel: 'sms',
      reason: `${allowed.reason} (after ${trigger})`,
      data: allowed.data,
    });
    return;
  }
  if (state.pendingSms !== null) {
    out.decide({
      rule: 'coordination',
      outcome: 'skipped',
      channel: 'sms',
      reason: `sms skipped: a follow-up for the ${state.pendingSms.trigger} is already waiting`,
    });
    return;
  }
  out.set({
    pendingSms: { trigger, triggerEventId: eventId, dueAt: now, expiresAt: now + state.plan.sms.relevance },
  });
  trySms(out, now);
}

/** Sends the pending SMS now if every rule allows, else defers it to the earliest time they do. */
function trySms(out: Out, now: number): void {
  const state = out.state;
  const pending = state.pendingSms;
  if (pending === null) return;
  const allowed = checkChannel(state, 'sms');
  if (!allowed.ok) {
    out.set({ pendingSms: null });
    out.decide({
      rule: allowed.rule,
      outcome: 'dropped',
      channel: 'sms',
      reason: allowed.reason,
      data: allowed.data,
    });
    return;
  }
  const zone = state.profile.timezone;
  const window = state.plan.sms.window;
  const windowText = `${window.start}–${window.end}`;
  const check = checkSendWindow(now, zone, window);
  let nextAt: number | null = null;
  let why = '';
  let rule = 'timing';
  let data: Record<string, string | number | boolean | null> = {
    localTime: check.localTime,
    timezone: zone,
    window: windowText,
    trigger: pending.trigger,
  };
  if (!check.inside) {
    nextAt = check.nextOpening;
    why = `${check.localTime} in ${zone} is outside ${windowText}, next window ${formatLocal(check.nextOpening, zone)}`;
  } else {
    const limit = limitFor(state, 'sms', now);
    if (limit !== null) {
      nextAt = limit.nextAllowedAt;
      why = limit.reason;
      rule = limit.rule;
      data = { ...data, ...limit.data };
    }
  }
  if (nextAt !== null) {
    if (nextAt > pending.expiresAt) {
      out.set({ pendingSms: null });
      out.decide({
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
      out.set({ pendingSms: { ...pending, dueAt: nextAt } });
      out.decide({
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
  const count = state.smsCount + 1;
  const key = touchKey({
    workflowId: state.workflowId,
    planVersion: state.plan.version,
    step: `follow-up-${String(count)}`,
    channel: 'sms',
    variant: 'a',
  });
  out.set({
    pendingSms: null,
    smsCount: count,
    sent: [...state.sent, { channel: 'sms', at: now }],
    lastTouch: { channel: 'sms', key, at: now, delivered: false },
  });
  out.emit({
    type: 'send',
    channel: 'sms',
    touchKey: key,
    step: `follow-up-${String(count)}`,
    variant: 'a',
    subject: null,
    body: state.plan.sms.body,
    vars: { intent: pending.trigger },
    // A retry that would land after the window closes must not send (rule 6).
    notAfter: windowEnd(now, zone, window.end),
  });
  out.decide({
    rule: 'coordination',
    outcome: 'sending',
    channel: 'sms',
    reason: `sms follow-up to the ${pending.trigger} at ${check.localTime} ${zone}, inside ${windowText}`,
    data,
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

/** Caps, cooldowns and the preference nudge limit, as one answer: null when the channel may go now. */
function limitFor(
  state: NurtureState,
  channel: Channel,
  now: number,
): {
  rule: string;
  reason: string;
  nextAllowedAt: number;
  data: Record<string, string | number | boolean | null>;
} | null {
  const cap = checkCaps(state.sent, channel, now, state.profile.timezone, state.plan.caps);
  if (!cap.allowed) {
    const per = 'rolling' in cap.rule ? `per ${formatDuration(cap.rule.rolling)}` : 'per local day';
    return {
      rule: 'frequency-cap',
      reason: `${cap.rule.channel} cap ${String(cap.rule.max)} ${per} reached (${String(cap.count)} sent)`,
      nextAllowedAt: cap.nextAllowedAt,
      data: { cap: `${cap.rule.channel}:${String(cap.rule.max)} ${per}`, count: cap.count },
    };
  }
  const cool = checkCooldown(state.sent, channel, now, state.plan.cooldowns);
  if (!cool.allowed) {
    return {
      rule: 'cooldown',
      reason: `${cool.from} went out ${formatDuration(now - cool.lastAt)} ago; ${channel} waits ${formatDuration(cool.nextAllowedAt - cool.lastAt)} after ${cool.from}`,
      nextAllowedAt: cool.nextAllowedAt,
      data: { cooldownFrom: cool.from },
    };
  }
  if (nudgeLimited(state, channel)) {
    const last = [...state.sent].reverse().find((s) => s.channel === channel);
    if (last !== undefined && now - last.at < NUDGE_INTERVAL_MS) {
      return {
        rule: 'preference',
        reason: `lead prefers ${state.profile.preferredChannel ?? '?'}; ${channel} is an occasional nudge only (1 per ${formatDuration(NUDGE_INTERVAL_MS)})`,
        nextAllowedAt: last.at + NUDGE_INTERVAL_MS,
        data: { preferredChannel: state.profile.preferredChannel },
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------- events

function onEvent(out: Out, event: LeadEvent, now: number): void {
  if (out.state.seenEventIds.includes(event.id)) return;
  out.set({ seenEventIds: [...out.state.seenEventIds, event.id].slice(-SEEN_EVENT_IDS_LIMIT) });
  if (!isActive(out.state)) {
    out.decide({
      rule: 'lifecycle',
      outcome: 'ignored',
      reason: `${event.type} recorded; the nurture has ended (${out.state.status})`,
      data: { eventId: event.id },
    });
    return;
  }
  const plan = out.state.plan;
  const points = event.data.machineOpen === true ? 0 : (plan.scoring.points[event.type] ?? 0);
  if (points !== 0) out.set({ score: applyPoints(out.state.score, points, now, plan.scoring.halfLife) });

  switch (event.type) {
    case 'email.delivered':
      if (out.state.emailBlocked === null)
        out.set({ emailRelationship: true, lastTouch: markDelivered(out.state, event) });
      break;
    case 'email.opened':
      onOpened(out, event, now);
      break;
    case 'email.clicked':
      out.set({ clicks: out.state.clicks + 1 });
      break;
    case 'email.bounced':
      if (event.data.bounceType === 'blocked') {
        out.decide({
          rule: 'delivery',
          outcome: 'recorded',
          channel: 'email',
          reason: 'email blocked by the receiving server (temporary): address not suppressed',
          data: { eventId: event.id },
        });
      } else {
        out.set({ emailBlocked: 'bounced', emailRelationship: false });
        out.decide({
          rule: 'consent',
          outcome: 'email-stopped',
          channel: 'email',
          reason: 'email bounced: no more email to this address',
          data: { eventId: event.id },
        });
      }
      break;
    case 'email.unsubscribed':
      consentChange(out, 'email', false, sourceOf(event, 'email unsubscribe'), now);
      out.set({ emailBlocked: 'unsubscribed' });
      if (event.data.scope === 'global') {
        stopEverything(
          out,
          now,
          'opted-out',
          'global unsubscribe: every channel stops',
          sourceOf(event, 'email unsubscribe'),
        );
      }
      break;
    case 'email.spam_reported':
      consentChange(out, 'email', false, 'spam report', now);
      stopEverything(out, now, 'opted-out', 'spam report: every channel stops', 'spam report');
      return;
    case 'sms.opted_out':
      consentChange(out, 'sms', false, sourceOf(event, 'sms STOP'), now);
      if (out.state.pendingSms !== null) {
        out.set({ pendingSms: null });
        out.decide({
          rule: 'consent',
          outcome: 'dropped',
          channel: 'sms',
          reason: 'pending sms dropped: the lead opted out',
        });
      }
      break;
    case 'sms.opted_in':
      consentChange(out, 'sms', true, sourceOf(event, 'sms START'), now);
      break;
    case 'consent.updated':
      onConsentUpdated(out, event, now);
      break;
    case 'sms.failed':
      if (event.data.errorCode === '21610' || event.data.errorCode === 21610) {
        consentChange(out, 'sms', false, 'carrier: recipient unsubscribed (21610)', now);
      }
      break;
    case 'email.replied':
    case 'sms.replied':
    case 'linkedin.replied':
      onReply(out, event, now);
      return;
    case 'meeting.booked':
      stopEverything(
        out,
        now,
        'converted',
        `meeting booked${event.data.rescheduled === true ? ' (rescheduled)' : ''}: every channel stops`,
        'booking',
      );
      if (out.state.plan.accountStop.onBooking) {
        out.emit({ type: 'pause-account', reason: `a colleague (${out.state.leadId}) booked a meeting` });
      }
      return;
    case 'meeting.canceled':
      out.decide({
        rule: 'lifecycle',
        outcome: 'recorded',
        reason: 'meeting canceled: recorded; the nurture is not restarted by this alone',
        data: { eventId: event.id },
      });
      break;
    case 'linkedin.connection_accepted':
      out.decide({
        rule: 'coordination',
        outcome: 'recorded',
        channel: 'linkedin',
        reason: 'linkedin connection accepted',
        data: { eventId: event.id },
      });
      break;
    case 'linkedin.request_sent':
      // The rep's own action, not the lead's: recorded, never scored.
      out.decide({
        rule: 'coordination',
        outcome: 'recorded',
        channel: 'linkedin',
        reason: `linkedin request sent by ${typeof event.data.by === 'string' ? event.data.by : 'the rep'}`,
        data: { eventId: event.id },
      });
      break;
    case 'sms.delivered':
    case 'web.page_visited':
    case 'webinar.registered':
    case 'webinar.attended':
    case 'trial.started':
    case 'form.submitted':
      break;
  }
  if (!isActive(out.state)) return;
  const trigger = highIntentTrigger(event, out.state.plan, out.state.clicks);
  if (trigger !== null) {
    if (out.state.status !== 'high-intent') changeStatus(out, 'high-intent', trigger);
    queueSms(out, trigger, event.id, now);
  }
  applyScoreThresholds(out, now);
}

function onOpened(out: Out, event: LeadEvent, now: number): void {
  if (event.data.machineOpen === true) {
    out.decide({
      rule: 'scoring',
      outcome: 'recorded',
      channel: 'email',
      reason: 'machine open (mail privacy proxy): recorded, not counted',
      data: { eventId: event.id },
    });
    return;
  }
  const state = out.state;
  const opens = state.opens + 1;
  out.set({
    opens,
    lastOpenAt: now,
    emailRelationship: state.emailBlocked === null ? true : state.emailRelationship,
  });
  if (state.status === 'disengaged')
    changeStatus(out, opens >= state.plan.engagedAfterOpens ? 'engaged' : 'new', 'opened an email again');
  else if (state.status === 'new' && opens >= state.plan.engagedAfterOpens)
    changeStatus(out, 'engaged', `${String(opens)} emails opened`);
  if (state.phase === 'awaiting-open') {
    const step = state.plan.emailSteps[state.stepIndex];
    out.decide({
      rule: 'open-window',
      outcome: 'opened',
      channel: 'email',
      reason: `email "${step?.id ?? '?'}" opened within the ${formatDuration(state.plan.openWindow)} open window`,
      data: { eventId: event.id, opens },
    });
    advance(out, now);
  }
}

function onConsentUpdated(out: Out, event: LeadEvent, now: number): void {
  const channel = event.data.channel;
  const granted = event.data.granted;
  if (
    (channel === 'email' || channel === 'sms' || channel === 'linkedin' || channel === 'ads') &&
    typeof granted === 'boolean'
  ) {
    consentChange(out, channel, granted, sourceOf(event, 'consent update'), now);
    if (channel === 'email' && granted && out.state.emailBlocked === 'unsubscribed')
      out.set({ emailBlocked: null });
  } else {
    out.decide({
      rule: 'consent',
      outcome: 'ignored',
      reason: 'consent.updated without a channel (email, sms, linkedin, ads) and a boolean granted',
      data: { eventId: event.id },
    });
  }
}

function consentChange(
  out: Out,
  channel: ConsentChannel,
  granted: boolean,
  source: string,
  now: number,
): void {
  out.set({ consent: { ...out.state.consent, [channel]: { granted, source, at: now } } });
  out.emit({ type: 'record-consent', channel, granted, source, at: now });
  out.decide({
    rule: 'consent',
    outcome: granted ? 'granted' : 'withdrawn',
    reason: `${channel} consent ${granted ? 'granted' : 'withdrawn'} via ${source}`,
    data: { consentSource: source },
  });
}

function sourceOf(event: LeadEvent, fallback: string): string {
  return typeof event.data.source === 'string' && event.data.source !== '' ? event.data.source : fallback;
}

function markDelivered(state: NurtureState, event: LeadEvent): NurtureState['lastTouch'] {
  const key = typeof event.data.touchKey === 'string' ? event.data.touchKey : null;
  if (state.lastTouch === null || (key !== null && key !== state.lastTouch.key)) return state.lastTouch;
  return { ...state.lastTouch, delivered: true };
}

// ---------------------------------------------------------------- status, scoring

function currentScore(state: NurtureState, now: number): number {
  return decayedScore(state.score.score, state.score.at, now, state.plan.scoring.halfLife);
}

function changeStatus(out: Out, status: NurtureStatus, why: string): void {
  const from = out.state.status;
  if (from === status) return;
  out.set({ status });
  out.decide({ rule: 'status', outcome: status, reason: `status ${from} → ${status}: ${why}` });
}

function applyScoreThresholds(out: Out, now: number): void {
  const state = out.state;
  const score = currentScore(state, now);
  const { highIntentAt, handoffAt } = state.plan.scoring;
  if (
    score >= highIntentAt &&
    (state.status === 'new' || state.status === 'engaged' || state.status === 'disengaged')
  ) {
    changeStatus(out, 'high-intent', `score ${score.toFixed(1)} ≥ ${String(highIntentAt)}`);
  }
  if (score >= handoffAt && out.state.handoff === null) {
    openHandoff(out, now, `score ${score.toFixed(1)} reached the hand-off threshold ${String(handoffAt)}`);
  }
}

// ---------------------------------------------------------------- replies and sales

function onReply(out: Out, event: LeadEvent, now: number): void {
  const channel = event.type.split('.')[0] ?? 'email';
  if (isAutoReply(event)) {
    const back = returnDateOf(event, now);
    const until = back ?? now + out.state.plan.autoReply.postpone;
    out.set({ pause: out.state.pause ?? { reason: 'auto-reply', detail: 'an out-of-office reply', until } });
    out.decide({
      rule: 'replies',
      outcome: 'postponed',
      reason: `auto-reply on ${channel} is not a reply: next touch postponed to ${new Date(until).toISOString()}${back === null ? ` (plan delay ${formatDuration(out.state.plan.autoReply.postpone)})` : ' (return date)'}`,
      data: { eventId: event.id },
      nextEligibleAt: until,
    });
    return;
  }
  applyScoreThresholds(out, now);
  if (out.state.handoff === null || out.state.handoff.status !== 'open')
    openHandoff(out, now, `${channel} reply`);
  if (out.state.plan.accountStop.onReply)
    out.emit({ type: 'pause-account', reason: `a colleague (${out.state.leadId}) replied` });
}

function openHandoff(out: Out, now: number, reason: string): void {
  const state = out.state;
  const key = `${state.workflowId}:handoff:${String(now)}`;
  const handoff = {
    key,
    reason,
    status: 'open' as const,
    openedAt: now,
    slaDueAt: now + state.plan.handoff.sla,
    ownerId: state.profile.ownerId,
  };
  out.set({
    handoff,
    pause: { reason: 'handoff', detail: `hand-off to sales (${reason})`, until: null },
    pendingSms: null,
  });
  const context = handoffContext(out.state, now);
  out.emit({ type: 'open-handoff', key, context });
  out.emit({ type: 'notify-crm', kind: 'handoff', reason });
  out.decide({
    rule: 'replies',
    outcome: 'handoff',
    reason: `handed off to ${state.profile.ownerId ?? 'the sales queue'}: ${reason}; automated touches paused; acknowledge within ${formatDuration(state.plan.handoff.sla)}`,
    data: { handoffKey: key },
    nextEligibleAt: handoff.slaDueAt,
  });
}

function escalate(out: Out, now: number): void {
  const handoff = out.state.handoff;
  if (handoff === null) return;
  const backup = out.state.plan.handoff.backupOwner;
  out.set({ handoff: { ...handoff, status: 'escalated' } });
  out.emit({
    type: 'escalate-handoff',
    key: handoff.key,
    backupOwner: backup,
    context: handoffContext(out.state, now),
  });
  out.decide({
    rule: 'replies',
    outcome: 'escalated',
    reason: `hand-off not acknowledged within ${formatDuration(out.state.plan.handoff.sla)}: escalated to ${backup}, alert raised`,
    data: { handoffKey: handoff.key, backupOwner: backup },
  });
}

export function handoffContext(state: NurtureState, now: number): HandoffContext {
  const last = state.lastTouch;
  return {
    leadId: state.leadId,
    status: state.status,
    score: Math.round(currentScore(state, now) * 100) / 100,
    ownerId: state.profile.ownerId,
    reason: state.handoff?.reason ?? 'sales request',
    lastTouchDelivered:
      last === null ? null : { channel: last.channel, key: last.key, at: new Date(last.at).toISOString() },
    recommendedNextStep: recommendNextStep(state),
    slaDueAt: new Date(state.handoff?.slaDueAt ?? now + state.plan.handoff.sla).toISOString(),
  };
}

function recommendNextStep(state: NurtureState): string {
  if (state.handoff?.reason.includes('reply') === true) return 'answer the reply personally today';
  if (state.status === 'high-intent') return 'call or message now: recent high-intent activity';
  if (state.status === 'engaged') return 'send a personal note offering a short call';
  return 'review the timeline before reaching out';
}

function onSales(out: Out, sales: SalesAction, now: number): void {
  const state = out.state;
  if (!isActive(state)) {
    out.decide({
      rule: 'lifecycle',
      outcome: 'ignored',
      reason: `sales ${sales.action} by ${sales.by} ignored: nurture is ${state.status}`,
    });
    return;
  }
  switch (sales.action) {
    case 'handoff':
      if (state.handoff?.status !== 'open' && state.handoff?.status !== 'escalated') {
        openHandoff(out, now, `requested by ${sales.by}${sales.note === null ? '' : `: ${sales.note}`}`);
      }
      return;
    case 'ack':
      if (state.handoff === null || state.handoff.status === 'acknowledged') return;
      out.set({ handoff: { ...state.handoff, status: 'acknowledged' } });
      out.decide({
        rule: 'replies',
        outcome: 'acknowledged',
        reason: `hand-off acknowledged by ${sales.by}`,
        data: { handoffKey: state.handoff.key },
      });
      return;
    case 'resume':
      out.set({ pause: null, handoff: null });
      out.decide({ rule: 'replies', outcome: 'resumed', reason: `automated touches resumed by ${sales.by}` });
      onTimer(out, now);
      return;
    case 'close':
      finish(out, 'completed', `closed by ${sales.by}: ${sales.reason}`);
      return;
  }
}

// ---------------------------------------------------------------- suppression, audiences, end

/**
 * Rule 4: every channel stops at once. Timers are cleared with the state
 * (the workflow has nothing left to wait for), audiences left, open LinkedIn
 * tasks cancelled, the suppression recorded and the CRM told.
 */
function stopEverything(
  out: Out,
  now: number,
  status: 'converted' | 'suppressed' | 'opted-out',
  reason: string,
  source: string,
): void {
  if (!isActive(out.state)) return;
  const hadTask = out.state.linkedinTaskKey !== null;
  out.set({ status, phase: 'finished', dueAt: null, pendingSms: null, pause: null });
  if (hadTask) out.emit({ type: 'cancel-linkedin-tasks', reason });
  leaveAudience(out, reason);
  out.emit({ type: 'record-suppression', reason, source });
  out.emit({ type: 'notify-crm', kind: status, reason });
  out.decide({ rule: 'suppression', outcome: status, reason, data: { at: new Date(now).toISOString() } });
}

function finish(out: Out, status: 'completed', reason: string): void {
  if (out.state.linkedinTaskKey !== null) out.emit({ type: 'cancel-linkedin-tasks', reason });
  out.set({ status, phase: 'finished', dueAt: null, pendingSms: null, pause: null, handoff: null });
  leaveAudience(out, reason);
  out.decide({ rule: 'lifecycle', outcome: status, reason });
}

function leaveAudience(out: Out, reason: string): void {
  const from = out.state.audience;
  if (from === null) return;
  out.set({ audience: null });
  out.emit({ type: 'set-audience', from, to: null });
  out.decide({
    rule: 'retargeting',
    outcome: 'left',
    channel: 'retargeting',
    reason: `left audience "${from}": ${reason}`,
  });
}

/** Retargeting follows the stage in the background: join, move, leave (rule 1). */
function syncAudience(out: Out): void {
  const state = out.state;
  const allowed = checkChannel({ ...state, pause: null }, 'retargeting');
  const wanted = allowed.ok ? (state.plan.retargeting.audiences[state.status] ?? null) : null;
  if (wanted === state.audience) return;
  const from = state.audience;
  out.set({ audience: wanted });
  out.emit({ type: 'set-audience', from, to: wanted });
  out.decide({
    rule: 'retargeting',
    outcome: wanted === null ? 'left' : from === null ? 'joined' : 'moved',
    channel: 'retargeting',
    reason:
      wanted === null
        ? `left audience "${from ?? '?'}": ${allowed.ok ? `no audience for ${state.status} leads` : allowed.reason}`
        : from === null
          ? `joined audience "${wanted}" (${state.status})`
          : `moved from audience "${from}" to "${wanted}" (${state.status})`,
  });
}

function pauseRule(reason: 'handoff' | 'account' | 'auto-reply'): string {
  return reason === 'account' ? 'account-stop' : 'replies';
}
