import { audienceDayTouches } from '../../../reports/attribution/audience-days';
import { DAY, T0 } from './lead-paths';

const HOUR = DAY / 24;

describe('audienceDayTouches', () => {
  test('one touch per 24 hours started in the audience, cut at the conversion', () => {
    const touches = audienceDayTouches(
      { step: 'evaluating', joinedAt: T0, leftAt: null, outcome: 'sent' },
      T0 + 2 * DAY + HOUR,
    );
    expect(touches).toEqual(
      [0, 1, 2].map((day) => ({
        channel: 'retargeting',
        step: 'evaluating',
        at: T0 + day * DAY,
        outcome: 'sent',
      })),
    );
  });

  test.each([
    ['an hour in the audience is one audience-day', T0 + HOUR, T0 + 10 * DAY, 1],
    ['exactly two days is two', T0 + 2 * DAY, T0 + 10 * DAY, 2],
    ['left after the conversion: counted up to the conversion', T0 + 9 * DAY, T0 + 3 * DAY, 3],
    ['joined at the conversion: none', T0 + DAY, T0, 0],
  ])('%s', (_story, leftAt, until, days) => {
    expect(
      audienceDayTouches({ step: 'evaluating', joinedAt: T0, leftAt, outcome: 'sent' }, until),
    ).toHaveLength(days);
  });

  test('a ghost join (ads held out) yields held-out touches, which no model credits', () => {
    const touches = audienceDayTouches(
      { step: 'evaluating', joinedAt: T0, leftAt: T0 + DAY, outcome: 'held-out' },
      T0 + DAY,
    );
    expect(touches.map((t) => t.outcome)).toEqual(['held-out']);
  });
});
