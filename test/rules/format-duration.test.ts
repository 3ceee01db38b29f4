import { formatDuration } from '../../workflows/rules/format-duration';

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
