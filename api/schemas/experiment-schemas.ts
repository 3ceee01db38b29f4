import { z } from 'zod';
import { LEAD_EVENT_TYPES } from '../../workflows/lead-event';
import { CHANNELS } from '../../workflows/rules/channels';

/** The wire of GET /v1/experiments and GET /v1/experiments/:planId; the report itself is experiments/report. */

export const experimentParamsSchema = z.strictObject({ planId: z.string().min(1).max(64) });

export const experimentReportQuerySchema = z.strictObject({
  goal: z.enum(LEAD_EVENT_TYPES).optional().meta({
    description:
      "Count only this goal as a conversion; it must be one of the plan's goals. Unset: any of them.",
  }),
});

const conversionsSchema = z.object({
  goals: z.array(z.string()).meta({ description: 'The event types that count as a conversion.' }),
  windowMs: z
    .number()
    .int()
    .meta({ description: 'How long after enrollment a goal event still counts, in milliseconds.' }),
});

export const experimentSummarySchema = z
  .object({
    planId: z.string(),
    experimentId: z.string(),
    leads: z.number().int().min(0).meta({ description: "The leads in the experiment's arms." }),
    arms: z.array(
      z.object({
        id: z.string(),
        share: z.number().meta({
          description:
            "The arm's share of the plan's leads (with GLOBAL_CONTROL_SHARE set, of those not held out globally).",
        }),
        channels: z.array(z.enum(CHANNELS)).meta({ description: 'What the arm may get; [] = no touch.' }),
        leads: z.number().int().min(0),
      }),
    ),
    conversions: conversionsSchema,
  })
  .meta({ id: 'ExperimentSummary' });

export const experimentListSchema = z.object({
  items: z.array(experimentSummarySchema).meta({ description: 'The plans that declare an experiment.' }),
});

export type ExperimentSummary = z.output<typeof experimentSummarySchema>;
