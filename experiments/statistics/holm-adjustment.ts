/**
 * Holm's step-down adjustment (Holm 1979), R's `p.adjust(p, "holm")`: the
 * i-th smallest of m p-values is multiplied by m − i + 1, then made
 * non-decreasing in that order and capped at 1. Rejecting where the
 * adjusted value is under α keeps the chance of any false positive across
 * the family under α, and never rejects less than Bonferroni.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}
