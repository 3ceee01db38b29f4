/**
 * The item whose slice of [0, 1) holds `point`, the slices laid out in
 * order with widths proportional to the weights. Unlike `hash % n` this
 * honours uneven weights, and changing one weight moves only the leads at
 * the slices' edges, not everyone.
 */
export function weightedPick<T>(point: number, items: readonly T[], weightOf: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  if (!(total > 0) || !(point >= 0 && point < 1)) {
    throw new RangeError('weightedPick needs positive weights and a point in [0, 1)');
  }
  let edge = 0;
  for (const item of items) {
    edge += weightOf(item) / total;
    if (point < edge) return item;
  }
  // Rounding can leave the last edge a hair under 1: the point belongs to the last slice.
  const last = items[items.length - 1];
  if (last === undefined) throw new RangeError('weightedPick needs at least one item');
  return last;
}
