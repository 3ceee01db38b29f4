import type { CapRule, Cooldown } from '../../plans/plan-schema';
import type { Channel } from './channels';
import { HOUR_MS, localDayBounds } from './local-time';

/**
 * How often a lead may be reached: caps per channel (or across channels) and
 * cooldowns between channels. Pure and clock-free (sandbox-safe); the history
 * is the nurture's own record of what went out, kept small by pruneHistory.
 * Caps and cooldowns are the plan's own (plans/plan-schema.ts): durations in ms.
 */
export interface SentRecord {
  channel: Channel;
  at: number;
}

export type CapCheck =
  { allowed: true } | { allowed: false; rule: CapRule; count: number; nextAllowedAt: number };

export type CooldownCheck =
  { allowed: true } | { allowed: false; from: Channel; lastAt: number; nextAllowedAt: number };

/** A local day is at most 25 hours long, so it never began more than 48 hours ago. */
export const PER_LOCAL_DAY_LOOKBACK_MS = 48 * HOUR_MS;

function sees(rule: Channel | 'any', channel: Channel): boolean {
  return rule === 'any' || rule === channel;
}

function assertValidCap(rule: CapRule): void {
  if (!Number.isInteger(rule.max) || rule.max < 1) {
    throw new Error(
      `cap max must be a positive integer, got ${rule.max} (a channel that may never send is not a cap)`,
    );
  }
  if ('rolling' in rule && !(rule.rolling > 0 && Number.isFinite(rule.rolling))) {
    throw new Error(`cap rolling must be a positive finite duration, got ${rule.rolling}`);
  }
}

function checkRollingCap(
  history: readonly SentRecord[],
  rule: CapRule & { rolling: number },
  now: number,
): { count: number; nextAllowedAt: number } {
  const counted: number[] = [];
  for (const record of history) {
    if (sees(rule.channel, record.channel) && record.at > now - rule.rolling) counted.push(record.at);
  }
  if (counted.length < rule.max) return { count: counted.length, nextAllowedAt: now };
  counted.sort((a, b) => a - b);
  // Allowed again once fewer than max remain: when the (count - max + 1)th oldest leaves; the oldest if count = max.
  const leaving = counted[counted.length - rule.max] ?? now;
  return { count: counted.length, nextAllowedAt: leaving + rule.rolling };
}

function checkLocalDayCap(
  history: readonly SentRecord[],
  rule: CapRule,
  now: number,
  day: { start: number; end: number },
): { count: number; nextAllowedAt: number } {
  let count = 0;
  for (const record of history) {
    if (sees(rule.channel, record.channel) && record.at >= day.start && record.at < day.end) count++;
  }
  return { count, nextAllowedAt: count < rule.max ? now : day.end };
}

function countNear(history: readonly SentRecord[], channel: Channel | 'any', now: number): number {
  let count = 0;
  for (const record of history) {
    if (sees(channel, record.channel) && Math.abs(record.at - now) < PER_LOCAL_DAY_LOOKBACK_MS) count++;
  }
  return count;
}

/**
 * Whether one more `channel` send at `now` stays within every cap. When
 * several caps block, the one that blocks longest is reported: by its
 * nextAllowedAt all of them allow again (counts only fall while nothing is sent).
 */
export function checkCaps(
  history: readonly SentRecord[],
  channel: Channel,
  now: number,
  timeZone: string,
  caps: readonly CapRule[],
): CapCheck {
  let blocked: CapCheck = { allowed: true };
  let day: { start: number; end: number } | null = null;
  for (const rule of caps) {
    assertValidCap(rule);
    if (!sees(rule.channel, channel)) continue;
    let result: { count: number; nextAllowedAt: number };
    if ('rolling' in rule) {
      result = checkRollingCap(history, rule, now);
    } else if (countNear(history, rule.channel, now) < rule.max) {
      // The local day lies within 48h either side of now: too few records there to block, no zone lookup needed.
      continue;
    } else {
      day ??= localDayBounds(now, timeZone);
      result = checkLocalDayCap(history, rule, now, day);
    }
    if (result.count < rule.max) continue;
    if (blocked.allowed || result.nextAllowedAt > blocked.nextAllowedAt) {
      blocked = { allowed: false, rule, count: result.count, nextAllowedAt: result.nextAllowedAt };
    }
  }
  return blocked;
}

/**
 * "If an email just went out, an SMS needs a clear why-now": a cooldown from
 * email to sms of 4h blocks an sms for 4h after any email. Like checkCaps,
 * reports the cooldown that blocks longest.
 */
export function checkCooldown(
  history: readonly SentRecord[],
  channel: Channel,
  now: number,
  cooldowns: readonly Cooldown[],
): CooldownCheck {
  let blocked: CooldownCheck = { allowed: true };
  for (const cooldown of cooldowns) {
    if (cooldown.to !== channel) continue;
    for (const record of history) {
      if (!sees(cooldown.from, record.channel) || record.at <= now - cooldown.after) continue;
      const nextAllowedAt = record.at + cooldown.after;
      if (blocked.allowed || nextAllowedAt > blocked.nextAllowedAt) {
        blocked = { allowed: false, from: record.channel, lastAt: record.at, nextAllowedAt };
      }
    }
  }
  return blocked;
}

/** How far back any rule can look at a record of `channel`; -Infinity when none ever does. */
function lookbackFor(channel: Channel, caps: readonly CapRule[], cooldowns: readonly Cooldown[]): number {
  let lookback = -Infinity;
  for (const rule of caps) {
    if (!sees(rule.channel, channel)) continue;
    lookback = Math.max(lookback, 'rolling' in rule ? rule.rolling : PER_LOCAL_DAY_LOOKBACK_MS);
  }
  for (const cooldown of cooldowns) {
    if (sees(cooldown.from, channel)) lookback = Math.max(lookback, cooldown.after);
  }
  return lookback;
}

/**
 * Keeps only the records some cap or cooldown can still see at `now` or
 * later, so the history carried in workflow state stays small. Never changes
 * a checkCaps or checkCooldown answer for any time ≥ now.
 */
export function pruneHistory(
  history: readonly SentRecord[],
  now: number,
  caps: readonly CapRule[],
  cooldowns: readonly Cooldown[],
): SentRecord[] {
  const lookbacks = new Map<Channel, number>();
  return history.filter((record) => {
    let lookback = lookbacks.get(record.channel);
    if (lookback === undefined) {
      lookback = lookbackFor(record.channel, caps, cooldowns);
      lookbacks.set(record.channel, lookback);
    }
    // ≥ rather than >: a per-local-day cap counts a record sent exactly at the day's first instant.
    return record.at >= now - lookback;
  });
}
