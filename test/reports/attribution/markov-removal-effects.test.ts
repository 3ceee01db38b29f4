import { markovTotals } from '../../../reports/attribution/markov-credits';
import { type Journey, markovRemovalEffects } from '../../../reports/attribution/markov-removal-effects';
import { path, touch } from './lead-paths';

/*
 * Published worked example: Serhii Puzyrov, "Markov Chain Attribution –
 * Simple Explanation Of Removal Effect" (2019). Its paths:
 *   google ads            2 conversions
 *   mailing               1 conversion
 *   google ads > mailing  1 conversion
 *   google ads            0 conversions (one lead that did not convert)
 * and its transition table, as printed:
 *   start > google ads    4   0.8        google ads > conv      2   0.5
 *   start > mailing       1   0.2        google ads > mailing   1   0.25
 *   mailing > conv        2   1          google ads > null      1   0.25
 * By hand from that table:
 *   P(conv)              = 0.8 × (0.5 + 0.25 × 1) + 0.2 × 1 = 0.8
 *   without google ads   = 0.2 × 1                          = 0.2 → removal effect (0.8 − 0.2) / 0.8 = 0.75
 *   without mailing      = 0.8 × 0.5                        = 0.4 → removal effect (0.8 − 0.4) / 0.8 = 0.5
 *   normalised: 0.75 / 1.25 = 0.6 and 0.5 / 1.25 = 0.4 of the 4 conversions → 2.4 and 1.6.
 */
const published: Journey[] = [
  { states: ['google ads'], converted: true },
  { states: ['google ads'], converted: true },
  { states: ['mailing'], converted: true },
  { states: ['google ads', 'mailing'], converted: true },
  { states: ['google ads'], converted: false },
];

describe('markovRemovalEffects', () => {
  test('reproduces the published example', () => {
    const { conversionProbability, removalEffects } = markovRemovalEffects(published);
    expect(conversionProbability).toBeCloseTo(0.8, 12);
    expect(removalEffects.get('google ads')).toBeCloseTo(0.75, 12);
    expect(removalEffects.get('mailing')).toBeCloseTo(0.5, 12);
  });

  /*
   * Hand-computed chain with a loop back (email → sms → email):
   *   email > sms > conv;  email > sms > email > null;  sms > conv
   * Counted exits: start → email 2, → sms 1; email → sms 2, → null 1 (the second
   * path ends on email); sms → conv 2, → email 1. So with x = P(⇒ conv):
   *   x_email = 2/3 · x_sms,  x_sms = 2/3 + 1/3 · x_email  ⇒  x_sms = 6/7, x_email = 4/7
   *   P = 2/3 · 4/7 + 1/3 · 6/7 = 14/21 = 2/3
   *   without email: P = 1/3 · 2/3 = 2/9 → effect (2/3 − 2/9) / (2/3) = 2/3
   *   without sms:   P = 0             → effect 1
   */
  test('solves a chain that loops back exactly', () => {
    const { conversionProbability, removalEffects } = markovRemovalEffects([
      { states: ['email', 'sms'], converted: true },
      { states: ['email', 'sms', 'email'], converted: false },
      { states: ['sms'], converted: true },
    ]);
    expect(conversionProbability).toBeCloseTo(2 / 3, 12);
    expect(removalEffects.get('email')).toBeCloseTo(2 / 3, 12);
    expect(removalEffects.get('sms')).toBeCloseTo(1, 12);
  });

  test('repeats of a channel (self-loops) change no removal effect', () => {
    const repeated = published.map((journey) => ({
      ...journey,
      states: journey.states.flatMap((s) => [s, s, s]),
    }));
    const once = markovRemovalEffects(published);
    const thrice = markovRemovalEffects(repeated);
    expect(thrice.conversionProbability).toBeCloseTo(once.conversionProbability, 12);
    for (const [state, effect] of once.removalEffects)
      expect(thrice.removalEffects.get(state)).toBeCloseTo(effect, 12);
  });

  test('nothing converted, or no journey at all: probability 0 and no effect', () => {
    expect(markovRemovalEffects([{ states: ['email'], converted: false }]).removalEffects.get('email')).toBe(
      0,
    );
    expect(markovRemovalEffects([]).conversionProbability).toBe(0);
  });

  test("a state named like the chain's own start, conversion or null is refused", () => {
    expect(() => markovRemovalEffects([{ states: ['(start)'], converted: true }])).toThrow(/reserved/);
  });
});

describe('markovTotals', () => {
  test('credits the published example to channels: 2.4 and 1.6 of the 4 conversions', () => {
    // google ads → retargeting, mailing → email; a lead with no creditable touch stays unattributed.
    const leads = [
      path([touch('retargeting', 'evaluating', 0)], 1, null, 'a'),
      path([touch('retargeting', 'evaluating', 0)], 1, null, 'b'),
      path([touch('email', 'welcome', 0)], 1, null, 'c'),
      path([touch('retargeting', 'evaluating', 0), touch('email', 'welcome', 1)], 2, null, 'd'),
      path([touch('retargeting', 'evaluating', 0)], null, null, 'e'),
      path([touch('sms', 'pricing-sms', 0, 'held-out')], 1, null, 'f'),
    ];
    const totals = markovTotals(leads);
    expect(totals).toMatchObject({ model: 'markov', conversions: 5, attributable: 4, byStep: null });
    expect(totals.byChannel.retargeting).toBeCloseTo(2.4, 12);
    expect(totals.byChannel.email).toBeCloseTo(1.6, 12);
    expect(totals.byChannel.sms).toBe(0);
    expect(totals.byChannel.linkedin).toBe(0);
  });
});
