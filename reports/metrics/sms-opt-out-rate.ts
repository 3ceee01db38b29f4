import { z } from 'zod';
import { rateOf, rateSchema } from './rate';

/** Carriers and the source articles treat more than 3% STOPs per send as a list or content problem. */
export const DEFAULT_SMS_OPT_OUT_THRESHOLD = 0.03;

export const smsOptOutRowSchema = z.strictObject({
  /** STOP per SMS recipient: leads who opted out of SMS over leads sent at least one SMS. */
  optOutRate: rateSchema,
  threshold: z.number().gt(0).max(1),
  /** The rate is above the threshold: the alert fires. Never with no recipient. */
  breached: z.boolean(),
});
export type SmsOptOutRow = z.infer<typeof smsOptOutRowSchema>;

export interface SmsOptOutCounts {
  /** Distinct leads sent at least one SMS in the period. */
  recipients: number;
  /** Of them, the leads who answered STOP (or another opt-out keyword). */
  optedOut: number;
}

/**
 * Breached means strictly above the threshold (3.0% of 100 is not a breach,
 * 4 of 100 is). The check reads the observed rate only: with a handful of
 * recipients one STOP breaches, so an alert says how many it is out of.
 */
export function smsOptOutRate(
  counts: SmsOptOutCounts,
  threshold: number = DEFAULT_SMS_OPT_OUT_THRESHOLD,
): SmsOptOutRow {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`opt-out threshold must be in (0, 1], got ${threshold}`);
  }
  const optOutRate = rateOf(counts.optedOut, counts.recipients);
  return { optOutRate, threshold, breached: optOutRate.rate !== null && optOutRate.rate > threshold };
}
