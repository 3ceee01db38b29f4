import { twoSidedNormalPValue } from './distributions';
import { rateOf, type Proportion } from './proportion';

export interface ZTestResult {
  /** Signed: positive when a's rate is the higher. */
  z: number;
  /** Two-sided. Valid for one look at a horizon fixed in advance, not for a report read every day. */
  pValue: number;
}

/**
 * The two-proportion z-test with the pooled variance: z² is Pearson's
 * chi-square of the 2×2 table, so its p-value is R's
 * `prop.test(c(xa, xb), c(na, nb), correct = FALSE)`. With the continuity
 * correction it is R's default `prop.test` (Yates, capped as R caps it so
 * that it never changes the difference's sign).
 */
export function twoProportionZTest(
  a: Proportion,
  b: Proportion,
  options: { continuityCorrection?: boolean } = {},
): ZTestResult {
  const difference = rateOf(a) - rateOf(b);
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const inverseSizes = 1 / a.trials + 1 / b.trials;
  const variance = pooled * (1 - pooled) * inverseSizes;
  // Everyone or no one converted in both arms: the data cannot tell them apart.
  if (variance === 0) return { z: 0, pValue: 1 };
  const yates =
    options.continuityCorrection === true ? Math.min(0.5, Math.abs(difference) / inverseSizes) : 0;
  const z = (Math.sign(difference) * (Math.abs(difference) - yates * inverseSizes)) / Math.sqrt(variance);
  return { z, pValue: twoSidedNormalPValue(z) };
}
