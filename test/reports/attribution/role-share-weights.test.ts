import {
  engagementTouchIndex,
  uShapedWeights,
  wShapedWeights,
} from '../../../reports/attribution/role-share-weights';

describe('uShapedWeights', () => {
  test.each([
    ['no touch', 0, []],
    ['one touch takes everything', 1, [1]],
    ['two touches split 50/50 (the 20% has no touch between to go to)', 2, [0.5, 0.5]],
    ['three: 40 / 20 / 40', 3, [0.4, 0.2, 0.4]],
    ['five: 40, then 20 over three, then 40', 5, [0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]],
  ])('%s', (_story, count, expected) => {
    const weights = uShapedWeights(count);
    expect(weights).toHaveLength(expected.length);
    weights.forEach((weight, index) => {
      expect(weight).toBeCloseTo(expected[index] ?? Number.NaN, 12);
    });
  });
});

describe('wShapedWeights', () => {
  test.each([
    ['one touch takes everything', [0], 0, [1]],
    [
      'engaged on the first of two: that touch plays two roles, 0.6 / 0.9 and 0.3 / 0.9',
      [0, 10],
      5,
      [2 / 3, 1 / 3],
    ],
    ['engaged on the last of two: 1/3 and 2/3', [0, 10], 10, [1 / 3, 2 / 3]],
    ['three touches, engaged on the middle one: a third each', [0, 10, 20], 15, [1 / 3, 1 / 3, 1 / 3]],
    [
      'five touches, engaged on the second: 30 30 5 5 30',
      [0, 10, 20, 30, 40],
      12,
      [0.3, 0.3, 0.05, 0.05, 0.3],
    ],
    ['engaged on the first of four: 0.6, then 0.05, 0.05, 0.3', [0, 10, 20, 30], 0, [0.6, 0.05, 0.05, 0.3]],
    ['never engaged, three touches: 30 / 10 / 30 scaled by 1/0.7', [0, 10, 20], null, [3 / 7, 1 / 7, 3 / 7]],
    ['engaged before any touch (inbound), two touches: 50/50', [10, 20], 5, [0.5, 0.5]],
  ])('%s', (_story, times, engagedAt, expected) => {
    const weights = wShapedWeights(times, engagedAt);
    expect(weights).toHaveLength(expected.length);
    weights.forEach((weight, index) => {
      expect(weight).toBeCloseTo(expected[index] ?? Number.NaN, 12);
    });
  });
});

describe('engagementTouchIndex', () => {
  test.each([
    ['the latest touch at or before the engagement', [0, 10, 20], 15, 1],
    ['a touch at the engagement instant counts', [0, 10, 20], 10, 1],
    ['engaged after every touch: the last', [0, 10, 20], 99, 2],
    ['engaged before any touch: none', [10, 20], 5, null],
    ['never engaged: none', [10, 20], null, null],
  ])('%s', (_story, times, engagedAt, expected) => {
    expect(engagementTouchIndex(times, engagedAt)).toBe(expected);
  });
});
