import { rateOf, rateSchema } from '../../../reports/metrics/rate';

describe('rateOf', () => {
  test('keeps the counts beside the rate', () => {
    expect(rateOf(3, 12)).toEqual({ numerator: 3, denominator: 12, rate: 0.25 });
  });

  test('no denominator, no rate (null, not 0%)', () => {
    expect(rateSchema.parse(rateOf(0, 0))).toEqual({ numerator: 0, denominator: 0, rate: null });
  });

  test.each([
    ['a numerator above the denominator', 5, 4],
    ['a fractional count', 1.5, 4],
    ['a negative count', -1, 4],
  ])('refuses %s', (_story, numerator, denominator) => {
    expect(() => rateOf(numerator, denominator)).toThrow(RangeError);
  });
});
