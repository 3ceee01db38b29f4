import type { Channel } from '../rules/channels';
import { formatDuration } from '../rules/format-duration';
import { checkCaps, checkCooldown } from '../rules/frequency-caps';
import { formatLocal } from '../rules/local-time';
import { checkSendWindow } from '../rules/send-window';
import { checkChannel, NUDGE_INTERVAL_MS, nudgeLimited } from './channel-policy';
import type { DecisionData, DecisionOutcome, RuleName } from './commands';
import type { NurtureState } from './state';
import type { Step } from './step';

/**
 * The one gate every track asks before it touches a lead. The first rule
 * that refuses answers, in this order: lifecycle, pause, consent, do-not-cross,
 * status matrix, segment eligibility (channel-policy.ts); then, for a send,
 * the local window (SMS), caps, cooldowns and the preference nudge limit.
 * The window comes before caps: a closed window is the usual refusal, and
 * caps are asked again when it opens.
 * Retargeting is membership, not a send: only the channel policy applies.
 */
export type TouchCheck<Window = WindowReading | null> = { allowed: true; window: Window } | TouchRefusal;

export interface TouchRefusal {
  allowed: false;
  rule: RuleName;
  reason: string;
  data: DecisionData;
  /** When the touch may go; null when no time will do, only a change (consent, status, pause). */
  nextEligibleAt: number | null;
}

/** The lead's local clock as the window check read it: inputs of the decision. */
export interface WindowReading {
  [key: string]: string;
  localTime: string;
  timezone: string;
  window: string;
}

export function mayTouch(state: NurtureState, channel: 'sms', now: number): TouchCheck<WindowReading>;
export function mayTouch(state: NurtureState, channel: Channel, now: number): TouchCheck;
export function mayTouch(state: NurtureState, channel: Channel, now: number): TouchCheck {
  const policy = checkChannel(state, channel);
  if (!policy.ok) {
    return {
      allowed: false,
      rule: policy.rule,
      reason: policy.reason,
      data: policy.data,
      nextEligibleAt: null,
    };
  }
  if (channel === 'retargeting') return { allowed: true, window: null };
  let window: WindowReading | null = null;
  if (channel === 'sms') {
    const zone = state.profile.timezone;
    const sms = state.plan.sms.window;
    const check = checkSendWindow(now, zone, sms);
    window = { localTime: check.localTime, timezone: zone, window: `${sms.start}–${sms.end}` };
    if (!check.inside) {
      return {
        allowed: false,
        rule: 'timing',
        reason: `${check.localTime} in ${zone} is outside ${window.window}, next window ${formatLocal(check.nextOpening, zone)}`,
        data: window,
        nextEligibleAt: check.nextOpening,
      };
    }
  }
  const limit = limitFor(state, channel, now);
  if (limit !== null) return { ...limit, data: { ...window, ...limit.data } };
  return { allowed: true, window };
}

/** Caps, cooldowns and the preference nudge limit, as one answer: null when the channel may go now. */
function limitFor(
  state: NurtureState,
  channel: Channel,
  now: number,
): (TouchRefusal & { nextEligibleAt: number }) | null {
  const cap = checkCaps(state.sent, channel, now, state.profile.timezone, state.plan.caps);
  if (!cap.allowed) {
    const per = 'rolling' in cap.rule ? `per ${formatDuration(cap.rule.rolling)}` : 'per local day';
    return {
      allowed: false,
      rule: 'frequency-cap',
      reason: `${cap.rule.channel} cap ${String(cap.rule.max)} ${per} reached (${String(cap.count)} sent)`,
      nextEligibleAt: cap.nextAllowedAt,
      data: { cap: `${cap.rule.channel}:${String(cap.rule.max)} ${per}`, count: cap.count },
    };
  }
  const cool = checkCooldown(state.sent, channel, now, state.plan.cooldowns);
  if (!cool.allowed) {
    return {
      allowed: false,
      rule: 'cooldown',
      reason: `${cool.from} went out ${formatDuration(now - cool.lastAt)} ago; ${channel} waits ${formatDuration(cool.nextAllowedAt - cool.lastAt)} after ${cool.from}`,
      nextEligibleAt: cool.nextAllowedAt,
      data: { cooldownFrom: cool.from },
    };
  }
  if (nudgeLimited(state, channel)) {
    const last = [...state.sent].reverse().find((s) => s.channel === channel);
    if (last !== undefined && now - last.at < NUDGE_INTERVAL_MS) {
      return {
        allowed: false,
        rule: 'preference',
        reason: `lead prefers ${state.profile.preferredChannel ?? '?'}; ${channel} is an occasional nudge only (1 per ${formatDuration(NUDGE_INTERVAL_MS)})`,
        nextEligibleAt: last.at + NUDGE_INTERVAL_MS,
        data: { preferredChannel: state.profile.preferredChannel },
      };
    }
  }
  return null;
}

/** Records what the gate refused, in the track's words (`reason`), with its rule and inputs. */
export function recordRefusal(
  step: Step,
  channel: Channel,
  refusal: TouchRefusal,
  outcome: DecisionOutcome,
  reason: string = refusal.reason,
): void {
  step.record({
    rule: refusal.rule,
    outcome,
    channel,
    reason,
    data: refusal.data,
    ...(refusal.nextEligibleAt === null ? {} : { nextEligibleAt: refusal.nextEligibleAt }),
  });
}

/** A touch handed over (an SMS to its provider, a task to the rep): what the caps and cooldowns count next. */
export function recordTouch(
  step: Step,
  touch: { channel: Channel; key: string },
  now: number,
  patch: Partial<NurtureState>,
): void {
  step.set({
    ...patch,
    sent: [...step.state.sent, { channel: touch.channel, at: now }],
    lastTouch: { ...touch, at: now, delivered: false },
  });
}
