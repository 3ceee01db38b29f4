import type { Plan } from '../../plans/plan-schema';
import { CHANNELS, type Channel } from '../../workflows/rules/channels';
import type { LeadArm } from '../../workflows/engine/state';
import { assignArm } from './arm-assignment';

/** The arm as the lead's record keeps it (leads.arm, experiment_id, arm_channels). */
export interface ArmRecord {
  arm: string | null;
  experimentId: string | null;
  armChannels: string[];
}

/**
 * The arm a lead enrolled on `plan` gets, as stored with the lead. Written
 * once, when the lead is first stored: a repeat enrollment reads it back
 * rather than drawing again (the draw would agree, unless the plan's arms
 * or GLOBAL_CONTROL_SHARE changed meanwhile, and then the stored arm wins).
 */
export function armRecordFor(leadId: string, plan: Plan, globalControlShare: number): ArmRecord {
  const assignment = assignArm(leadId, plan.experiment, globalControlShare);
  switch (assignment.kind) {
    case 'none':
      return { arm: null, experimentId: null, armChannels: [] };
    case 'global-control':
      return { arm: assignment.arm, experimentId: null, armChannels: [] };
    case 'arm':
      return {
        arm: assignment.arm.id,
        experimentId: assignment.experimentId,
        armChannels: [...assignment.arm.channels],
      };
  }
}

/** The arm the engine enforces, from the record; undefined (every channel) when the lead has none. */
export function leadArmOf(record: ArmRecord): LeadArm | undefined {
  if (record.arm === null) return undefined;
  const channels = CHANNELS.filter((c): c is Channel => record.armChannels.includes(c));
  return { id: record.arm, experimentId: record.experimentId, channels };
}
