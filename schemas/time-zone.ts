import { z } from 'zod';
import { UNPROCESSABLE } from './unprocessable';

/** Zones already checked: building an Intl formatter per row dominates a 100k-row upload otherwise. */
const knownZones = new Map<string, boolean>();
const KNOWN_ZONES_MAX = 2_000;

function isTimeZone(zone: string): boolean {
  const known = knownZones.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (knownZones.size < KNOWN_ZONES_MAX) knownZones.set(zone, valid);
  return valid;
}

/**
 * A lead's IANA time zone, as enrollment and the simulation scripts take it.
 * A well-formed name the runtime does not know is a 422, not a 400: the
 * OpenAPI document cannot list the zones.
 */
export const timezoneSchema = z.string().max(64).refine(isTimeZone, {
  message: 'must be an IANA time zone such as "America/Chicago"',
  params: UNPROCESSABLE,
});
