import { CHANNELS, type Channel } from '../../workflows/rules/channels';
import {
  type AttributionModel,
  type PathModel,
  type PathModelOptions,
  DEFAULT_PATH_MODEL_OPTIONS,
} from './attribution-models';
import { creditPath } from './credit-path';
import type { LeadPath } from './lead-path';

export interface StepCredit {
  channel: Channel;
  step: string;
  credit: number;
}

/** One model's credits over a set of leads, in conversions (fractions of leads). */
export interface AttributionTotals {
  model: AttributionModel;
  /** Converted leads among the paths. */
  conversions: number;
  /** Converted leads with at least one creditable touch: what the credits add up to. */
  attributable: number;
  byChannel: Record<Channel, number>;
  /** Per (channel, plan step); null for a model that credits channels only (Markov). */
  byStep: StepCredit[] | null;
}

export function zeroByChannel(): Record<Channel, number> {
  return { email: 0, sms: 0, linkedin: 0, retargeting: 0 };
}

export function pathModelTotals(
  paths: readonly LeadPath[],
  model: PathModel,
  options: PathModelOptions = DEFAULT_PATH_MODEL_OPTIONS,
): AttributionTotals {
  const byChannel = zeroByChannel();
  const bySteps = new Map<Channel, Map<string, number>>();
  let conversions = 0;
  let attributable = 0;
  for (const path of paths) {
    if (path.convertedAt === null) continue;
    conversions += 1;
    const credits = creditPath(path, model, options);
    if (credits.length > 0) attributable += 1;
    for (const { touch, credit } of credits) {
      byChannel[touch.channel] += credit;
      const steps = bySteps.get(touch.channel) ?? new Map<string, number>();
      steps.set(touch.step, (steps.get(touch.step) ?? 0) + credit);
      bySteps.set(touch.channel, steps);
    }
  }
  const byStep = CHANNELS.flatMap((channel) =>
    [...(bySteps.get(channel) ?? new Map<string, number>())]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([step, credit]) => ({ channel, step, credit })),
  );
  return { model, conversions, attributable, byChannel, byStep };
}
