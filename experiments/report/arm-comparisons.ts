import { GLOBAL_CONTROL_ARM } from '../assignment/arm-assignment';
import type { ComparisonInput } from './comparison-family';
import type { ArmCounts } from './experiment-counts';

/** The arms that get no touch: the plan's control, else the service-wide holdout. */
const NO_TOUCH = ['control', GLOBAL_CONTROL_ARM];
const EMAIL_ONLY = 'email-only';

const proportion = (arm: ArmCounts) => ({ successes: arm.conversions, trials: arm.leads });

/**
 * What each arm is measured against: the no-touch arm (the whole effect of
 * nurturing) and email-only (what the other channels add over email alone,
 * the product brief's true channel ROI), where the experiment has them.
 */
export function armComparisons(arms: readonly ArmCounts[]): ComparisonInput[] {
  const control = arms.find((a) => a.id === 'control') ?? arms.find((a) => a.id === GLOBAL_CONTROL_ARM);
  const emailOnly = arms.find((a) => a.id === EMAIL_ONLY);
  const against = (baseline: ArmCounts | undefined, skip: readonly string[]): ComparisonInput[] =>
    baseline === undefined
      ? []
      : arms
          .filter((arm) => arm !== baseline && !skip.includes(arm.id))
          .map((arm) => ({ arm: arm.id, against: baseline.id, a: proportion(arm), b: proportion(baseline) }));
  return [...against(control, NO_TOUCH), ...against(emailOnly, [...NO_TOUCH, EMAIL_ONLY])];
}
