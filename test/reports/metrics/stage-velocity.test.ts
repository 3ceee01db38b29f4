import { stageVelocity, stageVelocityRowSchema } from '../../../reports/metrics/stage-velocity';

const HOUR = 3_600_000;

describe('stageVelocity', () => {
  test('median and p90 of the time spent in a status before the next (type 7)', () => {
    // hours 1, 2, 3, 4, 10: median 3 h; p90 = 4 + 0.6 × (10 − 4) = 7.6 h
    const row = stageVelocity({
      from: 'new',
      to: 'engaged',
      durationsMs: [10, 1, 4, 2, 3].map((h) => h * HOUR),
    });
    expect(stageVelocityRowSchema.parse(row)).toEqual({
      from: 'new',
      to: 'engaged',
      transitions: 5,
      medianMs: 3 * HOUR,
      p90Ms: 7.6 * HOUR,
    });
  });

  test('no lead made the move: the count says 0 and there is no median', () => {
    expect(stageVelocity({ from: 'engaged', to: 'high-intent', durationsMs: [] })).toMatchObject({
      transitions: 0,
      medianMs: null,
      p90Ms: null,
    });
  });

  test('a negative duration (status history out of order) is refused', () => {
    expect(() => stageVelocity({ from: 'new', to: 'engaged', durationsMs: [HOUR, -1] })).toThrow(/negative/);
  });
});
