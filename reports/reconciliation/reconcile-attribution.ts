import { z } from 'zod';
import { CHANNELS } from '../../workflows/rules/channels';
import { ATTRIBUTION_MODELS } from '../attribution/attribution-models';
import type { AttributionTotals } from '../attribution/attribution-totals';
import { type ArmChannels, isolatedChannels } from './isolated-channels';

/**
 * Attribution against lift. Every rule credits each conversion to some touch,
 * including the conversions that would have happened anyway; the holdout
 * arms measure how many did not. Where a comparison of arms isolates a group
 * of channels, the conversions a model credits to that group (over the
 * treatment arm's leads) should not exceed what the group measurably added:
 * a credit above the interval's upper bound is credit the experiment says the
 * channels did not earn, and the row is flagged.
 */

export const RECONCILIATION_VERDICTS = ['above-interval', 'within-interval', 'below-interval'] as const;

export const reconciliationRowSchema = z.strictObject({
  model: z.enum(ATTRIBUTION_MODELS),
  /** The treatment arm, whose conversions the model credited. */
  arm: z.string().min(1),
  /** The baseline arm it is compared against. */
  against: z.string().min(1),
  /** The channels the comparison isolates, together. */
  channels: z.array(z.enum(CHANNELS)).min(1),
  attributedConversions: z.number().nonnegative(),
  incrementalConversions: z.number(),
  interval: z.tuple([z.number(), z.number()]),
  verdict: z.enum(RECONCILIATION_VERDICTS),
  /** attributedConversions > interval[1]: the model credits the channels with more than they added. */
  flagged: z.boolean(),
});
export type ReconciliationRow = z.infer<typeof reconciliationRowSchema>;

/** A measured comparison of two arms, in conversions of the treatment arm (incremental-conversions.ts). */
export interface MeasuredIncrement {
  arm: string;
  against: string;
  incrementalConversions: number;
  interval: readonly [number, number];
}

/** A model's credits over one arm's leads only: like is compared with like. */
export interface ArmAttribution {
  arm: string;
  totals: AttributionTotals;
}

export interface ReconciliationInput {
  arms: readonly ArmChannels[];
  measured: readonly MeasuredIncrement[];
  attributions: readonly ArmAttribution[];
}

function verdictOf(attributed: number, [low, high]: readonly [number, number]): ReconciliationRow['verdict'] {
  if (attributed > high) return 'above-interval';
  if (attributed < low) return 'below-interval';
  return 'within-interval';
}

/**
 * One row per (comparison that isolates channels, model credited over its
 * treatment arm). A comparison that isolates nothing, or with no attribution
 * over its treatment arm, yields no row: there is nothing to set side by side.
 */
export function reconcileAttribution(input: ReconciliationInput): ReconciliationRow[] {
  return input.measured.flatMap((measured) => {
    const channels = isolatedChannels(input.arms, measured.arm, measured.against);
    if (channels === null) return [];
    const [low, high] = measured.interval;
    if (!(low <= high))
      throw new RangeError(`interval [${low}, ${high}] of ${measured.arm} − ${measured.against}`);
    return input.attributions
      .filter((attribution) => attribution.arm === measured.arm)
      .map(({ totals }) => {
        const attributed = channels.reduce((sum, channel) => sum + totals.byChannel[channel], 0);
        const verdict = verdictOf(attributed, measured.interval);
        return {
          model: totals.model,
          arm: measured.arm,
          against: measured.against,
          channels,
          attributedConversions: attributed,
          incrementalConversions: measured.incrementalConversions,
          interval: [low, high],
          verdict,
          flagged: verdict === 'above-interval',
        };
      });
  });
}
