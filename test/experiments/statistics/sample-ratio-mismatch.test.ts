import { sampleRatioMismatch } from '../../../experiments/statistics/sample-ratio-mismatch';
import { seededRandom } from '../seeded-random';

describe('sample-ratio mismatch', () => {
  test("two arms at 50/50 are R's prop.test(319, 715, p = 0.5, correct = FALSE): X-squared = 8.2923, p = 0.003981", () => {
    const check = sampleRatioMismatch([319, 396], [0.5, 0.5]);
    expect(check.chiSquare).toBeCloseTo(8.2923, 4);
    expect(check.pValue).toBeCloseTo(0.003981, 6);
    expect(check).toMatchObject({ degreesOfFreedom: 1, flagged: false });
  });

  test("close to the exact test: R's binom.test(c(682, 243), p = 3/4) gives p = 0.3825", () => {
    const check = sampleRatioMismatch([682, 243], [0.75, 0.25]);
    // Pearson's chi-square here is 0.79604 (p = 0.3723); the normal approximation is within 0.011 of exact.
    expect(check.chiSquare).toBeCloseTo(0.79604, 5);
    expect(Math.abs(check.pValue - 0.3825)).toBeLessThan(0.011);
    expect(check.flagged).toBe(false);
  });

  test('52/48 at n = 10,000 against 50/50 trips the flag (chi-square 16, p = 6.3e-5)', () => {
    const check = sampleRatioMismatch([5_200, 4_800], [0.5, 0.5]);
    expect(check.chiSquare).toBeCloseTo(16, 10);
    expect(check.pValue).toBeCloseTo(6.334e-5, 8);
    expect(check.flagged).toBe(true);
  });

  test('a fair 50/50 split of 10,000 is not flagged in 99 % of seeds; a drawn 52/48 one in most', () => {
    const random = seededRandom(7);
    const seeds = 2_000;
    let fairFlags = 0;
    let skewedFlags = 0;
    for (let seed = 0; seed < seeds; seed += 1) {
      const fair = random.binomial(10_000, 0.5);
      const skewed = random.binomial(10_000, 0.52);
      if (sampleRatioMismatch([fair, 10_000 - fair], [0.5, 0.5]).flagged) fairFlags += 1;
      if (sampleRatioMismatch([skewed, 10_000 - skewed], [0.5, 0.5]).flagged) skewedFlags += 1;
    }
    // The flag's false-alarm rate is 0.1 % by construction; a true 52/48 split is caught
    // about three times in four (|Z + 4| > 3.29), and the expected 52/48 counts always (above).
    expect(fairFlags / seeds).toBeLessThanOrEqual(0.01);
    expect(skewedFlags / seeds).toBeGreaterThan(0.7);
  });

  test('uneven shares and several arms; shares need not be normalised', () => {
    expect(sampleRatioMismatch([1_000, 4_500, 4_500], [0.1, 0.45, 0.45]).chiSquare).toBe(0);
    expect(sampleRatioMismatch([1_000, 4_500, 4_500], [2, 9, 9]).chiSquare).toBeCloseTo(0, 12);
    const check = sampleRatioMismatch([1_200, 4_400, 4_400], [0.1, 0.45, 0.45]);
    expect(check).toMatchObject({ degreesOfFreedom: 2, flagged: true });
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toMatchObject({ pValue: 1, flagged: false });
  });

  test('a check without a share for each arm is refused', () => {
    expect(() => sampleRatioMismatch([1, 2], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([1], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([1, 2], [0.5, 0])).toThrow(RangeError);
  });
});
