import { type PathModelOptions, DEFAULT_PATH_MODEL_OPTIONS, PATH_MODELS } from './attribution-models';
import { type AttributionTotals, pathModelTotals } from './attribution-totals';
import type { LeadPath } from './lead-path';
import { markovTotals } from './markov-credits';

/**
 * Every model over the same leads, in ATTRIBUTION_MODELS order. Pass every
 * lead of the cohort (converted or not): the per-path rules read only the
 * converted ones, the Markov model needs both.
 */
export function attributeAllModels(
  paths: readonly LeadPath[],
  options: PathModelOptions = DEFAULT_PATH_MODEL_OPTIONS,
): AttributionTotals[] {
  return [...PATH_MODELS.map((model) => pathModelTotals(paths, model, options)), markovTotals(paths)];
}
