import { rateOf, type Interval, type Proportion } from './proportion';

/**
 * An anytime-valid confidence sequence for the difference of two rates,
 * a − b: an interval that may be read after every new lead, every day, for
 * as long as the experiment runs, and still holds the true difference at
 * every one of those looks at once with probability 1 − α. A fixed-horizon
 * interval read daily does not: over 60 looks its false alarms pile up
 * (the A/A test in test/experiments/statistics shows by how much).
 *
 * Method: the two-sided normal-mixture boundary of Howard, Ramdas,
 * McAuliffe and Sekhon (2021), "Time-uniform, nonparametric, nonasymptotic
 * confidence sequences" (Robbins' mixture; the mSPRT of Johari et al.
 * 2017 is the same test). In intrinsic time I = 1 / Var(â − b̂) (the
 * information), S = (â − b̂ − (a − b))·I moves like a Brownian motion;
 * mixing exp(λS − λ²I/2) over λ ~ N(0, 1/ρ) gives the supermartingale
 * √(ρ / (I + ρ))·exp(S² / 2(I + ρ)), and Ville's inequality bounds it for
 * all looks at once:
 *
 *     |S| < √((I + ρ)·ln((I + ρ) / (ρ·α²)))
 *
 * The variance is estimated from the data (an asymptotic confidence
 * sequence, Waudby-Smith et al. 2023), with each rate taken as
 * (x + 1)/(n + 2) so an arm at 0 of n or n of n never claims zero variance.
 *
 * The one tuning parameter is ρ, the mixture's precision. It sets the
 * intrinsic time at which the boundary is tightest; any ρ gives a valid
 * sequence, a well-placed one a narrow interval when it matters.
 * `rhoForInformation` places it (the default: DEFAULT_TARGET_INFORMATION).
 */

/** Information of a comparison with `leadsPerArm` leads in each arm at conversion rate `rate`. */
export function informationAt(leadsPerArm: number, rate: number): number {
  return leadsPerArm / (2 * rate * (1 - rate));
}

/**
 * Tightest at 2,000 leads per arm converting at 5 %: the size at which a
 * B2B nurture's quarter of leads usually settles its question. Earlier the
 * interval is wider than it could be, later it widens only like √(ln I / I).
 */
export const DEFAULT_TARGET_INFORMATION = informationAt(2_000, 0.05);

/**
 * The ρ whose boundary is narrowest at information `target` (Howard et
 * al. 2021, on tuning the normal mixture): ρ = m / (x − 1) where x > 1
 * solves x − ln x = 1 + 2·ln(1/α), i.e. x = −W₋₁(−α²/e).
 */
export function rhoForInformation(target: number, alpha: number): number {
  if (!(target > 0) || !(alpha > 0 && alpha < 1))
    throw new RangeError('needs information > 0 and α in (0, 1)');
  const c = 1 - 2 * Math.log(alpha);
  let x = c + Math.log(c);
  // Newton on x − ln x − c: convex and increasing past 1, so it converges from above in a few steps.
  for (let i = 0; i < 50; i += 1) {
    const step = (x - Math.log(x) - c) / (1 - 1 / x);
    x -= step;
    if (Math.abs(step) < 1e-12 * x) break;
  }
  return target / (x - 1);
}

/** Half the width of the sequence's interval at information I. */
export function normalMixtureHalfWidth(information: number, alpha: number, rho: number): number {
  const spread = information + rho;
  return Math.sqrt(spread * Math.log(spread / (rho * alpha * alpha))) / information;
}

export interface ConfidenceSequenceOptions {
  /** The chance, over every look together, that an interval misses the truth. */
  alpha?: number;
  /** The information at which the interval is to be tightest (see informationAt). */
  targetInformation?: number;
}

export interface ConfidenceSequenceLook {
  interval: Interval;
  /** The intrinsic time of this look: 1 / estimated variance of the difference. */
  information: number;
}

/** The sequence's interval for a − b at the counts seen so far. */
export function normalMixtureInterval(
  a: Proportion,
  b: Proportion,
  options: ConfidenceSequenceOptions = {},
): ConfidenceSequenceLook {
  const alpha = options.alpha ?? 0.05;
  const rho = rhoForInformation(options.targetInformation ?? DEFAULT_TARGET_INFORMATION, alpha);
  const difference = rateOf(a) - rateOf(b);
  const smoothed = (p: Proportion): number => (p.successes + 1) / (p.trials + 2);
  const variance = (p: Proportion): number => (smoothed(p) * (1 - smoothed(p))) / p.trials;
  const information = 1 / (variance(a) + variance(b));
  const half = normalMixtureHalfWidth(information, alpha, rho);
  return { interval: [Math.max(-1, difference - half), Math.min(1, difference + half)], information };
}
