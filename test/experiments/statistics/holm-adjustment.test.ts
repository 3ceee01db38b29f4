import fc from 'fast-check';
import { holmAdjust } from '../../../experiments/statistics/holm-adjustment';

describe('Holm adjustment', () => {
  test('the textbook example: 0.01, 0.04, 0.03, 0.005 → 0.03, 0.06, 0.06, 0.02', () => {
    // As R's p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm"): at α = 0.05 the first and the last are rejected.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((expected, i) => {
      expect(adjusted[i]).toBeCloseTo(expected, 12);
    });
  });

  test('one comparison is not adjusted; none gives none', () => {
    expect(holmAdjust([0.04])).toEqual([0.04]);
    expect(holmAdjust([])).toEqual([]);
  });

  test('never below the raw p-value, never above Bonferroni or 1, and in the order of the raw ones', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), (pValues) => {
        const adjusted = holmAdjust(pValues);
        pValues.forEach((p, i) => {
          const a = adjusted[i] ?? Number.NaN;
          expect(a).toBeGreaterThanOrEqual(p);
          expect(a).toBeLessThanOrEqual(Math.min(1, p * pValues.length));
          pValues.forEach((q, j) => {
            if (p < q) expect(a).toBeLessThanOrEqual(adjusted[j] ?? Number.NaN);
          });
        });
      }),
    );
  });
});
