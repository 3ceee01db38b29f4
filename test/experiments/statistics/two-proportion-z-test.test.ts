import fc from 'fast-check';
import { twoProportionZTest } from '../../../experiments/statistics/two-proportion-z-test';

const of = (successes: number, trials: number) => ({ successes, trials });

describe('two-proportion z-test', () => {
  test("R's prop.test(c(94, 39), c(214, 128), correct = FALSE): X-squared = 6.1026, p-value = 0.01350", () => {
    const { z, pValue } = twoProportionZTest(of(94, 214), of(39, 128));
    expect(z * z).toBeCloseTo(6.1026, 4);
    expect(z).toBeGreaterThan(0);
    expect(pValue).toBeCloseTo(0.0135, 5);
  });

  test("R's prop.test(c(490, 400), c(500, 500)) with Yates' correction: X-squared = 80.909, p-value < 2.2e-16", () => {
    const corrected = twoProportionZTest(of(490, 500), of(400, 500), { continuityCorrection: true });
    expect(corrected.z ** 2).toBeCloseTo(80.909, 3);
    expect(corrected.pValue).toBeLessThan(2.2e-16);
    // The tail is computed, not rounded to 0: Φ(−|z|), not 1 − Φ(|z|).
    expect(corrected.pValue).toBeGreaterThan(0);
    // The correction shrinks the statistic, never past zero.
    expect(twoProportionZTest(of(490, 500), of(400, 500)).z).toBeGreaterThan(corrected.z);
    expect(twoProportionZTest(of(1, 2), of(1, 3), { continuityCorrection: true }).z).toBe(0);
  });

  test('arms that cannot be told apart answer p = 1', () => {
    expect(twoProportionZTest(of(0, 50), of(0, 80))).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest(of(50, 50), of(80, 80))).toEqual({ z: 0, pValue: 1 });
  });

  test('symmetric in the arms: swapping them flips z and keeps p', () => {
    const arm = fc
      .integer({ min: 1, max: 5_000 })
      .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(
      fc.property(arm, arm, fc.boolean(), ([xa, na], [xb, nb], continuityCorrection) => {
        const forward = twoProportionZTest(of(xa, na), of(xb, nb), { continuityCorrection });
        const backward = twoProportionZTest(of(xb, nb), of(xa, na), { continuityCorrection });
        expect(backward.z).toBeCloseTo(-forward.z, 10);
        expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
        expect(forward.pValue).toBeGreaterThanOrEqual(0);
        expect(forward.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });
});
