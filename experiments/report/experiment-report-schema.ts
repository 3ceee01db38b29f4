import { z } from 'zod';

/**
 * The experiment report as the API will answer it (GET /v1/experiments/:planId):
 * its output schema, with descriptions that go into the OpenAPI document.
 * Which number answers which question is in the README, "Experiments".
 */

const interval = z
  .tuple([z.number(), z.number()])
  .meta({ description: '[low, high]; null when an arm has no leads yet.' });

const rateSchema = z.object({
  count: z.number().int().min(0),
  rate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .meta({ description: 'count / trials; null when there are none.' }),
  interval: interval.nullable().meta({ description: '95 % Wilson score interval of the rate.' }),
});

export const VERDICTS = ['higher', 'lower', 'undecided'] as const;

export const comparisonSchema = z
  .object({
    arm: z.string(),
    against: z.string(),
    uplift: z
      .object({
        absolute: z
          .number()
          .meta({ description: "The arm's rate minus the baseline's: 0.03 is three points more." }),
        relative: z.number().nullable().meta({
          description: 'absolute / baseline rate: 0.5 is half as many again; null at a baseline of 0.',
        }),
      })
      .nullable(),
    interval: interval.nullable().meta({
      description:
        'Newcombe hybrid score 95 % interval of the absolute uplift: valid for one look at the end.',
    }),
    anytimeInterval: interval.nullable().meta({
      description:
        'Normal-mixture confidence sequence of the absolute uplift: valid at every look, and for every comparison of this family at once.',
    }),
    pValue: z.number().nullable().meta({
      description: 'Two-sided two-proportion z-test (fixed horizon): valid for one look at a planned end.',
    }),
    adjustedPValue: z
      .number()
      .nullable()
      .meta({ description: "pValue, Holm-adjusted across this family's comparisons." }),
    verdict: z.enum(VERDICTS).meta({
      description:
        'higher / lower when the anytime interval excludes 0 (safe to act on today), else undecided.',
    }),
  })
  .meta({ id: 'ExperimentComparison' });

export const sampleRatioSchema = z
  .object({
    chiSquare: z.number(),
    degreesOfFreedom: z.number().int(),
    pValue: z.number(),
    flagged: z.boolean().meta({
      description:
        'p < 0.001: the split itself is broken, and no other number of this report can be trusted.',
    }),
  })
  .meta({ id: 'SampleRatioCheck' });

export const armResultSchema = z
  .object({
    id: z.string(),
    share: z.number(),
    leads: z.number().int().min(0),
    conversions: z.number().int().min(0),
    rate: z.number().min(0).max(1).nullable(),
    interval: interval.nullable().meta({ description: '95 % Wilson score interval of the conversion rate.' }),
  })
  .meta({ id: 'ExperimentArmResult' });

export const VARIANT_METRICS = ['opened', 'clicked', 'replied', 'converted'] as const;
export type VariantMetric = (typeof VARIANT_METRICS)[number];

export const variantStepSchema = z
  .object({
    step: z.string(),
    /** Sends per variant against the weights; null for a step with one variant. */
    srm: sampleRatioSchema.nullable(),
    variants: z.array(
      z.object({
        id: z.string(),
        weight: z.number(),
        sent: z.number().int().min(0),
        metrics: z.object({
          opened: rateSchema,
          clicked: rateSchema,
          replied: rateSchema,
          converted: rateSchema,
        }),
      }),
    ),
    comparisons: z.array(
      comparisonSchema
        .extend({ metric: z.enum(VARIANT_METRICS) })
        .meta({ id: 'ExperimentVariantComparison' }),
    ),
    winners: z.array(z.object({ metric: z.enum(VARIANT_METRICS), variant: z.string() })).meta({
      description:
        'A variant wins a metric only when its anytime interval against every other variant is above 0.',
    }),
  })
  .meta({
    id: 'ExperimentVariantStep',
    description:
      "One email step's A/B variants; `srm` checks the sends per variant against the plan's weights.",
  });

export const experimentReportSchema = z
  .object({
    planId: z.string(),
    experimentId: z.string().nullable(),
    confidence: z.number(),
    arms: z.array(armResultSchema),
    comparisons: z
      .array(comparisonSchema)
      .meta({ description: 'Each arm against control and against email-only, where the plan has them.' }),
    /** Leads per arm against the shares; null for fewer than two arms. */
    srm: sampleRatioSchema.nullable(),
    variants: z.array(variantStepSchema),
  })
  .meta({
    id: 'ExperimentReport',
    description:
      'A plan experiment: per arm the conversion rate, each arm against control and email-only, and `srm`, the check that the split itself is healthy (null for fewer than two arms).',
  });

export type ExperimentReport = z.output<typeof experimentReportSchema>;
export type Comparison = z.output<typeof comparisonSchema>;
export type SampleRatioResult = z.output<typeof sampleRatioSchema>;
export type VariantStepReport = z.output<typeof variantStepSchema>;
