import { timeDecayWeights } from '../../../reports/attribution/time-decay-weights';
import { DAY } from './lead-paths';

describe('timeDecayWeights', () => {
  test('a touch 8 days before the conversion gets half the credit of one 1 day before (7-day half-life)', () => {
    const [early, late] = timeDecayWeights([0, 7 * DAY], 7 * DAY);
    expect(early).toBeCloseTo(1 / 3, 12);
    expect(late).toBeCloseTo(2 / 3, 12);
  });

  test('touches many half-lives old still share the credit instead of underflowing to 0/0', () => {
    const weights = timeDecayWeights([0, 1], 1e-9);
    expect(weights.every(Number.isFinite)).toBe(true);
    expect(weights).toEqual([0, 1]);
  });

  test.each([
    ['zero', 0],
    ['negative', -DAY],
    ['NaN', Number.NaN],
  ])('a %s half-life is refused', (_story, halfLife) => {
    expect(() => timeDecayWeights([0], halfLife)).toThrow(RangeError);
    expect(() => timeDecayWeights([0], halfLife)).toThrow(/half-life must be > 0 ms/);
  });
});
