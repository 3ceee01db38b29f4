import { twoSidedCriticalZ } from './distributions';
import { alphaOf, rateOf, type Interval, type Proportion } from './proportion';

export interface WilsonOptions {
  confidence?: number;
  /** Newcombe's method 4 (what R's prop.test reports by default); off gives method 3. */
  continuityCorrection?: boolean;
}

/**
 * The Wilson score interval for one rate (Wilson 1927; methods 3 and 4 of
 * Newcombe 1998, "Two-sided confidence intervals for the single
 * proportion"). Unlike the textbook p ± z·√(p(1−p)/n) it stays inside
 * [0, 1] and does not collapse to a point at 0 of n, which is where a
 * young experiment's arms sit.
 */
export function wilsonInterval(p: Proportion, options: WilsonOptions = {}): Interval {
  const rate = rateOf(p);
  const z = twoSidedCriticalZ(alphaOf(options.confidence ?? 0.95));
  const n = p.trials;
  const z2 = z * z;
  const denominator = 2 * (n + z2);
  if (options.continuityCorrection !== true) {
    const centre = 2 * n * rate + z2;
    const spread = z * Math.sqrt(z2 + 4 * n * rate * (1 - rate));
    return [Math.max(0, (centre - spread) / denominator), Math.min(1, (centre + spread) / denominator)];
  }
  // Newcombe's closed form of the score interval for p ∓ 1/(2n); the bounds at 0 and n are exact.
  const low =
    p.successes === 0
      ? 0
      : (2 * n * rate + z2 - 1 - z * Math.sqrt(z2 - 2 - 1 / n + 4 * rate * (n * (1 - rate) + 1))) /
        denominator;
  const high =
    p.successes === n
      ? 1
      : (2 * n * rate + z2 + 1 + z * Math.sqrt(z2 + 2 - 1 / n + 4 * rate * (n * (1 - rate) - 1))) /
        denominator;
  return [Math.max(0, low), Math.min(1, high)];
}
