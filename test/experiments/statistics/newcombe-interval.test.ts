import fc from 'fast-check';
import { newcombeInterval } from '../../../experiments/statistics/newcombe-interval';
import { uplift } from '../../../experiments/statistics/uplift';

const of = (successes: number, trials: number) => ({ successes, trials });
const rounded = (interval: readonly number[]): number[] => interval.map((v) => Number(v.toFixed(4)));

describe('Newcombe hybrid score interval for a difference of rates', () => {
  test('Newcombe 1998 (difference of proportions), Table II: method 10', () => {
    // Newcombe, Statistics in Medicine 17:873-890; the paper prints four decimals.
    expect(rounded(newcombeInterval(of(56, 70), of(48, 80)))).toEqual([0.0524, 0.3339]);
    expect(rounded(newcombeInterval(of(9, 10), of(3, 10)))).toEqual([0.1705, 0.809]);
    expect(rounded(newcombeInterval(of(5, 56), of(0, 29)))).toEqual([-0.0381, 0.1926]);
    expect(rounded(newcombeInterval(of(0, 10), of(0, 20)))).toEqual([-0.1611, 0.2775]);
    expect(rounded(newcombeInterval(of(10, 10), of(0, 20)))).toEqual([0.6791, 1]);
  });

  test('Newcombe 1998, Table II: method 11, with the continuity correction', () => {
    const corrected = { continuityCorrection: true };
    expect(rounded(newcombeInterval(of(56, 70), of(48, 80), corrected))).toEqual([0.0428, 0.3422]);
    expect(rounded(newcombeInterval(of(10, 10), of(0, 20), corrected))).toEqual([0.6014, 1]);
  });

  test('the uplift of 56/70 over 48/80 is 0.2 points absolute, a third relative', () => {
    expect(uplift(of(56, 70), of(48, 80)).absolute).toBeCloseTo(0.2, 12);
    expect(uplift(of(56, 70), of(48, 80)).relative).toBeCloseTo(1 / 3, 12);
    expect(uplift(of(3, 70), of(0, 80))).toEqual({ absolute: 3 / 70, relative: null });
  });

  test('holds the observed difference, stays in [−1, 1], and flips with the arms', () => {
    const arm = fc
      .integer({ min: 1, max: 5_000 })
      .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(
      fc.property(arm, arm, ([xa, na], [xb, nb]) => {
        const [low, high] = newcombeInterval(of(xa, na), of(xb, nb));
        const difference = xa / na - xb / nb;
        expect(low).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(high).toBeLessThanOrEqual(1 + 1e-12);
        expect(low).toBeLessThanOrEqual(difference + 1e-12);
        expect(high).toBeGreaterThanOrEqual(difference - 1e-12);
        const [flippedLow, flippedHigh] = newcombeInterval(of(xb, nb), of(xa, na));
        expect(flippedLow).toBeCloseTo(-high, 12);
        expect(flippedHigh).toBeCloseTo(-low, 12);
      }),
    );
  });
});
