import { smsOptOutRate, smsOptOutRowSchema } from '../../../reports/metrics/sms-opt-out-rate';

describe('smsOptOutRate', () => {
  test.each([
    ['12 STOPs of 400 recipients is 3%: at the threshold, not above', 12, 400, 0.03, false],
    ['13 of 400 is 3.25%: breached', 13, 400, 0.0325, true],
    ['no recipient: no rate, no alert', 0, 0, null, false],
  ])('%s', (_story, optedOut, recipients, rate, breached) => {
    const row = smsOptOutRate({ optedOut, recipients });
    expect(smsOptOutRowSchema.parse(row)).toEqual({
      optOutRate: { numerator: optedOut, denominator: recipients, rate },
      threshold: 0.03,
      breached,
    });
  });

  test("takes the plan's own threshold", () => {
    expect(smsOptOutRate({ optedOut: 3, recipients: 200 }, 0.01).breached).toBe(true);
  });

  test.each([0, -0.1, 1.5, Number.NaN])('refuses the threshold %d', (threshold) => {
    expect(() => smsOptOutRate({ optedOut: 0, recipients: 10 }, threshold)).toThrow(RangeError);
  });
});
