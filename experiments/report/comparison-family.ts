import { holmAdjust } from '../statistics/holm-adjustment';
import { newcombeInterval } from '../statistics/newcombe-interval';
import { normalMixtureInterval } from '../statistics/normal-mixture-sequence';
import { sampleRatioMismatch, type SampleRatioCheck } from '../statistics/sample-ratio-mismatch';
import type { Interval, Proportion } from '../statistics/proportion';
import { twoProportionZTest } from '../statistics/two-proportion-z-test';
import { uplift } from '../statistics/uplift';
import { wilsonInterval } from '../statistics/wilson-interval';
import type { Comparison } from './experiment-report-schema';

export interface ReportSettings {
  /** Of each fixed-horizon interval, and 1 − α for the family's anytime intervals together. */
  confidence: number;
  /** Where the anytime intervals are tightest (normal-mixture-sequence.ts). */
  targetInformation: number;
}

/** One comparison: the rate of `arm` against the rate of `against`; trials may be 0 while an arm is empty. */
export interface ComparisonInput {
  arm: string;
  against: string;
  a: Proportion;
  b: Proportion;
}

/** A rate and its Wilson interval; both null before there is anything to divide by. */
export function rateWithInterval(
  p: Proportion,
  confidence: number,
): { rate: number | null; interval: Interval | null } {
  if (p.trials === 0) return { rate: null, interval: null };
  return { rate: p.successes / p.trials, interval: wilsonInterval(p, { confidence }) };
}

/** The sample-ratio check of a family's groups (arms, or a step's variants); null when there is one group. */
export function splitCheckOf<T>(
  groups: readonly T[],
  countOf: (group: T) => number,
  shareOf: (group: T) => number,
): SampleRatioCheck | null {
  return groups.length < 2 ? null : sampleRatioMismatch(groups.map(countOf), groups.map(shareOf));
}

function verdictOf(interval: Interval | null): Comparison['verdict'] {
  if (interval === null) return 'undecided';
  if (interval[0] > 0) return 'higher';
  if (interval[1] < 0) return 'lower';
  return 'undecided';
}

/**
 * The comparisons of one family (an experiment's arms, or one step's
 * variants), corrected together: p-values by Holm, and the anytime
 * intervals at α / k for k comparisons (Bonferroni), so that a verdict of
 * this family is wrong with probability at most α over every look and
 * every comparison at once.
 */
export function compareFamily<T extends ComparisonInput>(
  inputs: readonly T[],
  settings: ReportSettings,
): (Omit<T, 'a' | 'b'> & Comparison)[] {
  const familyAlpha = (1 - settings.confidence) / Math.max(1, inputs.length);
  const results = inputs.map(({ a, b, ...labels }) => {
    if (a.trials === 0 || b.trials === 0) {
      return { ...labels, uplift: null, interval: null, anytimeInterval: null, pValue: null };
    }
    const anytime = normalMixtureInterval(a, b, {
      alpha: familyAlpha,
      targetInformation: settings.targetInformation,
    });
    return {
      ...labels,
      uplift: uplift(a, b),
      interval: newcombeInterval(a, b, { confidence: settings.confidence }),
      anytimeInterval: anytime.interval,
      pValue: twoProportionZTest(a, b).pValue,
    };
  });
  const tested = results.flatMap((r, index) => (r.pValue === null ? [] : [{ index, p: r.pValue }]));
  const adjusted = new Map(holmAdjust(tested.map((t) => t.p)).map((p, i) => [tested[i]?.index, p]));
  return results.map((r, index) => ({
    ...r,
    adjustedPValue: adjusted.get(index) ?? null,
    verdict: verdictOf(r.anytimeInterval),
  }));
}
