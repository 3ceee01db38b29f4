import { attributeAllModels } from '../../../reports/attribution/attribute-all-models';
import { ATTRIBUTION_MODELS } from '../../../reports/attribution/attribution-models';
import { pathModelTotals } from '../../../reports/attribution/attribution-totals';
import { path, touch } from './lead-paths';

/*
 * Three leads:
 *   a: email welcome (d0), sms pricing-sms (d2), converted d3
 *   b: email welcome (d0), email case-study (d4), linkedin connect (d5), converted d6
 *   c: email welcome (d0), not converted
 *   d: converted d1 with only a held-out SMS: a conversion with nothing to credit
 * Linear by hand: a gives 1/2 + 1/2, b 1/3 each:
 *   email 1/2 + 2/3 = 7/6, sms 1/2, linkedin 1/3; total 2 = the attributable conversions.
 *   steps: email/case-study 1/3, email/welcome 1/2 + 1/3 = 5/6, linkedin/connect 1/3, sms/pricing-sms 1/2.
 */
const leads = [
  path([touch('email', 'welcome', 0), touch('sms', 'pricing-sms', 2)], 3, null, 'a'),
  path(
    [touch('email', 'welcome', 0), touch('email', 'case-study', 4), touch('linkedin', 'connect', 5)],
    6,
    null,
    'b',
  ),
  path([touch('email', 'welcome', 0)], null, null, 'c'),
  path([touch('sms', 'pricing-sms', 0, 'held-out')], 1, null, 'd'),
];

describe('pathModelTotals', () => {
  test('adds up credits by channel and by (channel, step), counting conversions with nothing to credit', () => {
    const totals = pathModelTotals(leads, 'linear');
    expect(totals).toMatchObject({ model: 'linear', conversions: 3, attributable: 2 });
    expect(totals.byChannel.email).toBeCloseTo(7 / 6, 12);
    expect(totals.byChannel.sms).toBeCloseTo(1 / 2, 12);
    expect(totals.byChannel.linkedin).toBeCloseTo(1 / 3, 12);
    expect(totals.byChannel.retargeting).toBe(0);
    const steps = (totals.byStep ?? []).map(({ channel, step, credit }) => [
      channel,
      step,
      Number(credit.toFixed(12)),
    ]);
    expect(steps).toEqual([
      ['email', 'case-study', Number((1 / 3).toFixed(12))],
      ['email', 'welcome', Number((5 / 6).toFixed(12))],
      ['sms', 'pricing-sms', 0.5],
      ['linkedin', 'connect', Number((1 / 3).toFixed(12))],
    ]);
  });

  test('first and last touch by hand: welcome takes both conversions first, sms and linkedin last', () => {
    expect(pathModelTotals(leads, 'first-touch').byChannel).toEqual({
      email: 2,
      sms: 0,
      linkedin: 0,
      retargeting: 0,
    });
    expect(pathModelTotals(leads, 'last-touch').byChannel).toEqual({
      email: 0,
      sms: 1,
      linkedin: 1,
      retargeting: 0,
    });
  });
});

describe('attributeAllModels', () => {
  test('runs every model, in order, over the same leads', () => {
    const all = attributeAllModels(leads);
    expect(all.map((totals) => totals.model)).toEqual([...ATTRIBUTION_MODELS]);
    for (const totals of all) {
      expect(totals.conversions).toBe(3);
      expect(totals.attributable).toBe(2);
    }
  });
});
