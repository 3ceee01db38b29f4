import { chiSquareSurvival } from './distributions';

/** Below this the split is broken, not unlucky: the usual threshold for a sample-ratio check. */
export const SRM_THRESHOLD = 0.001;

export interface SampleRatioCheck {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  /** True when the counts are too far from the shares to be chance: every other number of the report is suspect. */
  flagged: boolean;
}

/**
 * Pearson's chi-square goodness-of-fit of the arms' lead counts against
 * their shares (R's `chisq.test(counts, p = shares)`). A broken split
 * (a bug in assignment, an arm that loses leads on the way in) biases every
 * comparison in a way no interval accounts for, so it is checked first.
 */
export function sampleRatioMismatch(counts: readonly number[], shares: readonly number[]): SampleRatioCheck {
  if (counts.length !== shares.length || counts.length < 2) {
    throw new RangeError('a sample-ratio check needs a count and a share for each of two or more arms');
  }
  if (shares.some((s) => !(s > 0)))
    throw new RangeError('every arm of a sample-ratio check has a share above 0');
  const n = counts.reduce((sum, c) => sum + c, 0);
  const totalShare = shares.reduce((sum, s) => sum + s, 0);
  const degreesOfFreedom = counts.length - 1;
  if (n === 0) return { chiSquare: 0, degreesOfFreedom, pValue: 1, flagged: false };
  const chiSquare = counts.reduce((sum, count, i) => {
    const expected = (n * (shares[i] ?? 0)) / totalShare;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
  const pValue = chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, flagged: pValue < SRM_THRESHOLD };
}
