import fc from 'fast-check';
import { zoneOffsetMinutes } from '../../workflows/rules/local-time';

/** Varied on purpose: half-hour and 45-minute offsets, half-hour DST, southern DST, midnight transitions. */
export const VARIED_ZONES = [
  'UTC',
  'America/Chicago',
  'America/St_Johns',
  'America/Santiago',
  'America/Sao_Paulo',
  'Europe/London',
  'Africa/Casablanca',
  'America/Boa_Vista',
  'Asia/Gaza',
  'Asia/Tehran',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
] as const;

export const at = (iso: string): number => Date.parse(iso);

/** Random instants over four decades of time-zone rules. */
export const instants = fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-12-31T23:59:59Z') });

/**
 * Every offset change of VARIED_ZONES in 2000–2040, so properties can aim at
 * DST edges: offsets two days apart (no zone changes twice that fast), then
 * bisection to the second.
 */
export function offsetTransitions(): { zone: string; at: number }[] {
  const step = 2 * 86_400_000;
  return VARIED_ZONES.flatMap((zone) => {
    const found: { zone: string; at: number }[] = [];
    for (let t = at('2000-01-01T00:00:00Z'); t < at('2041-01-01T00:00:00Z'); t += step) {
      const before = zoneOffsetMinutes(t, zone);
      if (before === zoneOffsetMinutes(t + step, zone)) continue;
      let low = t / 1000;
      let high = (t + step) / 1000;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (zoneOffsetMinutes(middle * 1000, zone) === before) low = middle;
        else high = middle;
      }
      found.push({ zone, at: high * 1000 });
    }
    return found;
  });
}
