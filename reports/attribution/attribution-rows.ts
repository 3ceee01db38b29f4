import { z } from 'zod';
import { CHANNELS } from '../../workflows/rules/channels';
import { ATTRIBUTION_MODELS } from './attribution-models';
import type { AttributionTotals } from './attribution-totals';

/**
 * The attribution report's rows, as the API and its CSV carry them: a credit
 * never stands without the conversions it divides, so each row repeats its
 * model's totals (a CSV row must make sense on its own).
 */
const creditColumns = {
  model: z.enum(ATTRIBUTION_MODELS),
  channel: z.enum(CHANNELS),
  /** Conversions credited to this channel (or step): a sum of fractions. */
  attributedConversions: z.number().nonnegative(),
  /** attributedConversions / attributableConversions; null when nothing was attributable. */
  share: z.number().min(0).max(1).nullable(),
  /** Converted leads with at least one creditable touch: what the model's credits add up to. */
  attributableConversions: z.number().int().nonnegative(),
  /** Every converted lead in scope, including those with no touch to credit. */
  conversions: z.number().int().nonnegative(),
};

export const channelAttributionRowSchema = z.strictObject(creditColumns);
export type ChannelAttributionRow = z.infer<typeof channelAttributionRowSchema>;

export const stepAttributionRowSchema = z.strictObject({ ...creditColumns, step: z.string().min(1) });
export type StepAttributionRow = z.infer<typeof stepAttributionRowSchema>;

function totalsColumns(totals: AttributionTotals, credit: number) {
  return {
    model: totals.model,
    // Float sums can land a hair outside [0, attributable]; the row states the credit, not the noise.
    attributedConversions: Math.max(0, credit),
    share: totals.attributable === 0 ? null : Math.min(1, Math.max(0, credit / totals.attributable)),
    attributableConversions: totals.attributable,
    conversions: totals.conversions,
  };
}

export function channelAttributionRows(totals: AttributionTotals): ChannelAttributionRow[] {
  return CHANNELS.map((channel) => ({ ...totalsColumns(totals, totals.byChannel[channel]), channel }));
}

/** Per (channel, step) rows; none for a model that credits channels only (Markov). */
export function stepAttributionRows(totals: AttributionTotals): StepAttributionRow[] {
  return (totals.byStep ?? []).map(({ channel, step, credit }) => ({
    ...totalsColumns(totals, credit),
    channel,
    step,
  }));
}
