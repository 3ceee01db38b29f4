const DAY = 86_400_000;
const UNITS: [number, string][] = [
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1_000, 's'],
];

/** "48h", "3d", "90s": how durations read in decision reasons (hours up to 3 days, as plans say "48h"). */
export function formatDuration(milliseconds: number): string {
  if (milliseconds > 3 * DAY && milliseconds % DAY === 0) return `${milliseconds / DAY}d`;
  for (const [size, unit] of UNITS) {
    if (milliseconds >= size && milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
