import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ZodError } from 'zod';
import { buildExperimentReport } from '../../../experiments/report/experiment-report';
import type { ExperimentCountsInput } from '../../../experiments/report/experiment-counts';
import { experimentReportSchema } from '../../../experiments/report/experiment-report-schema';
import { holmAdjust } from '../../../experiments/statistics/holm-adjustment';
import { newcombeInterval } from '../../../experiments/statistics/newcombe-interval';
import { twoProportionZTest } from '../../../experiments/statistics/two-proportion-z-test';
import { wilsonInterval } from '../../../experiments/statistics/wilson-interval';

const counts: ExperimentCountsInput = {
  planId: 'experiment',
  experimentId: 'coordinated-vs-email',
  arms: [
    { id: 'full', share: 0.45, leads: 4_480, conversions: 403 },
    { id: 'email-only', share: 0.45, leads: 4_530, conversions: 317 },
    { id: 'control', share: 0.1, leads: 990, conversions: 52 },
  ],
  steps: [],
};

const variant = (id: string, sent: number, opened: number, converted = 0) => ({
  id,
  sent,
  opened,
  clicked: 0,
  replied: 0,
  converted,
});

describe('experiment report', () => {
  test('per arm: leads, conversions, rate and its Wilson interval', () => {
    const report = buildExperimentReport(counts);
    expect(report.arms[0]).toEqual({
      id: 'full',
      share: 0.45,
      leads: 4_480,
      conversions: 403,
      rate: 403 / 4_480,
      interval: wilsonInterval({ successes: 403, trials: 4_480 }),
    });
    expect(report.confidence).toBe(0.95);
    expect(experimentReportSchema.parse(report)).toEqual(report);
  });

  test('each arm against control and against email-only, Holm-adjusted across the three', () => {
    const report = buildExperimentReport(counts);
    expect(report.comparisons.map((c) => `${c.arm} vs ${c.against}`)).toEqual([
      'full vs control',
      'email-only vs control',
      'full vs email-only',
    ]);
    const full = { successes: 403, trials: 4_480 };
    const emailOnly = { successes: 317, trials: 4_530 };
    const coordinated = report.comparisons[2];
    expect(coordinated?.uplift?.absolute).toBeCloseTo(403 / 4_480 - 317 / 4_530, 12);
    expect(coordinated?.uplift?.relative).toBeCloseTo((403 / 4_480 - 317 / 4_530) / (317 / 4_530), 12);
    expect(coordinated?.interval).toEqual(newcombeInterval(full, emailOnly));
    expect(coordinated?.pValue).toBe(twoProportionZTest(full, emailOnly).pValue);
    expect(report.comparisons.map((c) => c.adjustedPValue)).toEqual(
      holmAdjust(report.comparisons.map((c) => c.pValue ?? 1)),
    );
    // The anytime interval pays for peeking and for three comparisons: wider than the fixed-horizon one.
    const [low, high] = coordinated?.anytimeInterval ?? [0, 0];
    const [fixedLow, fixedHigh] = coordinated?.interval ?? [0, 0];
    expect(low).toBeLessThan(fixedLow);
    expect(high).toBeGreaterThan(fixedHigh);
    expect(coordinated?.verdict).toBe(low > 0 ? 'higher' : 'undecided');
    expect(report.srm).toMatchObject({ degreesOfFreedom: 2, flagged: false });
  });

  test('a broken split is flagged', () => {
    const report = buildExperimentReport({
      ...counts,
      arms: [
        { id: 'full', share: 0.5, leads: 5_200, conversions: 400 },
        { id: 'email-only', share: 0.5, leads: 4_800, conversions: 350 },
      ],
    });
    expect(report.srm?.flagged).toBe(true);
    expect(report.comparisons.map((c) => `${c.arm} vs ${c.against}`)).toEqual(['full vs email-only']);
  });

  test('an arm without leads yet has no rate and its comparisons decide nothing', () => {
    const report = buildExperimentReport({
      ...counts,
      arms: [{ ...counts.arms[0], id: 'no-ads', leads: 0, conversions: 0 }, ...counts.arms.slice(1)],
    } as ExperimentCountsInput);
    expect(report.arms[0]).toMatchObject({ rate: null, interval: null });
    expect(report.comparisons[0]).toMatchObject({
      arm: 'no-ads',
      uplift: null,
      interval: null,
      anytimeInterval: null,
      pValue: null,
      adjustedPValue: null,
      verdict: 'undecided',
    });
    // Holm runs over the comparisons that have data.
    const tested = report.comparisons.filter((c) => c.pValue !== null);
    expect(tested.map((c) => c.adjustedPValue)).toEqual(holmAdjust(tested.map((c) => c.pValue ?? 1)));
  });

  test('without a control arm the service-wide holdout is the no-touch baseline', () => {
    const report = buildExperimentReport({
      ...counts,
      arms: [
        { id: 'no-ads', share: 0.5, leads: 900, conversions: 70 },
        { id: 'email-only', share: 0.5, leads: 910, conversions: 60 },
        { id: 'global-control', share: 0.05, leads: 95, conversions: 4 },
      ],
    });
    expect(report.comparisons.map((c) => `${c.arm} vs ${c.against}`)).toEqual([
      'no-ads vs global-control',
      'email-only vs global-control',
      'no-ads vs email-only',
    ]);
  });

  test('a variant wins only when the anytime interval excludes zero, not on a peeked p < 0.05', () => {
    const report = buildExperimentReport({
      ...counts,
      steps: [
        // 23 % against 19 % opens: p ≈ 0.03 at one look, yet not settled for a report read daily.
        { step: 'welcome', variants: [variant('a', 1_000, 190), variant('b', 1_000, 230)] },
        // 40 % against 20 %: settled, b wins opens; conversions are level, so nobody wins those.
        { step: 'case-study', variants: [variant('a', 1_000, 200, 30), variant('b', 1_000, 400, 30)] },
        { step: 'last-note', variants: [variant('a', 500, 100)] },
      ],
    });
    const [welcome, caseStudy, lastNote] = report.variants;
    const opens = welcome?.comparisons.find((c) => c.metric === 'opened');
    expect(opens).toMatchObject({ arm: 'b', against: 'a', verdict: 'undecided' });
    expect(opens?.pValue).toBeLessThan(0.05);
    expect(welcome?.winners).toEqual([]);
    expect(caseStudy?.winners).toEqual([{ metric: 'opened', variant: 'b' }]);
    expect(caseStudy?.variants[1]?.metrics.opened).toEqual({
      count: 400,
      rate: 0.4,
      interval: wilsonInterval({ successes: 400, trials: 1_000 }),
    });
    // Four metrics of one pair form the step's family.
    expect(caseStudy?.comparisons).toHaveLength(4);
    expect(caseStudy?.srm).toMatchObject({ flagged: false });
    expect(lastNote).toMatchObject({ srm: null, comparisons: [], winners: [] });
    expect(experimentReportSchema.parse(report)).toEqual(report);
  });

  test('with three variants a winner must beat each of the others', () => {
    const step = (c: number) => ({
      step: 'welcome',
      variants: [variant('a', 1_000, 200), variant('b', 1_000, 400), variant('c', 1_000, c)],
    });
    expect(buildExperimentReport({ ...counts, steps: [step(390)] }).variants[0]?.winners).toEqual([]);
    expect(buildExperimentReport({ ...counts, steps: [step(150)] }).variants[0]?.winners).toEqual([
      { metric: 'opened', variant: 'b' },
    ]);
  });

  test('variant sends are checked against the plan weights', () => {
    const weighted = (sentB: number) =>
      buildExperimentReport({
        ...counts,
        steps: [
          {
            step: 'welcome',
            variants: [
              { ...variant('a', 750, 100), weight: 3 },
              { ...variant('b', sentB, 40), weight: 1 },
            ],
          },
        ],
      }).variants[0]?.srm?.flagged;
    expect(weighted(250)).toBe(false);
    expect(weighted(750)).toBe(true);
  });

  test('counts that cannot be are refused', () => {
    const broken = { ...counts, arms: [{ id: 'full', share: 1, leads: 10, conversions: 11 }] };
    expect(() => buildExperimentReport(broken)).toThrow(ZodError);
    const openedTooMuch = { ...counts, steps: [{ step: 'welcome', variants: [variant('a', 10, 11)] }] };
    expect(() => buildExperimentReport(openedTooMuch)).toThrow(/exceeds sent/);
  });

  test('its schema goes into an OpenAPI 3.1 document as named components', async () => {
    const registry = new OpenAPIRegistry();
    registry.registerPath({
      method: 'get',
      path: '/v1/experiments/{planId}',
      responses: {
        200: {
          description: 'The report.',
          content: { 'application/json': { schema: experimentReportSchema } },
        },
      },
    });
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
    });
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining([
        'ExperimentReport',
        'ExperimentArmResult',
        'ExperimentComparison',
        'SampleRatioCheck',
        'ExperimentVariantStep',
        'ExperimentVariantComparison',
      ]),
    );
    // ESM-only package: loaded with a dynamic import, as the API's document test does.
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<typeof validator.validate>[0]);
    expect(result.errors).toBeUndefined();
  });
});
