import { z } from 'zod';

/**
 * What the report is built from: counts per arm and per email variant, as
 * the database will answer them. Checked on the way in, so a query bug
 * (more conversions than leads) fails loudly instead of printing a rate
 * above 100 %.
 */
const count = z.number().int().min(0);

const armCountsSchema = z
  .strictObject({
    id: z.string().min(1),
    /** The arm's planned share of leads; the sample-ratio check compares the lead counts against it. */
    share: z.number().gt(0),
    leads: count,
    conversions: count,
  })
  .refine((arm) => arm.conversions <= arm.leads, { path: ['conversions'], message: 'exceeds leads' });

const variantCountsSchema = z
  .strictObject({
    id: z.string().min(1),
    /** The variant's planned weight (1 when the plan gives none); sends are checked against it. */
    weight: z.number().gt(0).default(1),
    sent: count,
    opened: count,
    clicked: count,
    replied: count,
    /** Leads who got this variant and converted. */
    converted: count,
  })
  .superRefine((variant, ctx) => {
    for (const metric of ['opened', 'clicked', 'replied', 'converted'] as const) {
      if (variant[metric] > variant.sent)
        ctx.addIssue({ code: 'custom', path: [metric], message: 'exceeds sent' });
    }
  });

export const experimentCountsSchema = z.strictObject({
  planId: z.string().min(1),
  experimentId: z.string().min(1).nullable(),
  arms: z.array(armCountsSchema),
  steps: z
    .array(z.strictObject({ step: z.string().min(1), variants: z.array(variantCountsSchema).min(1) }))
    .default([]),
});

export type ExperimentCountsInput = z.input<typeof experimentCountsSchema>;
export type ExperimentCounts = z.output<typeof experimentCountsSchema>;
export type ArmCounts = ExperimentCounts['arms'][number];
export type StepCounts = ExperimentCounts['steps'][number];
