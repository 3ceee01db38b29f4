import { formatDelayChange, formatDuration } from '../../workflows/rules/format-duration';

test.each([
  [48 * 3_600_000, '48h'],
  [3 * 86_400_000 + 86_400_000, '4d'],
  [72 * 3_600_000, '72h'],
  [90_000, '90s'],
  [30 * 60_000, '30m'],
  [500, '500ms'],
  [1568, '2s'],
  [3888 * 60_000, '2d 16h 48m'],
  [258_219_672, '2d 23h 44m'],
  [90 * 60_000, '1h 30m'],
])('%d ms reads "%s"', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test.each([
  [3 * 86_400_000, 4 * 86_400_000, 'in 72h instead of 4d'],
  // The demo plan's 2 s step, shortened by engagement: both round to "2s".
  [1568, 2000, "in 2s, 432ms sooner than the plan's 2s"],
  [2400, 2000, "in 2s, 400ms later than the plan's 2s"],
])('a delay of %d ms against %d ms reads "%s"', (adapted, planned, text) => {
  expect(formatDelayChange(adapted, planned)).toBe(text);
});
