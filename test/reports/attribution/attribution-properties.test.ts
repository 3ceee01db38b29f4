import fc from 'fast-check';
import { attributeAllModels } from '../../../reports/attribution/attribute-all-models';
import { PATH_MODELS } from '../../../reports/attribution/attribution-models';
import { pathModelTotals } from '../../../reports/attribution/attribution-totals';
import { creditPath } from '../../../reports/attribution/credit-path';
import { creditableTouches } from '../../../reports/attribution/creditable-touches';
import type { LeadPath } from '../../../reports/attribution/lead-path';
import { markovTotals } from '../../../reports/attribution/markov-credits';
import { CHANNELS } from '../../../workflows/rules/channels';
import { convertedPathArbitrary, leadPathArbitrary, sum, touchArbitrary } from './lead-paths';

const modelArbitrary = fc.constantFrom(...PATH_MODELS);
const halfLifeArbitrary = fc.oneof(fc.double({ min: 1, max: 1e10, noNaN: true }), fc.constant(Infinity));

describe('attribution properties', () => {
  test("every converted lead's credits sum to 1 under every per-path model, each in [0, 1]", () => {
    fc.assert(
      fc.property(convertedPathArbitrary, modelArbitrary, halfLifeArbitrary, (lead, model, halfLife) => {
        const credits = creditPath(lead, model, { timeDecayHalfLifeMs: halfLife }).map((c) => c.credit);
        expect(credits.length).toBeGreaterThan(0);
        expect(Math.abs(sum(credits) - 1)).toBeLessThan(1e-9);
        expect(credits.every((credit) => credit >= 0 && credit <= 1 + 1e-12)).toBe(true);
      }),
    );
  });

  test('no credit ever goes to a held-out ghost, a failed send, or a touch at or after the conversion', () => {
    fc.assert(
      fc.property(leadPathArbitrary, modelArbitrary, (lead, model) => {
        for (const { touch } of creditPath(lead, model)) {
          expect(touch.outcome).toBe('sent');
          expect(lead.convertedAt).not.toBeNull();
          expect(touch.at).toBeLessThan(lead.convertedAt ?? -Infinity);
        }
      }),
    );
  });

  test('adding ghosts, failures and post-conversion touches changes no model’s totals, Markov included', () => {
    const noiseArbitrary = fc.array(touchArbitrary, { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(leadPathArbitrary, noiseArbitrary), { maxLength: 12 }), (pairs) => {
        const leads = pairs.map(([lead]) => lead);
        const noisy = pairs.map(([lead, noise]): LeadPath => {
          const uncreditable = noise.map((touch) =>
            touch.outcome === 'sent' && lead.convertedAt !== null
              ? { ...touch, at: Math.max(touch.at, lead.convertedAt) }
              : { ...touch, outcome: touch.outcome === 'sent' ? ('held-out' as const) : touch.outcome },
          );
          return { ...lead, touches: [...uncreditable, ...lead.touches] };
        });
        const clean = attributeAllModels(leads);
        const withNoise = attributeAllModels(noisy);
        clean.forEach((totals, index) => {
          const other = withNoise[index];
          expect(other?.attributable).toBe(totals.attributable);
          for (const channel of CHANNELS)
            expect(other?.byChannel[channel]).toBeCloseTo(totals.byChannel[channel], 9);
        });
      }),
    );
  });

  test('on a single-touch path every per-path model gives that touch the whole conversion', () => {
    fc.assert(
      fc.property(convertedPathArbitrary, (lead) => {
        const single = { ...lead, touches: creditableTouches(lead).slice(-1) };
        const [only] = single.touches;
        for (const model of PATH_MODELS)
          expect(creditPath(single, model)).toEqual([{ touch: only, credit: 1 }]);
      }),
    );
  });

  test('over leads with one touch each, Markov agrees with the per-path models channel by channel', () => {
    const singleTouchLead = fc
      .tuple(leadPathArbitrary, touchArbitrary, fc.boolean())
      .map(([lead, touch, converted]): LeadPath => ({
        ...lead,
        touches: [{ ...touch, outcome: 'sent' }],
        convertedAt: converted ? touch.at + 1 : null,
      }));
    fc.assert(
      fc.property(fc.array(singleTouchLead, { minLength: 1, maxLength: 40 }), (leads) => {
        const markov = markovTotals(leads);
        for (const model of PATH_MODELS) {
          const rule = pathModelTotals(leads, model);
          for (const channel of CHANNELS)
            expect(markov.byChannel[channel]).toBeCloseTo(rule.byChannel[channel], 9);
        }
      }),
    );
  });

  test("Markov's channel credits add up to the attributable conversions whenever anything converted", () => {
    fc.assert(
      fc.property(fc.array(leadPathArbitrary, { maxLength: 30 }), (leads) => {
        const markov = markovTotals(leads);
        const total = sum(CHANNELS.map((channel) => markov.byChannel[channel]));
        expect(total).toBeCloseTo(markov.attributable, 9);
      }),
    );
  });
});
