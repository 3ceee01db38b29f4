import type { AttributionTotals } from '../../../reports/attribution/attribution-totals';
import type { ArmChannels } from '../../../reports/reconciliation/isolated-channels';
import { incrementalConversionsOf } from '../../../reports/reconciliation/incremental-conversions';
import {
  reconcileAttribution,
  reconciliationRowSchema,
} from '../../../reports/reconciliation/reconcile-attribution';

const arms: ArmChannels[] = [
  { id: 'full', channels: ['email', 'sms', 'linkedin', 'retargeting'] },
  { id: 'email-only', channels: ['email'] },
  { id: 'no-ads', channels: ['email', 'sms', 'linkedin'] },
  { id: 'control', channels: [] },
];

function totals(
  model: AttributionTotals['model'],
  email: number,
  sms: number,
  linkedin: number,
  retargeting: number,
) {
  const attributable = email + sms + linkedin + retargeting;
  return {
    model,
    conversions: attributable,
    attributable,
    byChannel: { email, sms, linkedin, retargeting },
    byStep: null,
  };
}

/*
 * 1,000 leads in `full`. Measured (rate uplift × 1,000):
 *   full − email-only: 0.02 [0.005, 0.035] → 20 [5, 35] conversions added by SMS + LinkedIn + ads
 *   full − no-ads:     0.004 [−0.006, 0.014] → 4 [−6, 14] conversions added by ads
 * Credited over the full arm's 75 conversions:
 *   last-touch  email 30, sms 15, linkedin 10, ads 20: group 45 > 35 flagged; ads 20 > 14 flagged
 *   linear      email 55, sms 8,  linkedin 6,  ads 6:  group 20 within;      ads 6 within
 *   first-touch email 72, sms 1,  linkedin 1,  ads 1:  group 3 < 5 below;    ads 1 within
 */
const fullLeads = 1000;
const measured = [
  {
    arm: 'full',
    against: 'email-only',
    ...incrementalConversionsOf({ treatmentLeads: fullLeads, uplift: 0.02, interval: [0.005, 0.035] }),
  },
  {
    arm: 'full',
    against: 'no-ads',
    ...incrementalConversionsOf({ treatmentLeads: fullLeads, uplift: 0.004, interval: [-0.006, 0.014] }),
  },
];
const attributions = [
  { arm: 'full', totals: totals('last-touch', 30, 15, 10, 20) },
  { arm: 'full', totals: totals('linear', 55, 8, 6, 6) },
  { arm: 'full', totals: totals('first-touch', 72, 1, 1, 1) },
  // Credits over another arm's leads are not compared with the full arm's lift.
  { arm: 'no-ads', totals: totals('last-touch', 40, 20, 15, 0) },
];

describe('reconcileAttribution', () => {
  test('flags a channel group credited with more conversions than the interval allows', () => {
    const rows = reconcileAttribution({ arms, measured, attributions });
    const summary = rows.map((row) => [
      row.against,
      row.channels.join('+'),
      row.model,
      Number(row.attributedConversions.toFixed(9)),
      row.verdict,
      row.flagged,
    ]);
    expect(summary).toEqual([
      ['email-only', 'sms+linkedin+retargeting', 'last-touch', 45, 'above-interval', true],
      ['email-only', 'sms+linkedin+retargeting', 'linear', 20, 'within-interval', false],
      ['email-only', 'sms+linkedin+retargeting', 'first-touch', 3, 'below-interval', false],
      ['no-ads', 'retargeting', 'last-touch', 20, 'above-interval', true],
      ['no-ads', 'retargeting', 'linear', 6, 'within-interval', false],
      ['no-ads', 'retargeting', 'first-touch', 1, 'within-interval', false],
    ]);
    for (const row of rows) expect(reconciliationRowSchema.parse(row)).toEqual(row);
    expect(rows[0]?.incrementalConversions).toBeCloseTo(20, 9);
    expect(rows[0]?.interval[0]).toBeCloseTo(5, 9);
    expect(rows[0]?.interval[1]).toBeCloseTo(35, 9);
  });

  test('exactly at the upper bound is within the interval, not flagged', () => {
    const [row] = reconcileAttribution({
      arms,
      measured: [{ arm: 'full', against: 'no-ads', incrementalConversions: 4, interval: [-6, 14] }],
      attributions: [{ arm: 'full', totals: totals('linear', 10, 0, 0, 14) }],
    });
    expect(row).toMatchObject({ verdict: 'within-interval', flagged: false });
  });

  test('a comparison that isolates no channel group, or has no credits over its arm, gives no row', () => {
    const swapped = {
      arm: 'email-only',
      against: 'no-ads',
      incrementalConversions: -1,
      interval: [-3, 1] as const,
    };
    expect(reconcileAttribution({ arms, measured: [swapped], attributions })).toEqual([]);
    const againstControl = {
      arm: 'no-ads',
      against: 'control',
      incrementalConversions: 30,
      interval: [20, 40] as const,
    };
    expect(reconcileAttribution({ arms, measured: [againstControl], attributions: [] })).toEqual([]);
  });

  test('a reversed interval is a caller error', () => {
    expect(() =>
      reconcileAttribution({
        arms,
        measured: [{ arm: 'full', against: 'no-ads', incrementalConversions: 4, interval: [14, -6] }],
        attributions,
      }),
    ).toThrow(RangeError);
  });
});

describe('incrementalConversionsOf', () => {
  test('scales the uplift and its interval by the treatment arm’s leads', () => {
    const result = incrementalConversionsOf({
      treatmentLeads: 2500,
      uplift: 0.012,
      interval: [-0.002, 0.026],
    });
    expect(result.incrementalConversions).toBeCloseTo(30, 9);
    expect(result.interval[0]).toBeCloseTo(-5, 9);
    expect(result.interval[1]).toBeCloseTo(65, 9);
  });

  test.each([
    ['fractional leads', { treatmentLeads: 10.5, uplift: 0, interval: [0, 0] as const }],
    [
      'an interval that misses its estimate',
      { treatmentLeads: 10, uplift: 0.5, interval: [0, 0.1] as const },
    ],
  ])('refuses %s', (_story, measuredUplift) => {
    expect(() => incrementalConversionsOf(measuredUplift)).toThrow(RangeError);
  });
});
