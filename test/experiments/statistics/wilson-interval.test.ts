import fc from 'fast-check';
import { wilsonInterval } from '../../../experiments/statistics/wilson-interval';

const rounded = (interval: readonly number[]): number[] => interval.map((v) => Number(v.toFixed(4)));

describe('Wilson score interval', () => {
  test('Newcombe 1998 (single proportion), the worked examples: method 3, and method 4 with the correction', () => {
    // Newcombe, Statistics in Medicine 17:857-872, Table I.
    expect(rounded(wilsonInterval({ successes: 81, trials: 263 }))).toEqual([0.2553, 0.3662]);
    expect(rounded(wilsonInterval({ successes: 15, trials: 148 }))).toEqual([0.0624, 0.1605]);
    expect(rounded(wilsonInterval({ successes: 0, trials: 20 }))).toEqual([0, 0.1611]);
    expect(rounded(wilsonInterval({ successes: 1, trials: 29 }))).toEqual([0.0061, 0.1718]);
    const corrected = { continuityCorrection: true };
    expect(rounded(wilsonInterval({ successes: 81, trials: 263 }, corrected))).toEqual([0.2535, 0.3682]);
    expect(rounded(wilsonInterval({ successes: 15, trials: 148 }, corrected))).toEqual([0.0598, 0.1644]);
    expect(rounded(wilsonInterval({ successes: 0, trials: 20 }, corrected))).toEqual([0, 0.2005]);
    expect(rounded(wilsonInterval({ successes: 1, trials: 29 }, corrected))).toEqual([0.0018, 0.1963]);
  });

  test("R's prop.test(319, 715, correct = FALSE) reports 0.4101018 to 0.4827814", () => {
    const [low, high] = wilsonInterval({ successes: 319, trials: 715 });
    expect(low).toBeCloseTo(0.4101018, 7);
    expect(high).toBeCloseTo(0.4827814, 7);
  });

  test('a wider confidence level gives a wider interval', () => {
    const [low95, high95] = wilsonInterval({ successes: 30, trials: 200 });
    const [low99, high99] = wilsonInterval({ successes: 30, trials: 200 }, { confidence: 0.99 });
    expect(low99).toBeLessThan(low95);
    expect(high99).toBeGreaterThan(high95);
  });

  test('always inside [0, 1], around the observed rate, never a point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, f) => {
          const successes = Math.round(f * n);
          for (const continuityCorrection of [false, true]) {
            const [low, high] = wilsonInterval({ successes, trials: n }, { continuityCorrection });
            expect(low).toBeGreaterThanOrEqual(0);
            expect(high).toBeLessThanOrEqual(1);
            expect(low).toBeLessThanOrEqual(successes / n + 1e-12);
            expect(high).toBeGreaterThanOrEqual(successes / n - 1e-12);
            expect(high).toBeGreaterThan(low);
          }
        },
      ),
    );
  });

  test('counts that are not a proportion are refused', () => {
    expect(() => wilsonInterval({ successes: 1, trials: 0 })).toThrow(RangeError);
    expect(() => wilsonInterval({ successes: 5, trials: 4 })).toThrow(RangeError);
    expect(() => wilsonInterval({ successes: 1.5, trials: 4 })).toThrow(RangeError);
    expect(() => wilsonInterval({ successes: 1, trials: 4 }, { confidence: 1 })).toThrow(RangeError);
  });
});
