import type { Experiment } from '../../plans/experiment-schema';
import type { Plan } from '../../plans/plan-schema';
import type { ExperimentCountsInput } from './experiment-counts';
import { belongsTo, plannedArms, type StoredArmGroup } from './planned-arms';

/** Leads and converted leads of one stored arm group, as the database counts them. */
export interface StoredArmCounts extends StoredArmGroup {
  leads: number;
  conversions: number;
}

/** One email step and variant, as the database counts them. */
export interface StoredVariantCounts {
  step: string;
  variant: string;
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
  converted: number;
}

/**
 * The report builder's input for a plan's experiment, from the database's
 * counts: every arm the plan declares (an arm nobody landed in yet counts
 * 0, which is exactly what the sample-ratio check must see), and every email
 * step with the variants the plan declares now, weighted as the plan says.
 * Counts of arms or variants the plan no longer declares are left out.
 */
export function planExperimentCounts(
  plan: Plan,
  experiment: Experiment,
  stored: { arms: readonly StoredArmCounts[]; variants: readonly StoredVariantCounts[] },
  globalControlShare: number,
): ExperimentCountsInput {
  const arms = plannedArms(experiment, globalControlShare).map((arm) => {
    const groups = stored.arms.filter((group) => belongsTo(group, arm, experiment));
    return {
      id: arm.id,
      share: arm.share,
      leads: groups.reduce((sum, g) => sum + g.leads, 0),
      conversions: groups.reduce((sum, g) => sum + g.conversions, 0),
    };
  });
  const steps = plan.emailSteps.map((step) => ({
    step: step.id,
    variants: step.variants.map((variant) => {
      const row = stored.variants.find((v) => v.step === step.id && v.variant === variant.id);
      return {
        id: variant.id,
        weight: plan.variantWeights?.[step.id]?.[variant.id] ?? 1,
        sent: row?.sent ?? 0,
        opened: row?.opened ?? 0,
        clicked: row?.clicked ?? 0,
        replied: row?.replied ?? 0,
        converted: row?.converted ?? 0,
      };
    }),
  }));
  return { planId: plan.id, experimentId: experiment.id, arms, steps };
}
