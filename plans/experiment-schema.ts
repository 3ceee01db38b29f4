import ms from 'ms';
import { z } from 'zod';
import { GLOBAL_CONTROL_ARM } from '../experiments/assignment/arm-assignment';
import { LEAD_EVENT_TYPES, type LeadEventType } from '../workflows/lead-event';
import { CHANNELS } from '../workflows/rules/channels';
import { durationSchema, refuseDuplicateIds, slugSchema } from './plan-fields';

/**
 * A plan's experiment, its conversion goals and its email variant weights:
 * plan data, validated at load like the rest of the plan. The arms are
 * walked in the order written (experiments/assignment/), so a running
 * experiment keeps its salt, arms and shares across plan versions; a new
 * salt starts a new experiment and reshuffles every lead.
 */

/** How far the shares may stray from 1 (they are written as decimals such as 0.45). */
export const SHARE_SUM_TOLERANCE = 1e-9;

const channel = z.enum(CHANNELS);

const armSchema = z.strictObject({
  id: slugSchema.refine((id) => id !== GLOBAL_CONTROL_ARM, {
    message: `"${GLOBAL_CONTROL_ARM}" is the service-wide holdout (GLOBAL_CONTROL_SHARE), not a plan arm`,
  }),
  /** The fraction of the plan's leads (those not in the global holdout) assigned to this arm. */
  share: z.number().gt(0, 'must be above 0').max(1, 'must not exceed 1'),
  /** The channels a lead of this arm may get; `[]` holds the lead out of every touch. */
  channels: z.array(channel).refine((list) => new Set(list).size === list.length, 'lists a channel twice'),
});

export const experimentSchema = z
  .strictObject({
    id: slugSchema,
    /** Mixed into the assignment hash: same salt, same arms for every lead, forever. */
    salt: z.string().trim().min(1, 'must not be empty').max(200),
    arms: z.array(armSchema).min(2, 'needs at least two arms to compare'),
  })
  .superRefine((experiment, ctx) => {
    refuseDuplicateIds(experiment.arms, 'arms', 'arm', ctx);
    experiment.arms.forEach((arm, index) => {
      // The report measures uplift against the arm named control: it must be a true holdout.
      if (arm.id === 'control' && arm.channels.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms', index, 'channels'],
          message: 'the control arm gets no touch: its channels must be []',
        });
      }
    });
    const sum = experiment.arms.reduce((total, arm) => total + arm.share, 0);
    if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) {
      ctx.addIssue({
        code: 'custom',
        path: ['arms'],
        message: `the arms' shares must sum to 1 (they sum to ${String(sum)})`,
      });
    }
  });

const DEFAULT_GOALS: readonly LeadEventType[] = ['meeting.booked'];
const DEFAULT_WINDOW = ms('90d');

/** What counts as a conversion: a goal event within the window from enrollment, once per lead and goal. */
export const conversionsSchema = z.strictObject({
  goals: z
    .array(z.enum(LEAD_EVENT_TYPES))
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'lists a goal twice')
    .default([...DEFAULT_GOALS]),
  window: durationSchema.refine((window) => window > 0, 'must be longer than 0').default(DEFAULT_WINDOW),
});

/**
 * Email A/B weights: step id → variant id → relative weight (say 3 and 1
 * for a 75/25 split). A step that is not listed splits its variants evenly.
 */
export const variantWeightsSchema = z.record(
  slugSchema,
  z.record(slugSchema, z.number().gt(0, 'must be above 0')),
);

/**
 * The optional fields these add to a plan; a plan without them has no arms
 * (nobody is held out by surprise), the default conversion goals and even
 * variant splits.
 */
export const experimentPlanFields = {
  experiment: experimentSchema.optional(),
  conversions: conversionsSchema.optional(),
  variantWeights: variantWeightsSchema.optional(),
};

export const EXPERIMENT_PLAN_FIELDS: readonly string[] = Object.keys(experimentPlanFields);

/** The plan fields the cross-field check reads, common to the plan and its file. */
interface PlanWithVariants {
  emailSteps: readonly { id: string; variants: readonly { id: string }[] }[];
  variantWeights?: z.output<typeof variantWeightsSchema> | undefined;
}

/** Variant weights name steps and variants of this plan, and every variant of a step they list. */
export function checkExperimentFields<T extends PlanWithVariants>(plan: T, ctx: z.RefinementCtx<T>): void {
  for (const [stepId, weights] of Object.entries(plan.variantWeights ?? {})) {
    const path = ['variantWeights', stepId];
    const step = plan.emailSteps.find((s) => s.id === stepId);
    if (step === undefined) {
      ctx.addIssue({ code: 'custom', path, message: `no email step "${stepId}" in this plan` });
      continue;
    }
    const variants = step.variants.map((v) => v.id);
    const unknown = Object.keys(weights).filter((id) => !variants.includes(id));
    const missing = variants.filter((id) => !(id in weights));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `step "${stepId}" has no variant ${unknown.join(', ')}`,
      });
    }
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `weights for step "${stepId}" miss ${missing.join(', ')}`,
      });
    }
  }
}

export type Experiment = z.output<typeof experimentSchema>;
export type ExperimentArm = Experiment['arms'][number];
export type Conversions = z.output<typeof conversionsSchema>;
export type VariantWeights = z.output<typeof variantWeightsSchema>;

/** The plan's conversion rule; a plan that states none converts on a booked meeting within 90 days. */
export function conversionsOf(plan: { conversions?: Conversions | undefined }): Conversions {
  return plan.conversions ?? { goals: [...DEFAULT_GOALS], window: DEFAULT_WINDOW };
}
