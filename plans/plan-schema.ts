import { z } from 'zod';
import { LEAD_EVENT_TYPES } from '../workflows/lead-event';
import { NURTURE_STATUSES } from '../workflows/engine/status';
import { CHANNELS } from '../workflows/rules/channels';
import { checkExperimentFields, experimentPlanFields } from './experiment-schema';
import { durationSchema, refuseDuplicateIds, slugSchema as slug } from './plan-fields';

/**
 * A nurture plan is data: which emails go out and when, how long to wait for
 * an open, what counts as high intent, when SMS may go out, caps, cooldowns,
 * scoring, audiences, the reply SLA. Plans are validated here when they are
 * loaded; the parsed plan (durations in milliseconds, plain JSON) is handed to
 * the workflow at enrollment, so a running nurture keeps the version it
 * started with. Workflow code imports this file's types only (no zod there).
 */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24h time such as "09:00"');
const channel = z.enum(CHANNELS);
const eventType = z.enum(LEAD_EVENT_TYPES);
const status = z.enum(NURTURE_STATUSES);

const variantSchema = z.strictObject({ id: slug, subject: z.string().min(1), body: z.string().min(1) });

export const emailStepSchema = z.strictObject({
  id: slug,
  /** Wait after the previous step's open window before this step goes out (adapted by cadence). */
  delay: durationSchema,
  /** A/B variants; each lead gets one, chosen deterministically from its id. */
  variants: z.array(variantSchema).min(1),
  /** A re-engagement step only goes to disengaged leads; others skip it. */
  reengagement: z.boolean().default(false),
});

const sendWindowSchema = z
  .strictObject({
    start: clock,
    end: clock,
    weekdays: z.array(z.number().int().min(1).max(7)).min(1, 'needs at least one weekday'),
  })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] });

const capSchema = z.union([
  z.strictObject({
    channel: z.union([channel, z.literal('any')]),
    max: z.number().int().positive(),
    rolling: durationSchema,
  }),
  z.strictObject({
    channel: z.union([channel, z.literal('any')]),
    max: z.number().int().positive(),
    perLocalDay: z.literal(true),
  }),
]);

const eligibilityRuleSchema = z.strictObject({
  when: z
    .strictObject({
      persona: z.array(z.string().min(1)).optional(),
      industry: z.array(z.string().min(1)).optional(),
      stage: z.array(z.string().min(1)).optional(),
    })
    .refine((w) => Object.keys(w).length > 0, 'needs at least one condition'),
  deny: z.array(channel).min(1),
  reason: z.string().min(1),
});

/** The plan's fields; the texts sit in template files on disk and are inlined by the catalog (see planFileSchema). */
const planObject = z.strictObject({
  id: slug,
  version: z.number().int().positive(),
  name: z.string().min(1),
  /** How long the engine waits for `email.opened` after an email was sent. */
  openWindow: durationSchema,
  /** No open for this long → disengaged (re-engagement path). */
  disengagedAfter: durationSchema,
  engagedAfterOpens: z.number().int().positive(),
  emailSteps: z.array(emailStepSchema).min(1),
  linkedin: z.strictObject({ connectionNote: z.string().min(1).max(300) }),
  sms: z.strictObject({
    window: sendWindowSchema,
    body: z.string().min(1),
    /** An SMS that cannot go out within this time of its trigger is dropped, not sent late. */
    relevance: durationSchema,
  }),
  caps: z.array(capSchema),
  cooldowns: z.array(
    z.strictObject({ from: z.union([channel, z.literal('any')]), to: channel, after: durationSchema }),
  ),
  highIntent: z.strictObject({
    pages: z.array(z.string().startsWith('/')).min(1),
    events: z.array(eventType),
    repeatedClicks: z.number().int().positive(),
  }),
  scoring: z.strictObject({
    points: z.partialRecord(eventType, z.number()),
    halfLife: durationSchema,
    highIntentAt: z.number().positive(),
    handoffAt: z.number().positive(),
  }),
  cadence: z
    .strictObject({ fastest: z.number().positive().max(1), slowest: z.number().min(1) })
    .describe('multipliers applied to step delays: rising engagement → fastest, fading → slowest'),
  retargeting: z.strictObject({ audiences: z.partialRecord(status, z.string().min(1)) }),
  handoff: z.strictObject({ sla: durationSchema, backupOwner: z.string().min(1) }),
  autoReply: z.strictObject({ postpone: durationSchema }),
  eligibility: z.array(eligibilityRuleSchema),
  accountStop: z.strictObject({ onBooking: z.boolean(), onReply: z.boolean() }),
  ...experimentPlanFields,
});

/** The fields the cross-field checks read, common to the plan and its file. */
interface PlanCore {
  emailSteps: readonly { id: string }[];
  scoring: { highIntentAt: number; handoffAt: number };
  cadence: { fastest: number; slowest: number };
}

function checkPlan<T extends PlanCore>(plan: T, ctx: z.RefinementCtx<T>): void {
  refuseDuplicateIds(plan.emailSteps, 'emailSteps', 'step', ctx);
  if (plan.scoring.handoffAt < plan.scoring.highIntentAt) {
    ctx.addIssue({
      code: 'custom',
      path: ['scoring', 'handoffAt'],
      message: 'must not be below highIntentAt',
    });
  }
  if (plan.cadence.fastest > plan.cadence.slowest) {
    ctx.addIssue({ code: 'custom', path: ['cadence', 'fastest'], message: 'must not exceed slowest' });
  }
}

/**
 * The plan the rest of the service sees, texts inlined. Its shape is fixed:
 * it is embedded in workflow inputs, so recorded histories replay against it.
 */
export const planSchema = planObject.superRefine(checkPlan).superRefine(checkExperimentFields);

/** Where a plan's templates live: `<plan id>/v<version>` under plans/templates/. */
export const templateDirSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}\/v[1-9]\d*$/, 'must name a template folder such as "default/v2"');

/**
 * A plan as written in its JSON file. The texts a lead receives are not in
 * it: each is a Liquid file under plans/templates/ (plan-templates.ts has the
 * layout), so copywriters edit text and diffs show prose. The fields below
 * that the plan does not have (`templates`, `sms.maxSegments`) serve the
 * checks at load and are dropped from the loaded plan.
 */
export const planFileSchema = planObject
  .omit({ linkedin: true })
  .extend({
    /** Another plan version's templates, e.g. "default/v2"; by default this plan's own `<id>/v<version>`. */
    templates: templateDirSchema.optional(),
    emailSteps: z
      .array(emailStepSchema.extend({ variants: z.array(z.strictObject({ id: slug })).min(1) }))
      .min(1),
    sms: z.strictObject({
      window: sendWindowSchema,
      relevance: durationSchema,
      /** The most segments the SMS may take when rendered for a lead with long names (sms-segments.ts). */
      maxSegments: z.number().int().min(1).max(10).default(1),
    }),
  })
  .superRefine(checkPlan)
  .superRefine(checkExperimentFields);

/** A plan file as written on disk. */
export type PlanFileInput = z.input<typeof planFileSchema>;
export type PlanFile = z.output<typeof planFileSchema>;
/** A plan with its texts inlined, as the catalog assembles it from its file and templates. */
export type PlanInput = z.input<typeof planSchema>;
/** A validated plan: durations in milliseconds. */
export type Plan = z.output<typeof planSchema>;
export type EmailStep = Plan['emailSteps'][number];
/** A frequency cap: rolling (a duration) or per local day of the lead (rules/frequency-caps.ts). */
export type CapRule = Plan['caps'][number];
/** A wait on channel `to` after a send on `from` (rules/frequency-caps.ts). */
export type Cooldown = Plan['cooldowns'][number];
/** When a channel may reach a lead, on the lead's wall clock (rules/send-window.ts). */
export type SendWindow = Plan['sms']['window'];
