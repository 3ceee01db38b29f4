import { z } from 'zod';
import { NURTURE_STATUSES } from '../../workflows/engine/status';
import { quantile } from './quantile';

export const stageVelocityRowSchema = z.strictObject({
  from: z.enum(NURTURE_STATUSES),
  to: z.enum(NURTURE_STATUSES),
  /** How many leads made this move: the sample behind the median and p90. */
  transitions: z.number().int().nonnegative(),
  /** Median time from entering `from` to entering `to`, ms (quantile type 7); null with no transition. */
  medianMs: z.number().nonnegative().nullable(),
  p90Ms: z.number().nonnegative().nullable(),
});
export type StageVelocityRow = z.infer<typeof stageVelocityRowSchema>;

export interface StageDurations {
  from: StageVelocityRow['from'];
  to: StageVelocityRow['to'];
  /** One per lead that moved from `from` to `to`: time spent in `from`, ms. */
  durationsMs: readonly number[];
}

/** A negative duration means the status history is out of order: a data error, refused rather than averaged in. */
export function stageVelocity(stage: StageDurations): StageVelocityRow {
  const negative = stage.durationsMs.find((duration) => duration < 0);
  if (negative !== undefined) {
    throw new RangeError(`a ${stage.from} → ${stage.to} duration is negative (${negative} ms)`);
  }
  return {
    from: stage.from,
    to: stage.to,
    transitions: stage.durationsMs.length,
    medianMs: quantile(stage.durationsMs, 0.5),
    p90Ms: quantile(stage.durationsMs, 0.9),
  };
}
