/**
 * The experiment report states uplift as a difference in conversion rates
 * (treatment − baseline) with an interval. Attribution counts conversions, so
 * the two meet in conversions: the treatment arm's leads times the uplift is
 * how many of its conversions would not have happened under the baseline.
 * The interval scales the same way (a positive constant keeps its coverage).
 */
export interface MeasuredUplift {
  /** Leads in the treatment arm, the ones whose conversions attribution credits. */
  treatmentLeads: number;
  /** Absolute uplift in conversion rate, treatment − baseline. */
  uplift: number;
  interval: readonly [number, number];
}

export interface IncrementalConversions {
  incrementalConversions: number;
  interval: [number, number];
}

export function incrementalConversionsOf(measured: MeasuredUplift): IncrementalConversions {
  const { treatmentLeads, uplift, interval } = measured;
  if (!Number.isInteger(treatmentLeads) || treatmentLeads < 0) {
    throw new RangeError(`treatment leads must be a whole number ≥ 0, got ${treatmentLeads}`);
  }
  const [low, high] = interval;
  if (!(low <= uplift && uplift <= high)) {
    throw new RangeError(`the interval [${low}, ${high}] must hold the uplift ${uplift}`);
  }
  return {
    incrementalConversions: uplift * treatmentLeads,
    interval: [low * treatmentLeads, high * treatmentLeads],
  };
}
