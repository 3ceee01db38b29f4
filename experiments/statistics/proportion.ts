/** Successes out of trials: conversions of an arm's leads, opens of a variant's sends. */
export interface Proportion {
  successes: number;
  trials: number;
}

/** A closed interval [low, high]. */
export type Interval = [low: number, high: number];

/** The observed rate; refuses counts that are not a proportion (a caller's bug, not data). */
export function rateOf(p: Proportion): number {
  if (!Number.isInteger(p.successes) || !Number.isInteger(p.trials) || p.trials < 1) {
    throw new RangeError(`not a proportion: ${String(p.successes)} of ${String(p.trials)}`);
  }
  if (p.successes < 0 || p.successes > p.trials) {
    throw new RangeError(`not a proportion: ${String(p.successes)} of ${String(p.trials)}`);
  }
  return p.successes / p.trials;
}

/** The confidence level's alpha, checked: 0.95 → 0.05. */
export function alphaOf(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('a confidence level lies in (0, 1)');
  return 1 - confidence;
}
