import fc from 'fast-check';
import { quantile } from '../../../reports/metrics/quantile';

/*
 * Figures of R's default, quantile(x, p) with type = 7 (NumPy's default gives the same):
 *   quantile(c(1, 2, 3, 4, 10), c(0.5, 0.9))    → 3, 7.6
 *   quantile(1:10, c(0.5, 0.9))                 → 5.5, 9.1
 *   quantile(c(7, 1, 4), 0.25)                  → 2.5
 *   quantile(c(2, 4, 4, 5, 7, 9, 10, 12), 0.9)  → 10.6
 * By the definition, the second: h = 9 × 0.9 = 8.1, so x[8] + 0.1 × (x[9] − x[8]) = 9 + 0.1 = 9.1.
 */
describe('quantile (type 7)', () => {
  test.each([
    [[1, 2, 3, 4, 10], 0.5, 3],
    [[1, 2, 3, 4, 10], 0.9, 7.6],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1],
    [[7, 1, 4], 0.25, 2.5],
    [[2, 4, 4, 5, 7, 9, 10, 12], 0.9, 10.6],
    [[42], 0.9, 42],
    [[5, 1], 0, 1],
    [[5, 1], 1, 5],
  ])('quantile(%j, %d) = %d', (values, p, expected) => {
    expect(quantile(values, p)).toBeCloseTo(expected, 12);
  });

  test('an empty sample has no quantile', () => {
    expect(quantile([], 0.5)).toBeNull();
  });

  test.each([
    ['p above 1', [1], 1.5],
    ['p NaN', [1], Number.NaN],
    ['a NaN value', [1, Number.NaN], 0.5],
    ['an infinite value', [1, Infinity], 0.5],
  ])('refuses %s', (_story, values, p) => {
    expect(() => quantile(values, p)).toThrow(RangeError);
  });

  test('lies between the sample minimum and maximum, and grows with p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p, q) => {
          const [low, high] = p <= q ? [p, q] : [q, p];
          const atLow = quantile(values, low) ?? Number.NaN;
          const atHigh = quantile(values, high) ?? Number.NaN;
          expect(atLow).toBeGreaterThanOrEqual(Math.min(...values));
          expect(atHigh).toBeLessThanOrEqual(Math.max(...values));
          expect(atLow).toBeLessThanOrEqual(atHigh + 1e-6);
        },
      ),
    );
  });
});
