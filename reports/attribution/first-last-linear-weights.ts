/**
 * The three rules that look only at a touch's position. Each takes the
 * number of creditable touches (oldest first) and returns one weight per
 * touch, summing to 1; no touch, no weights.
 */

export function firstTouchWeights(count: number): number[] {
  return Array.from({ length: count }, (_, index) => (index === 0 ? 1 : 0));
}

export function lastTouchWeights(count: number): number[] {
  return Array.from({ length: count }, (_, index) => (index === count - 1 ? 1 : 0));
}

export function linearWeights(count: number): number[] {
  return Array.from({ length: count }, () => 1 / count);
}
