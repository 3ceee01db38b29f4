/**
 * Where a lead stands in its nurture. The list is the engine's: plans name
 * statuses (retargeting audiences per status) and the API shows them, both
 * reading it from here. Wire values: they live in histories and search
 * attributes, never rename them.
 */
export const NURTURE_STATUSES = [
  'new',
  'engaged',
  'high-intent',
  'disengaged',
  'converted',
  'suppressed',
  'opted-out',
  'completed',
] as const;
export type NurtureStatus = (typeof NURTURE_STATUSES)[number];

/** Statuses a nurture never leaves: nothing more is sent, events are only recorded. */
export const TERMINAL_STATUSES: readonly NurtureStatus[] = [
  'converted',
  'suppressed',
  'opted-out',
  'completed',
];

export function isActive(state: { status: NurtureStatus }): boolean {
  return !TERMINAL_STATUSES.includes(state.status);
}
