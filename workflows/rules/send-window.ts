import type { SendWindow } from '../../plans/plan-schema';
import {
  DAY_MS,
  firstOffsetChange,
  formatLocalDateTime,
  isoWeekdayOfWallMs,
  localDateTime,
  MINUTE_MS,
  offsetMsOf,
  zoneOffsetMs,
} from './local-time';

/**
 * When a channel may reach a lead, on the lead's own wall clock: an SMS at
 * 23:30 local is a complaint, not a nudge. Pure and clock-free (sandbox-safe).
 * The window is the plan's (`sms.window`): `start` 'HH:MM' local, inclusive;
 * `end` 'HH:MM' local, exclusive ('24:00' means until midnight); `weekdays` the
 * ISO weekdays of the local date, Monday = 1 … Sunday = 7.
 */

/** B2C leads read texts at weekends too; plans narrow the days when their audience needs it. */
export const DEFAULT_SMS_WINDOW: SendWindow = {
  start: '09:00',
  end: '20:00',
  weekdays: [1, 2, 3, 4, 5, 6, 7],
};

export type WindowCheck =
  { inside: true; localTime: string } | { inside: false; localTime: string; nextOpening: number };

export interface ParsedWindow {
  startMs: number;
  endMs: number;
  /** Bit n set ⇔ ISO weekday n allowed. */
  weekdayMask: number;
}

function parseClock(text: string, allowEndOfDay: boolean): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) return allowEndOfDay && text === '24:00' ? DAY_MS : null;
  return (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS;
}

/** Throws for windows that could never open, so a bad plan fails loudly instead of waiting forever. */
export function parseSendWindow(window: SendWindow): ParsedWindow {
  const startMs = parseClock(window.start, false);
  const endMs = parseClock(window.end, true);
  if (startMs === null) {
    throw new Error(`send window start "${window.start}" is not a 24h time such as "09:00"`);
  }
  if (endMs === null) {
    throw new Error(`send window end "${window.end}" is not a 24h time such as "20:00"`);
  }
  if (startMs >= endMs) throw new Error(`send window start ${window.start} must be before end ${window.end}`);
  let weekdayMask = 0;
  for (const weekday of window.weekdays) {
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
      throw new Error(`send window weekday ${weekday} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
    }
    weekdayMask |= 1 << weekday;
  }
  if (weekdayMask === 0) throw new Error('send window has no weekdays');
  return { startMs, endMs, weekdayMask };
}

function isWeekdayAllowed(parsed: ParsedWindow, isoWeekday: number): boolean {
  return (parsed.weekdayMask & (1 << isoWeekday)) !== 0;
}

/**
 * The first wall-clock time ≥ `wallMs` inside the window, in wall milliseconds
 * (pure calendar arithmetic; the zone's transitions are the caller's concern).
 */
function nextWallOpening(wallMs: number, parsed: ParsedWindow): number {
  const epochDay = Math.floor(wallMs / DAY_MS);
  const dayStart = epochDay * DAY_MS;
  const timeOfDay = wallMs - dayStart;
  if (isWeekdayAllowed(parsed, isoWeekdayOfWallMs(dayStart))) {
    if (timeOfDay < parsed.startMs) return dayStart + parsed.startMs;
    if (timeOfDay < parsed.endMs) return wallMs;
  }
  for (let ahead = 1; ahead <= 7; ahead++) {
    const otherDay = dayStart + ahead * DAY_MS;
    if (isWeekdayAllowed(parsed, isoWeekdayOfWallMs(otherDay))) return otherDay + parsed.startMs;
  }
  throw new Error('send window has no weekdays');
}

// Each step of the search below moves past one zone transition; needing this many means broken zone data.
const MAX_TRANSITIONS_CROSSED = 16;

/**
 * Walks forward in time: while the zone's offset holds, the next opening is
 * plain wall-clock arithmetic; when a transition comes first, the search
 * resumes there. The transition is itself the opening when the clock jumps
 * into the window: a start inside a spring-forward gap, or a fall-back that
 * repeats window time (01:40 CDT → 01:00 CST for a 01:00–01:30 window).
 */
function nextOpeningFrom(
  instantMs: number,
  offsetMs: number,
  timeZone: string,
  parsed: ParsedWindow,
): number {
  let from = instantMs;
  let offset = offsetMs;
  for (let step = 0; step < MAX_TRANSITIONS_CROSSED; step++) {
    const wall = from + offset;
    const target = nextWallOpening(wall, parsed);
    if (target === wall) return from;
    const candidate = from + (target - wall);
    const change = firstOffsetChange(from, candidate, timeZone);
    if (change === null) return candidate;
    from = change;
    offset = zoneOffsetMs(from, timeZone);
  }
  throw new Error(
    `no send window opening found after ${MAX_TRANSITIONS_CROSSED} zone transitions in ${timeZone}`,
  );
}

function isInsideWall(wallMs: number, parsed: ParsedWindow): boolean {
  const dayStart = Math.floor(wallMs / DAY_MS) * DAY_MS;
  const timeOfDay = wallMs - dayStart;
  return (
    timeOfDay >= parsed.startMs &&
    timeOfDay < parsed.endMs &&
    isWeekdayAllowed(parsed, isoWeekdayOfWallMs(dayStart))
  );
}

export function checkSendWindow(instantMs: number, timeZone: string, window: SendWindow): WindowCheck {
  const parsed = parseSendWindow(window);
  const local = localDateTime(instantMs, timeZone);
  const localTime = formatLocalDateTime(local);
  const offset = offsetMsOf(instantMs, local);
  if (isInsideWall(instantMs + offset, parsed)) return { inside: true, localTime };
  return { inside: false, localTime, nextOpening: nextOpeningFrom(instantMs, offset, timeZone, parsed) };
}

/** The first instant ≥ instantMs inside the window; instantMs itself when already inside. */
export function nextWindowOpening(instantMs: number, timeZone: string, window: SendWindow): number {
  const parsed = parseSendWindow(window);
  const local = localDateTime(instantMs, timeZone);
  return nextOpeningFrom(instantMs, offsetMsOf(instantMs, local), timeZone, parsed);
}

/** Whether the window is open at `instantMs`, without computing the next opening. */
export function isInsideSendWindow(instantMs: number, timeZone: string, window: SendWindow): boolean {
  const parsed = parseSendWindow(window);
  const local = localDateTime(instantMs, timeZone);
  return isInsideWall(instantMs + offsetMsOf(instantMs, local), parsed);
}
