/**
 * Time decay: a touch's weight halves with every half-life between it and the
 * conversion (Google's and HubSpot's default is 7 days), then the weights are
 * scaled to sum to 1. Scaling cancels the distance from the latest touch to
 * the conversion, so weights are taken relative to the latest touch: a path
 * whose touches are all many half-lives old still divides its credit instead
 * of underflowing to 0/0.
 * - halfLifeMs = Infinity: every touch weighs the same (linear).
 * - 0, negative or NaN: no meaning (0 would divide by zero), so it throws.
 */
export function timeDecayWeights(touchTimes: readonly number[], halfLifeMs: number): number[] {
  if (!(halfLifeMs > 0)) {
    throw new RangeError(`time-decay half-life must be > 0 ms (Infinity for linear), got ${halfLifeMs}`);
  }
  if (touchTimes.length === 0) return [];
  const latest = Math.max(...touchTimes);
  const raw = touchTimes.map((at) => Math.pow(0.5, (latest - at) / halfLifeMs));
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return raw.map((weight) => weight / total);
}
