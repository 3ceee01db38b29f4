import type { Experiment, ExperimentArm } from '../../plans/experiment-schema';
import { unitHash } from './unit-hash';
import { weightedPick } from './weighted-pick';

/** The service-wide holdout (GLOBAL_CONTROL_SHARE) is an arm of every plan; no plan may name one so. */
export const GLOBAL_CONTROL_ARM = 'global-control';

/**
 * The global holdout's own salt: its draw is independent of every plan's,
 * and no plan can move a lead in or out of it. Never change it: that would
 * release the held-out leads and hold out others.
 */
export const GLOBAL_CONTROL_SALT = 'durable-nurture/global-control/v1';

export type ArmAssignment =
  /** Held out of every plan by GLOBAL_CONTROL_SHARE: no touch at all. */
  | { kind: 'global-control'; arm: typeof GLOBAL_CONTROL_ARM }
  /** In one of the plan's arms. */
  | { kind: 'arm'; experimentId: string; arm: ExperimentArm }
  /** The plan has no experiment: the lead gets what the plan sends. */
  | { kind: 'none' };

/**
 * The arm of a lead: first the global holdout (a `globalControlShare`
 * fraction of all leads, drawn with its own salt), then the plan's arms by
 * their shares, drawn with the experiment's salt. Deterministic in
 * (lead id, salts, shares): the same lead gets the same arm on re-enrollment,
 * after continue-as-new and on a new plan version that keeps the experiment.
 */
export function assignArm(
  leadId: string,
  experiment: Experiment | undefined,
  globalControlShare: number,
): ArmAssignment {
  if (!(globalControlShare >= 0 && globalControlShare < 1)) {
    throw new RangeError('the global control share is a fraction in [0, 1)');
  }
  if (unitHash(GLOBAL_CONTROL_SALT, leadId) < globalControlShare) {
    return { kind: 'global-control', arm: GLOBAL_CONTROL_ARM };
  }
  if (experiment === undefined) return { kind: 'none' };
  const arm = weightedPick(unitHash(experiment.salt, leadId), experiment.arms, (a) => a.share);
  return { kind: 'arm', experimentId: experiment.id, arm };
}
