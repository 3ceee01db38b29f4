import ms from 'ms';
import { z } from 'zod';

/**
 * A nurture plan is data: which emails go out, how long to wait for an open,
 * what counts as engagement. Plans are validated here when they are loaded,
 * and the parsed plan (durations in milliseconds, plain JSON) is handed to the
 * workflow at enrollment, so a running nurture keeps the version it started with.
 */
export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/, 'must be a duration such as "30s", "48h" or "3d"')
  .transform((text) => ms(text as ms.StringValue));

const templateSchema = z.strictObject({
  subject: z.string().min(1),
  body: z.string().min(1),
});

export const emailStepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase slug'),
  /** Wait after the previous step's open window before this step goes out. */
  delay: durationSchema,
  template: templateSchema,
});

export const planSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase slug'),
    version: z.number().int().positive(),
    name: z.string().min(1),
    /** How long the engine waits for `email.opened` after an email was sent. */
    openWindow: durationSchema,
    emailSteps: z.array(emailStepSchema).min(1),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.emailSteps.forEach((step, index) => {
      if (seen.has(step.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['emailSteps', index, 'id'],
          message: `duplicate step id "${step.id}"`,
        });
      }
      seen.add(step.id);
    });
  });

/** A plan as written in its JSON file. */
export type PlanInput = z.input<typeof planSchema>;
/** A validated plan: durations in milliseconds. */
export type Plan = z.output<typeof planSchema>;
export type EmailStep = Plan['emailSteps'][number];
