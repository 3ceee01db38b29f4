import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * The distribution functions the statistics need, from stdlib (ports of
 * Cephes and Boost, accurate far into the tails), so no CDF is written by
 * hand here.
 */

/** z such that a standard normal exceeds |z| with probability alpha: 1.959964 for 0.05. */
export function twoSidedCriticalZ(alpha: number): number {
  return normalQuantile(1 - alpha / 2, 0, 1);
}

/** P(|Z| ≥ |z|) for a standard normal Z; Φ(−|z|) keeps its precision where 1 − Φ(|z|) would round to 0. */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

/** P(X ≥ x) for X chi-square with `df` degrees of freedom: the regularized upper incomplete gamma Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
