import { rateOf, type Proportion } from './proportion';

export interface Uplift {
  /** Rate of the arm minus rate of the arm it is measured against: 0.03 is three points more. */
  absolute: number;
  /** The absolute uplift over the baseline rate: 0.5 is half as many again; null when the baseline is 0. */
  relative: number | null;
}

export function uplift(arm: Proportion, baseline: Proportion): Uplift {
  const rate = rateOf(arm);
  const base = rateOf(baseline);
  return { absolute: rate - base, relative: base === 0 ? null : (rate - base) / base };
}
