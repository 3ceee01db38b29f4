import {
  channelAttributionRows,
  channelAttributionRowSchema,
  stepAttributionRows,
  stepAttributionRowSchema,
} from '../../../reports/attribution/attribution-rows';
import { pathModelTotals } from '../../../reports/attribution/attribution-totals';
import { markovTotals } from '../../../reports/attribution/markov-credits';
import { path, touch } from './lead-paths';

const leads = [
  path([touch('email', 'welcome', 0), touch('sms', 'pricing-sms', 2)], 3, null, 'a'),
  path([touch('email', 'welcome', 0)], null, null, 'b'),
  path([], 4, null, 'c'),
];

describe('attribution rows', () => {
  test('one row per channel, with the totals the credit divides', () => {
    const rows = channelAttributionRows(pathModelTotals(leads, 'last-touch'));
    expect(rows.map((row) => channelAttributionRowSchema.parse(row))).toEqual([
      {
        model: 'last-touch',
        channel: 'email',
        attributedConversions: 0,
        share: 0,
        attributableConversions: 1,
        conversions: 2,
      },
      {
        model: 'last-touch',
        channel: 'sms',
        attributedConversions: 1,
        share: 1,
        attributableConversions: 1,
        conversions: 2,
      },
      {
        model: 'last-touch',
        channel: 'linkedin',
        attributedConversions: 0,
        share: 0,
        attributableConversions: 1,
        conversions: 2,
      },
      {
        model: 'last-touch',
        channel: 'retargeting',
        attributedConversions: 0,
        share: 0,
        attributableConversions: 1,
        conversions: 2,
      },
    ]);
  });

  test('step rows for per-path models; none for Markov, which credits channels', () => {
    const rows = stepAttributionRows(pathModelTotals(leads, 'linear'));
    expect(rows.map((row) => stepAttributionRowSchema.parse(row))).toEqual([
      expect.objectContaining({ channel: 'email', step: 'welcome', attributedConversions: 0.5, share: 0.5 }),
      expect.objectContaining({
        channel: 'sms',
        step: 'pricing-sms',
        attributedConversions: 0.5,
        share: 0.5,
      }),
    ]);
    expect(stepAttributionRows(markovTotals(leads))).toEqual([]);
  });

  test('nothing attributable: share is null, not 0/0', () => {
    const rows = channelAttributionRows(pathModelTotals([path([], 1)], 'linear'));
    expect(rows.every((row) => row.share === null && row.conversions === 1)).toBe(true);
  });

  test('the schemas reject unknown columns and negative credits', () => {
    const row = channelAttributionRows(pathModelTotals(leads, 'linear'))[0];
    expect(channelAttributionRowSchema.safeParse({ ...row, extra: 1 }).success).toBe(false);
    expect(channelAttributionRowSchema.safeParse({ ...row, attributedConversions: -1 }).success).toBe(false);
  });
});
