import ms from 'ms';

/**
 * The models the attribution report offers. The per-path rules credit each
 * conversion on its own; `markov` is the one data-driven model, computed
 * over every lead's path at once (markov-credits.ts). Wire names: never
 * rename (they are report columns and query values).
 */
export const PATH_MODELS = [
  'first-touch',
  'last-touch',
  'linear',
  'time-decay',
  'u-shaped',
  'w-shaped',
] as const;
export type PathModel = (typeof PATH_MODELS)[number];

export const ATTRIBUTION_MODELS = [...PATH_MODELS, 'markov'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export interface PathModelOptions {
  /** Time decay's half-life; the usual default of 7 days. */
  timeDecayHalfLifeMs: number;
}

export const DEFAULT_PATH_MODEL_OPTIONS: PathModelOptions = { timeDecayHalfLifeMs: ms('7d') };
