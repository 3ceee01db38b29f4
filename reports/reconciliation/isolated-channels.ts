import { CHANNELS, type Channel } from '../../workflows/rules/channels';

/** An experiment arm as reconciliation needs it: which channels its leads may get (plan data). */
export interface ArmChannels {
  id: string;
  channels: readonly Channel[];
}

/**
 * The channels whose joint effect a comparison of two arms measures: those the
 * treatment arm may use and the baseline may not. It isolates them only when
 * the baseline's channels are a subset of the treatment's (nothing else
 * differs): `full` against `email-only` isolates SMS, LinkedIn and
 * retargeting together, `full` against `no-ads` isolates retargeting,
 * `full` against `control` every channel. Any other pair (unknown arm,
 * channels traded rather than added, identical arms) isolates nothing: null.
 */
export function isolatedChannels(
  arms: readonly ArmChannels[],
  treatmentArm: string,
  baselineArm: string,
): Channel[] | null {
  const treatment = arms.find((arm) => arm.id === treatmentArm);
  const baseline = arms.find((arm) => arm.id === baselineArm);
  if (treatment === undefined || baseline === undefined) return null;
  if (!baseline.channels.every((channel) => treatment.channels.includes(channel))) return null;
  const added = CHANNELS.filter(
    (channel) => treatment.channels.includes(channel) && !baseline.channels.includes(channel),
  );
  return added.length === 0 ? null : added;
}
