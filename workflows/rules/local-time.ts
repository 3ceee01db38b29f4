/**
 * Wall-clock arithmetic in a lead's IANA time zone, for rules that run inside
 * Temporal's workflow sandbox: no clock (every instant is an argument, epoch
 * milliseconds), no Node modules, only `Intl.DateTimeFormat`.
 *
 * Building a formatter costs tens of microseconds and formatting with a cached
 * one about one, so each zone gets exactly one formatter, kept for the life of
 * the worker. The cache only ever holds zones that resolved, and a worker sees
 * a few hundred zones at most.
 *
 * Zones keep one offset for months at a time, so each zone also remembers, per
 * UTC day, the offset that held all day (two formatter calls, at the day's
 * first and last second). Instants on such a day are then read with Date
 * arithmetic; days with a transition always go through the formatter. No
 * zone changes its offset and back within a day (see TRANSITION_FREE_SPAN_MS),
 * so the memo cannot change any answer.
 *
 * Supported instants: years 1000–9999 (the four-digit day keys assume it).
 */

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday of the LOCAL date: Monday = 1 … Sunday = 7. */
  weekday: number;
}

export interface LocalMinute {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Workflow state is JSON: a missing zone arrives as undefined, and Intl would quietly use the worker's own zone. */
function assertZoneName(timeZone: unknown): asserts timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new RangeError(`not a time zone name: ${JSON.stringify(timeZone)}`);
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    assertZoneName(timeZone);
    // 'h23' rather than hour12: false, which prints midnight as "24" in some ICU versions.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The six numbers of "M/D/YYYY, HH:MM:SS", read in order; null when the text has another shape. */
function readSixNumbers(text: string): [number, number, number, number, number, number] | null {
  const found: number[] = [];
  let current = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      current = (current < 0 ? 0 : current * 10) + (code - 48);
    } else if (current >= 0) {
      found.push(current);
      current = -1;
    }
  }
  if (current >= 0) found.push(current);
  const [month, day, year, hour, minute, second] = found;
  if (
    found.length !== 6 ||
    month === undefined ||
    day === undefined ||
    year === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    return null;
  }
  return [year, month, day, hour, minute, second];
}

function partValue(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): number {
  const part = parts.find((p) => p.type === type);
  if (part === undefined) throw new Error(`Intl.DateTimeFormat gave no ${type}`);
  return Number(part.value);
}

/** Days since 1970-01-01 → ISO weekday; 1970-01-01 was a Thursday (4). */
function isoWeekdayOfEpochDay(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

/** Date.UTC, except that years 0–99 are not shifted into the 1900s. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year >= 100) return ms;
  const date = new Date(ms);
  date.setUTCFullYear(year);
  return date.getTime();
}

function readLocalWithFormatter(instantMs: number, timeZone: string): LocalDateTime {
  const formatter = formatterFor(timeZone);
  // format() and reading its digits is several times faster than formatToParts(), which allocates per part.
  const numbers = readSixNumbers(formatter.format(instantMs));
  let year: number, month: number, day: number, hour: number, minute: number, second: number;
  if (numbers !== null) {
    [year, month, day, hour, minute, second] = numbers;
  } else {
    const parts = formatter.formatToParts(instantMs);
    year = partValue(parts, 'year');
    month = partValue(parts, 'month');
    day = partValue(parts, 'day');
    hour = partValue(parts, 'hour');
    minute = partValue(parts, 'minute');
    second = partValue(parts, 'second');
  }
  if (hour === 24) hour = 0;
  const weekday = isoWeekdayOfEpochDay(Math.floor(utcMs(year, month, day) / DAY_MS));
  return { year, month, day, hour, minute, second, weekday };
}

function localOfWallMs(wallMs: number): LocalDateTime {
  const wall = new Date(wallMs);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay() === 0 ? 7 : wall.getUTCDay(),
  };
}

/** Per zone: UTC day number → the offset in force that whole day, or null when it changes during the day. */
const steadyOffsets = new Map<string, Map<number, number | null>>();
// About eleven years of days per zone; past that the zone's memo starts over.
const STEADY_DAYS_PER_ZONE = 4096;

/**
 * The offset that holds all day long on the instant's UTC day, or null when
 * the caller must ask the formatter. Proving a day steady takes two formatter
 * calls; rules look at the days around "now" over and over, so it pays off
 * even for one lead (measured, send window + per-local-day cap: about 0.5
 * formatter calls per decision instead of 9).
 */
function steadyOffsetOfUtcDay(instantMs: number, timeZone: string): number | null {
  const day = Math.floor(instantMs / DAY_MS);
  let days = steadyOffsets.get(timeZone);
  if (days === undefined) {
    days = new Map();
    steadyOffsets.set(timeZone, days);
  }
  const known = days.get(day);
  if (known !== undefined) return known;
  const first = day * DAY_MS;
  const last = first + DAY_MS - 1000;
  const offsetAtFirst = offsetMsOf(first, readLocalWithFormatter(first, timeZone));
  const offsetAtLast = offsetMsOf(last, readLocalWithFormatter(last, timeZone));
  const steady = offsetAtFirst === offsetAtLast ? offsetAtFirst : null;
  if (days.size >= STEADY_DAYS_PER_ZONE) days.clear();
  days.set(day, steady);
  return steady;
}

export function localDateTime(instantMs: number, timeZone: string): LocalDateTime {
  if (!Number.isFinite(instantMs)) throw new RangeError(`not an instant: ${instantMs}`);
  const steady = steadyOffsetOfUtcDay(instantMs, timeZone);
  return steady === null ? readLocalWithFormatter(instantMs, timeZone) : localOfWallMs(instantMs + steady);
}

/**
 * The local wall clock read as if it were UTC ("wall milliseconds"): lets
 * calendar arithmetic (next day, 09:00 that day) be plain integer arithmetic.
 */
export function wallMsOf(local: LocalDateTime): number {
  return utcMs(local.year, local.month, local.day, local.hour, local.minute, local.second);
}

function floorToSecond(instantMs: number): number {
  return instantMs - (((instantMs % 1000) + 1000) % 1000);
}

/** Offset in milliseconds at an instant, given the local time already read at that instant. */
export function offsetMsOf(instantMs: number, local: LocalDateTime): number {
  return wallMsOf(local) - floorToSecond(instantMs);
}

export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  if (!Number.isFinite(instantMs)) throw new RangeError(`not an instant: ${instantMs}`);
  return (
    steadyOffsetOfUtcDay(instantMs, timeZone) ??
    offsetMsOf(instantMs, readLocalWithFormatter(instantMs, timeZone))
  );
}

/** Whole minutes for every zone in use today; only pre-1970s local mean times have seconds. */
export function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  return zoneOffsetMs(instantMs, timeZone) / MINUTE_MS;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function dayKeyOf(local: { year: number; month: number; day: number }): string {
  return `${pad(local.year, 4)}-${pad(local.month, 2)}-${pad(local.day, 2)}`;
}

export function localDayKey(instantMs: number, timeZone: string): string {
  return dayKeyOf(localDateTime(instantMs, timeZone));
}

const WEEKDAY_NAMES = 'MonTueWedThuFriSatSun';

export function weekdayName(isoWeekday: number): string {
  return WEEKDAY_NAMES.slice((isoWeekday - 1) * 3, isoWeekday * 3);
}

/** "23:30 Tue": how a lead's local time reads in decision reasons. */
export function formatLocalDateTime(local: LocalDateTime): string {
  return `${pad(local.hour, 2)}:${pad(local.minute, 2)} ${weekdayName(local.weekday)}`;
}

export function formatLocal(instantMs: number, timeZone: string): string {
  return formatLocalDateTime(localDateTime(instantMs, timeZone));
}

export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * A zone's offset never changes twice within about four days (tzdb since
 * 1900; the closest pair is Africa/Freetown in 1939, 3.99 days apart, and
 * Brazil's and Gaza's one-week summer times come next), so two readings this
 * far apart that agree have no transition between them.
 */
export const TRANSITION_FREE_SPAN_MS = 3 * DAY_MS;

/**
 * The first instant in (after, before] whose offset differs from the offset at
 * `after`, when there is exactly one offset change in that range. Zone
 * transitions fall on whole seconds, so the search runs over seconds.
 */
export function findOffsetChange(after: number, before: number, timeZone: string): number {
  const offsetBefore = zoneOffsetMs(after, timeZone);
  let low = Math.floor(after / 1000);
  let high = Math.floor(before / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (zoneOffsetMs(middle * 1000, timeZone) === offsetBefore) low = middle;
    else high = middle;
  }
  return high * 1000;
}

/** The first zone transition in (after, before], or null when the offset holds throughout. */
export function firstOffsetChange(after: number, before: number, timeZone: string): number | null {
  const offset = zoneOffsetMs(after, timeZone);
  for (let from = after; from < before; from += TRANSITION_FREE_SPAN_MS) {
    const to = Math.min(before, from + TRANSITION_FREE_SPAN_MS);
    if (zoneOffsetMs(to, timeZone) !== offset) return findOffsetChange(from, to, timeZone);
  }
  return null;
}

/**
 * Every instant at which the wall clock reads `local` (seconds ignored),
 * earliest first: one; two in a fall-back overlap; none in a spring-forward
 * gap, where the clock jumps over it at `gapEnd`. Offsets are sampled a day
 * either side, which sees every transition near `local` (see TRANSITION_FREE_SPAN_MS).
 */
export function instantsReadingLocal(
  local: LocalMinute,
  timeZone: string,
): { readings: number[]; gapEnd: number | null } {
  const wall = utcMs(local.year, local.month, local.day, local.hour, local.minute);
  const offsetEarlier = zoneOffsetMs(wall - DAY_MS, timeZone);
  const offsetLater = zoneOffsetMs(wall + DAY_MS, timeZone);
  const candidates =
    offsetEarlier === offsetLater
      ? [wall - offsetEarlier]
      : [wall - offsetEarlier, wall - offsetLater].sort((a, b) => a - b);
  const readings = candidates.filter((candidate) => candidate + zoneOffsetMs(candidate, timeZone) === wall);
  const [first, last] = candidates;
  if (readings.length > 0 || first === undefined || last === undefined) return { readings, gapEnd: null };
  return { readings, gapEnd: findOffsetChange(first, last, timeZone) };
}

/**
 * The instant at which the wall clock reads `local`. A local time skipped by a
 * spring-forward gap resolves to the first instant after the gap (02:30 on a
 * US spring-forward day → 03:00); one repeated by a fall-back resolves to the
 * earlier instant.
 */
export function instantOfLocal(local: LocalMinute, timeZone: string): number {
  const { readings, gapEnd } = instantsReadingLocal(local, timeZone);
  const instant = readings[0] ?? gapEnd;
  if (instant === null) {
    throw new Error(
      `no instant reads ${dayKeyOf(local)} ${pad(local.hour, 2)}:${pad(local.minute, 2)} in ${timeZone}`,
    );
  }
  return instant;
}

/**
 * The instants where the lead's local date starts and where the next one
 * starts (DST-correct: 23 or 25 hours long on transition days). Each bound is
 * the first instant reading 00:00, or the end of a gap that skips midnight;
 * where a fall-back repeats midnight (Gaza) the day began at the first one.
 * Where a fall-back crossed midnight (St John's, until 2011: 00:01 → 23:01),
 * the date is not one stretch of time; the day then ends at the midnight
 * still ahead, and the minute of the next date before the fall-back counts
 * with the day the clock returns to.
 */
export function localDayBounds(instantMs: number, timeZone: string): { start: number; end: number } {
  const local = localDateTime(instantMs, timeZone);
  const next = new Date(utcMs(local.year, local.month, local.day) + DAY_MS);
  const today = instantsReadingLocal({ ...local, hour: 0, minute: 0 }, timeZone);
  const tomorrow = instantsReadingLocal(
    {
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: 0,
      minute: 0,
    },
    timeZone,
  );
  const start = today.readings[0] ?? today.gapEnd;
  const end = tomorrow.readings.find((reading) => reading > instantMs) ?? tomorrow.gapEnd;
  if (start === null || end === null || start > instantMs || end <= instantMs) {
    throw new Error(`cannot find the local day around ${new Date(instantMs).toISOString()} in ${timeZone}`);
  }
  return { start, end };
}

export function isoWeekdayOfWallMs(wallMs: number): number {
  return isoWeekdayOfEpochDay(Math.floor(wallMs / DAY_MS));
}
