import fc from 'fast-check';
import type { Channel } from '../../../workflows/rules/channels';
import { CHANNELS } from '../../../workflows/rules/channels';
import type { LeadPath, PathTouch, TouchOutcome } from '../../../reports/attribution/lead-path';
import { TOUCH_OUTCOMES } from '../../../reports/attribution/lead-path';

export const DAY = 24 * 60 * 60 * 1000;
export const T0 = Date.parse('2026-03-02T09:00:00Z');

export function touch(
  channel: Channel,
  step: string,
  day: number,
  outcome: TouchOutcome = 'sent',
): PathTouch {
  return { channel, step, at: T0 + day * DAY, outcome };
}

export function path(
  touches: PathTouch[],
  convertedDay: number | null,
  firstEngagementDay: number | null = null,
  leadId = 'lead-1',
): LeadPath {
  return {
    leadId,
    touches,
    convertedAt: convertedDay === null ? null : T0 + convertedDay * DAY,
    firstEngagementAt: firstEngagementDay === null ? null : T0 + firstEngagementDay * DAY,
  };
}

const HORIZON = 90 * DAY;

export const touchArbitrary: fc.Arbitrary<PathTouch> = fc.record({
  channel: fc.constantFrom(...CHANNELS),
  step: fc.constantFrom('welcome', 'case-study', 'pricing-sms', 'connect', 'evaluating'),
  at: fc.integer({ min: T0, max: T0 + HORIZON }),
  outcome: fc.constantFrom(...TOUCH_OUTCOMES),
});

/** Any lead: touches of every outcome, before and after a conversion that may not happen. */
export const leadPathArbitrary: fc.Arbitrary<LeadPath> = fc.record({
  leadId: fc.uuid(),
  touches: fc.array(touchArbitrary, { maxLength: 12 }),
  convertedAt: fc.option(fc.integer({ min: T0, max: T0 + HORIZON }), { nil: null }),
  firstEngagementAt: fc.option(fc.integer({ min: T0, max: T0 + HORIZON }), { nil: null }),
});

/** A converted lead with at least one sent touch before its conversion. */
export const convertedPathArbitrary: fc.Arbitrary<LeadPath> = fc
  .tuple(leadPathArbitrary, touchArbitrary, fc.integer({ min: 1, max: 30 * DAY }))
  .map(([lead, sent, lag]) => ({
    ...lead,
    touches: [...lead.touches, { ...sent, outcome: 'sent' as const }],
    convertedAt: sent.at + lag,
  }));

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
