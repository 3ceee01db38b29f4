import { replyRates, replyRateRowSchema } from '../../../reports/metrics/reply-rates';

describe('replyRates', () => {
  test('a meaningful reply is any reply that is not only auto-replies; meetings are over recipients', () => {
    const row = replyRates({
      grouping: 'last-touch-step',
      step: 'case-study',
      recipients: 250,
      repliers: 30,
      autoReplyOnly: 10,
      meetingsSet: 6,
    });
    expect(replyRateRowSchema.parse(row)).toEqual({
      grouping: 'last-touch-step',
      step: 'case-study',
      replyRate: { numerator: 30, denominator: 250, rate: 0.12 },
      meaningfulReplyRate: { numerator: 20, denominator: 250, rate: 0.08 },
      meetingSetRate: { numerator: 6, denominator: 250, rate: 0.024 },
    });
  });

  test.each([
    ['more auto-reply-only leads than repliers', { repliers: 3, autoReplyOnly: 4, meetingsSet: 0 }],
    ['more repliers than recipients', { repliers: 11, autoReplyOnly: 0, meetingsSet: 0 }],
    ['more meetings than recipients', { repliers: 1, autoReplyOnly: 0, meetingsSet: 11 }],
  ])('refuses %s', (_story, counts) => {
    expect(() => replyRates({ grouping: 'plan-step', step: 'welcome', recipients: 10, ...counts })).toThrow(
      RangeError,
    );
  });
});
