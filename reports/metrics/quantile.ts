/**
 * Sample quantile by Hyndman and Fan's definition 7, R's default
 * (`quantile(x, p, type = 7)`), NumPy's default ("linear") and Excel's
 * PERCENTILE.INC: sort, take h = (n − 1)·p, interpolate linearly between the
 * values at ⌊h⌋ and ⌈h⌉ (0-based). Written here because the maintained
 * candidates did not fit: simple-statistics uses another definition, d3-array
 * is ESM-only (this service and its tests load CommonJS), and jStat ships no
 * types.
 * - an empty sample has no quantile: null;
 * - p outside [0, 1] or NaN, or a non-finite value, throws.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  if (values.some((value) => !Number.isFinite(value))) throw new RangeError('quantile of a non-finite value');
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const below = sorted[lower] ?? Number.NaN;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? Number.NaN;
  return below + (h - lower) * (above - below);
}
