import { DEFAULT_TARGET_INFORMATION } from '../statistics/normal-mixture-sequence';
import { armComparisons } from './arm-comparisons';
import { compareFamily, rateWithInterval, splitCheckOf, type ReportSettings } from './comparison-family';
import { experimentCountsSchema, type ExperimentCountsInput } from './experiment-counts';
import type { ExperimentReport } from './experiment-report-schema';
import { variantStepReport } from './variant-report';

/**
 * The experiment report of a plan, from its counts: pure, so the API, the
 * simulator and the tests build the same numbers. The split is checked
 * first (srm); a flagged split makes every comparison suspect.
 */
export function buildExperimentReport(
  input: ExperimentCountsInput,
  options: Partial<ReportSettings> = {},
): ExperimentReport {
  const counts = experimentCountsSchema.parse(input);
  const settings: ReportSettings = {
    confidence: options.confidence ?? 0.95,
    targetInformation: options.targetInformation ?? DEFAULT_TARGET_INFORMATION,
  };
  const arms = counts.arms.map((arm) => ({
    id: arm.id,
    share: arm.share,
    leads: arm.leads,
    conversions: arm.conversions,
    ...rateWithInterval({ successes: arm.conversions, trials: arm.leads }, settings.confidence),
  }));
  return {
    planId: counts.planId,
    experimentId: counts.experimentId,
    confidence: settings.confidence,
    arms,
    comparisons: compareFamily(armComparisons(counts.arms), settings),
    srm: splitCheckOf(
      counts.arms,
      (a) => a.leads,
      (a) => a.share,
    ),
    variants: counts.steps.map((step) => variantStepReport(step, settings)),
  };
}
