import { z } from 'zod';
import { CHANNELS, CONSENT_CHANNELS } from '../../workflows/rules/channels';
import { phoneNumberSchema } from './phone-number';
import { timezoneSchema } from '../../schemas/time-zone';

/**
 * Lead ids go into workflow ids and search attributes, which Temporal stores
 * in clear: refuse ids that look like an email address or a phone number.
 * One pattern, not refinements, so the OpenAPI document carries the whole rule
 * (the character set already keeps out `@`, `+`, spaces and parentheses; the
 * look-ahead keeps out the digit-and-dash runs a phone number leaves).
 */
export const LEAD_ID_PATTERN = /^(?![0-9.-]{7,20}$)[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export const leadIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    LEAD_ID_PATTERN,
    'must be your CRM id: letters, digits and _ . : - only, starting with a letter or digit, and not an email address or a phone number',
  );

const consentEntrySchema = z.union([
  z.boolean(),
  z.strictObject({
    granted: z.boolean(),
    source: z.string().min(1).max(200).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  }),
]);

export const enrollLeadSchema = z.strictObject({
  id: leadIdSchema,
  email: z.email(),
  /** Validated with libphonenumber-js and stored in E.164; a national number needs its +country code. */
  phone: phoneNumberSchema.optional(),
  firstName: z.string().min(1).max(100).optional(),
  lastName: z.string().min(1).max(100).optional(),
  company: z.string().min(1).max(200).optional(),
  timezone: timezoneSchema.default('UTC'),
  ownerId: z.string().min(1).max(128).optional(),
  /** The owning rep's name, as messages sign it ("Sam Carter"); templates fall back when absent. */
  ownerName: z.string().min(1).max(100).optional(),
  /** Your CRM's account id: colleagues share it (account-level stop). Else the email domain is used. */
  companyId: z.string().min(1).max(128).optional(),
  /** Segment fields the plan's eligibility rules look at. */
  persona: z.string().min(1).max(64).optional(),
  industry: z.string().min(1).max(64).optional(),
  stage: z.string().min(1).max(64).optional(),
  /** The channel the lead said they prefer: it leads, the others are occasional nudges. */
  preferredChannel: z.enum(CHANNELS).optional(),
  consent: z.partialRecord(z.enum(CONSENT_CHANNELS), consentEntrySchema).default({}),
  planId: z.string().min(1).max(64).optional(),
});

export type EnrollLead = z.output<typeof enrollLeadSchema>;

export const leadParamsSchema = z.strictObject({ id: leadIdSchema });

export const enrollResponseSchema = z.object({
  leadId: z.string(),
  workflowId: z.string(),
  planId: z.string(),
  planVersion: z.number(),
  created: z.boolean(),
});

export const eventAcceptedSchema = z.object({
  leadId: z.string(),
  eventId: z.string(),
  duplicate: z.boolean(),
  delivered: z.boolean(),
});

export const suppressSchema = z.strictObject({
  reason: z.string().min(1).max(500),
  source: z.string().min(1).max(100).default('api'),
});

const by = z.string().min(1).max(128);

export const handoffRequestSchema = z.strictObject({ by, note: z.string().min(1).max(2000).optional() });
export const ackRequestSchema = z.strictObject({ by });
export const resumeRequestSchema = z.strictObject({ by });
export const closeRequestSchema = z.strictObject({ by, reason: z.string().min(1).max(500) });

/** The experiment arm stored with a lead at enrollment; null when its plan has no experiment. */
export const leadArmSchema = z
  .object({
    id: z
      .string()
      .meta({ description: '`global-control` for the service-wide holdout (GLOBAL_CONTROL_SHARE).' }),
    experimentId: z.string().nullable(),
    channels: z
      .array(z.enum(CHANNELS))
      .meta({ description: 'What the engine may touch the lead on; [] = nothing.' }),
  })
  .nullable()
  .meta({ id: 'LeadArm' });

export const leadResponseSchema = z
  .object({
    lead: z.object({
      id: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      company: z.string().nullable(),
      companyId: z.string().nullable(),
      timezone: z.string(),
      ownerId: z.string().nullable(),
      ownerName: z.string().nullable(),
      persona: z.string().nullable(),
      industry: z.string().nullable(),
      stage: z.string().nullable(),
      preferredChannel: z.string().nullable(),
      planId: z.string(),
      planVersion: z.number().int(),
      arm: leadArmSchema,
      createdAt: z.iso.datetime(),
    }),
    workflowId: z.string(),
    /** The running nurture's view (nurtureState query); null once it has ended or before it started. */
    nurture: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'LeadWithNurture' });
