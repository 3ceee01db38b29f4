import { z } from 'zod';
import { CHANNELS } from '../../workflows/rules/channels';

/**
 * What attribution reads about one lead: its touches, when it converted (if it
 * did) and when it first engaged. Times are epoch milliseconds, as in the
 * engine's state. The SQL that builds these paths lives with the report
 * routes; the models below only read them.
 */

/**
 * What became of a touch. Only `sent` earns credit: a `held-out` touch is the
 * ghost the engine records for a lead whose arm withholds the channel (it was
 * never sent, so it cannot have moved the lead), and a `failed` one never
 * reached the lead. For LinkedIn `sent` means the rep completed the task; for
 * retargeting it is one audience-day of exposure (see audience-days.ts).
 */
export const TOUCH_OUTCOMES = ['sent', 'failed', 'held-out'] as const;
export type TouchOutcome = (typeof TOUCH_OUTCOMES)[number];

export const pathTouchSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  /** The plan step that made the touch (email step id, SMS trigger step, LinkedIn task step, stage audience). */
  step: z.string().min(1),
  at: z.number().int(),
  outcome: z.enum(TOUCH_OUTCOMES),
});
export type PathTouch = z.infer<typeof pathTouchSchema>;

export const leadPathSchema = z.strictObject({
  leadId: z.string().min(1),
  touches: z.array(pathTouchSchema),
  /** The lead's first conversion in the report's goal and window; null for a lead that did not convert. */
  convertedAt: z.number().int().nullable(),
  /** The lead's first engagement (open, click, reply, visit…); null when it never engaged. */
  firstEngagementAt: z.number().int().nullable(),
});
export type LeadPath = z.infer<typeof leadPathSchema>;
