import { PATH_MODELS } from '../../../reports/attribution/attribution-models';
import { creditPath } from '../../../reports/attribution/credit-path';
import { DAY, path, touch } from './lead-paths';

/*
 * One converted lead, hand-credited under every per-path model:
 *   day 0  email    welcome      sent
 *   day 2  sms      pricing-sms  held-out   (a ghost: the arm withholds SMS)
 *   day 3  sms      pricing-sms  sent
 *   day 4  first engagement (clicked the SMS link)
 *   day 6  linkedin connect      sent
 *   day 8  email    case-study   failed
 *   day 9  email    case-study   sent
 *   day 10 converted
 *   day 11 email    follow-up    sent       (after the conversion)
 * Creditable: welcome (age 10 d), pricing-sms (7 d), connect (4 d), case-study (1 d).
 *
 * time decay, half-life 7 d: w = 2^(−age/7) = 0.371528, 0.5, 0.672950, 0.905724;
 * Σ = 2.450172, so 0.151621, 0.204067, 0.274654, 0.369657.
 * U-shaped: 0.4 first, 0.4 last, 0.2 / 2 = 0.1 to each of the two between.
 * W-shaped: the engagement touch is pricing-sms (latest touch at or before
 * day 4): 0.3 + 0.3 + 0.3, and the 0.1 to connect, the only touch with no role.
 */
const lead = path(
  [
    touch('email', 'follow-up', 11),
    touch('email', 'case-study', 9),
    touch('email', 'case-study', 8, 'failed'),
    touch('linkedin', 'connect', 6),
    touch('sms', 'pricing-sms', 3),
    touch('sms', 'pricing-sms', 2, 'held-out'),
    touch('email', 'welcome', 0),
  ],
  10,
  4,
);

const expected = {
  'first-touch': [1, 0, 0, 0],
  'last-touch': [0, 0, 0, 1],
  linear: [0.25, 0.25, 0.25, 0.25],
  'time-decay': [0.151621, 0.204067, 0.274654, 0.369657],
  'u-shaped': [0.4, 0.1, 0.1, 0.4],
  'w-shaped': [0.3, 0.3, 0.1, 0.3],
} as const;

describe('creditPath', () => {
  test.each(PATH_MODELS)('%s credits the sent touches before the conversion, oldest first', (model) => {
    const credits = creditPath(lead, model);
    expect(credits.map(({ touch: t }) => t.step)).toEqual([
      'welcome',
      'pricing-sms',
      'connect',
      'case-study',
    ]);
    expect(credits.every(({ touch: t }) => t.outcome === 'sent')).toBe(true);
    credits.forEach(({ credit }, index) => {
      expect(credit).toBeCloseTo(expected[model][index] ?? Number.NaN, 6);
    });
  });

  test('time decay takes its half-life from the options: infinite is linear, one day favours the end', () => {
    expect(creditPath(lead, 'time-decay', { timeDecayHalfLifeMs: Infinity }).map((c) => c.credit)).toEqual([
      0.25, 0.25, 0.25, 0.25,
    ]);
    // 2^−9, 2^−6, 2^−3, 1 over Σ = 1.142578125
    const oneDay = creditPath(lead, 'time-decay', { timeDecayHalfLifeMs: DAY }).map((c) => c.credit);
    [0.001709, 0.013675, 0.109402, 0.875214].forEach((value, index) => {
      expect(oneDay[index]).toBeCloseTo(value, 6);
    });
  });

  test('a lead that did not convert, or converted with no creditable touch, has nothing to credit', () => {
    expect(creditPath(path([touch('email', 'welcome', 0)], null), 'linear')).toEqual([]);
    expect(
      creditPath(
        path([touch('sms', 'pricing-sms', 1, 'held-out'), touch('email', 'welcome', 5)], 5),
        'linear',
      ),
    ).toEqual([]);
  });

  test('a touch at the very instant of the conversion did not cause it', () => {
    const credits = creditPath(
      path([touch('email', 'welcome', 0), touch('sms', 'pricing-sms', 3)], 3),
      'last-touch',
    );
    expect(credits).toEqual([{ touch: touch('email', 'welcome', 0), credit: 1 }]);
  });
});
