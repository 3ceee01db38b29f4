import fc from 'fast-check';

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
