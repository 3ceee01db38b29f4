import { z } from 'zod';

/**
 * A rate never travels without its numerator and denominator: 2 of 4 and
 * 500 of 1,000 are both 50%, and only the counts say which to trust. Counts
 * are of distinct leads, so the numerator never exceeds the denominator.
 */
export const rateSchema = z.strictObject({
  numerator: z.number().int().nonnegative(),
  denominator: z.number().int().nonnegative(),
  /** numerator / denominator; null when the denominator is 0 (no rate, rather than 0%). */
  rate: z.number().min(0).max(1).nullable(),
});
export type Rate = z.infer<typeof rateSchema>;

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
}

export function rateOf(numerator: number, denominator: number): Rate {
  assertCount('numerator', numerator);
  assertCount('denominator', denominator);
  if (numerator > denominator) {
    throw new RangeError(
      `numerator ${numerator} exceeds denominator ${denominator}: counts are of distinct leads`,
    );
  }
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}
