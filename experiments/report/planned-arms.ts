import type { Experiment } from '../../plans/experiment-schema';
import type { Channel } from '../../workflows/rules/channels';
import { GLOBAL_CONTROL_ARM } from '../assignment/arm-assignment';

/** An arm as the reports name it: its share of all the plan's leads, and the channels it allows. */
export interface PlannedArm {
  id: string;
  share: number;
  channels: Channel[];
}

/**
 * The arms a plan's leads are split into, with each arm's share of all of
 * them. The global holdout is drawn first (arm-assignment.ts), so with
 * GLOBAL_CONTROL_SHARE g it takes g of the plan's leads and each plan arm
 * its share of the rest, (1 − g)·share: the shares the sample-ratio check
 * must test the lead counts against. Without a global holdout (g = 0, the
 * default) the plan's arms are the whole split.
 */
export function plannedArms(experiment: Experiment, globalControlShare: number): PlannedArm[] {
  const rest = 1 - globalControlShare;
  const arms = experiment.arms.map((arm) => ({
    id: arm.id,
    share: arm.share * rest,
    channels: [...arm.channels],
  }));
  return globalControlShare > 0
    ? [...arms, { id: GLOBAL_CONTROL_ARM, share: globalControlShare, channels: [] }]
    : arms;
}

/** A group of leads as the database counts them: by the arm and experiment stored at enrollment. */
export interface StoredArmGroup {
  arm: string;
  experimentId: string | null;
}

/**
 * Whether stored leads belong to this arm of the experiment. A plan arm's
 * leads carry the experiment's id; the global holdout's carry none. Leads
 * of an earlier experiment of the same plan (another id) belong to no arm.
 */
export function belongsTo(group: StoredArmGroup, arm: PlannedArm, experiment: Experiment): boolean {
  if (group.arm !== arm.id) return false;
  return arm.id === GLOBAL_CONTROL_ARM ? group.experimentId === null : group.experimentId === experiment.id;
}
