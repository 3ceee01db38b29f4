const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How durations read in decision reasons: "48h", "3d", "90s" for plan values,
 * "2d 16h 48m" for computed ones (rounded to the minute). Hours up to 3 days,
 * as plans say "48h".
 */
export function formatDuration(milliseconds: number): string {
  if (milliseconds > 3 * DAY && milliseconds % DAY === 0) return `${String(milliseconds / DAY)}d`;
  if (milliseconds >= HOUR && milliseconds % HOUR === 0) return `${String(milliseconds / HOUR)}h`;
  if (milliseconds >= MINUTE && milliseconds % MINUTE === 0 && milliseconds < HOUR)
    return `${String(milliseconds / MINUTE)}m`;
  if (milliseconds < HOUR && milliseconds % 1000 === 0 && milliseconds % MINUTE !== 0) {
    return `${String(milliseconds / 1000)}s`;
  }
  if (milliseconds < MINUTE) {
    return milliseconds >= 1000 ? `${String(Math.round(milliseconds / 1000))}s` : `${String(milliseconds)}ms`;
  }
  const minutes = Math.round(milliseconds / MINUTE);
  const parts: string[] = [];
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const rest = minutes % 60;
  if (days > 0) parts.push(`${String(days)}d`);
  if (hours > 0) parts.push(`${String(hours)}h`);
  if (rest > 0) parts.push(`${String(rest)}m`);
  return parts.join(' ');
}

/**
 * "in 3d instead of 4d"; when both round to the same words ("2s instead of
 * 2s" for 1.6 s against 2 s) it says by how much instead.
 */
export function formatDelayChange(adapted: number, planned: number): string {
  const [now, before] = [formatDuration(adapted), formatDuration(planned)];
  if (now !== before) return `in ${now} instead of ${before}`;
  const by = formatDuration(Math.abs(planned - adapted));
  return `in ${now}, ${by} ${adapted < planned ? 'sooner' : 'later'} than the plan's ${before}`;
}
