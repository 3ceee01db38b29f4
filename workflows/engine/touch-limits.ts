import type { Channel } from '../rules/channels';
import { formatDuration } from '../rules/format-duration';
import { checkCaps, checkCooldown } from '../rules/frequency-caps';
import { NUDGE_INTERVAL_MS, nudgeLimited } from './channel-policy';
import type { DecisionData, RuleName } from './commands';
import type { NurtureState } from './state';

export interface TouchLimit {
  rule: RuleName;
  reason: string;
  nextAllowedAt: number;
  data: DecisionData;
}

/** Caps, cooldowns and the preference nudge limit, as one answer: null when the channel may go now. */
export function limitFor(state: NurtureState, channel: Channel, now: number): TouchLimit | null {
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
