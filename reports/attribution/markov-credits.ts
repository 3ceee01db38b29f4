import { CHANNELS } from '../../workflows/rules/channels';
import type { AttributionTotals } from './attribution-totals';
import { zeroByChannel } from './attribution-totals';
import { creditableTouches } from './creditable-touches';
import type { LeadPath } from './lead-path';
import { markovRemovalEffects } from './markov-removal-effects';

/**
 * The Markov model over channels: every lead's creditable touches, converted
 * or not, form the chain; each channel's removal effect, normalised so the
 * effects sum to 1, is its share of the attributable conversions. Unlike the
 * per-path rules it learns from the leads that did not convert: a channel
 * that is on as many losing paths as winning ones earns little.
 */
export function markovTotals(paths: readonly LeadPath[]): AttributionTotals {
  const journeys = paths.map((path) => ({
    states: creditableTouches(path).map((touch) => touch.channel),
    converted: path.convertedAt !== null,
  }));
  const conversions = journeys.filter((journey) => journey.converted).length;
  const attributable = journeys.filter((journey) => journey.converted && journey.states.length > 0).length;
  const { removalEffects } = markovRemovalEffects(journeys);
  const totalEffect = [...removalEffects.values()].reduce((sum, effect) => sum + effect, 0);
  const byChannel = zeroByChannel();
  if (totalEffect > 0) {
    for (const channel of CHANNELS) {
      byChannel[channel] = (attributable * (removalEffects.get(channel) ?? 0)) / totalEffect;
    }
  }
  return { model: 'markov', conversions, attributable, byChannel, byStep: null };
}
