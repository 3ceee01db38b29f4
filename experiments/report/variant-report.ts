import { compareFamily, rateWithInterval, splitCheckOf, type ReportSettings } from './comparison-family';
import type { StepCounts } from './experiment-counts';
import { VARIANT_METRICS, type VariantStepReport } from './experiment-report-schema';

/**
 * One email step's A/B variants: per variant the open, click, reply and
 * conversion rates of the leads it was sent to; every pair of variants
 * compared on every metric (one family); and a winner of a metric only
 * where the anytime interval puts it above every other variant, so a
 * winner read off a daily report is not a winner by peeking.
 */
export function variantStepReport(step: StepCounts, settings: ReportSettings): VariantStepReport {
  const rate = (successes: number, trials: number) => ({
    count: successes,
    ...rateWithInterval({ successes, trials }, settings.confidence),
  });
  const variants = step.variants.map((v) => ({
    id: v.id,
    weight: v.weight,
    sent: v.sent,
    metrics: {
      opened: rate(v.opened, v.sent),
      clicked: rate(v.clicked, v.sent),
      replied: rate(v.replied, v.sent),
      converted: rate(v.converted, v.sent),
    },
  }));
  // Every pair once, the later variant measured against the earlier, on every metric: one family.
  const pairs = step.variants.flatMap((b, i) =>
    step.variants.slice(i + 1).flatMap((a) =>
      VARIANT_METRICS.map((metric) => ({
        metric,
        arm: a.id,
        against: b.id,
        a: { successes: a[metric], trials: a.sent },
        b: { successes: b[metric], trials: b.sent },
      })),
    ),
  );
  const comparisons = compareFamily(pairs, settings);
  const winners = VARIANT_METRICS.flatMap((metric) =>
    step.variants
      .filter((v) =>
        comparisons
          .filter((c) => c.metric === metric && (c.arm === v.id || c.against === v.id))
          .every((c) => c.verdict === (c.arm === v.id ? 'higher' : 'lower')),
      )
      .map((v) => ({ metric, variant: v.id })),
  );
  const srm = splitCheckOf(
    step.variants,
    (v) => v.sent,
    (v) => v.weight,
  );
  return { step: step.step, srm, variants, comparisons, winners: step.variants.length < 2 ? [] : winners };
}
