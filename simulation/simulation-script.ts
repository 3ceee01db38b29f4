import { z } from 'zod';
import { leadEventTypeSchema } from '../workflows/lead-event';
import { CHANNELS, CONSENT_CHANNELS } from '../workflows/rules/channels';
import { timezoneSchema } from '../schemas/time-zone';

/**
 * A simulation script: a lead, a start instant and a stream of events at
 * offsets from the start ("+2d3h") or at absolute instants (ISO). Marketing
 * ops write these to see what a plan does before enrolling anyone.
 */
// The look-ahead refuses a bare "+" inside the pattern itself, so the OpenAPI document says it too.
const OFFSET = /^\+(?=\d)(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export const atSchema = z.union([
  z.iso.datetime({ offset: true }),
  z.string().regex(OFFSET, 'must be an offset such as "+2d3h", "+30m", or an ISO instant'),
]);

export const simulationScriptSchema = z.strictObject({
  /** Start of the nurture (ISO); default now. The time-skipping mode refuses one in the past. */
  start: z.iso.datetime({ offset: true }).optional(),
  /** How long to run after the start; default 90 days. */
  days: z.number().int().min(1).max(365).default(90),
  lead: z
    .strictObject({
      timezone: timezoneSchema.default('UTC'),
      ownerId: z.string().min(1).nullable().default('rep-1'),
      hasPhone: z.boolean().default(true),
      persona: z.string().min(1).nullable().default(null),
      industry: z.string().min(1).nullable().default(null),
      stage: z.string().min(1).nullable().default(null),
      preferredChannel: z.enum(CHANNELS).nullable().default(null),
      consent: z.partialRecord(z.enum(CONSENT_CHANNELS), z.boolean()).default({ email: true }),
    })
    .default({
      timezone: 'UTC',
      ownerId: 'rep-1',
      hasPhone: true,
      persona: null,
      industry: null,
      stage: null,
      preferredChannel: null,
      consent: { email: true },
    }),
  events: z
    .array(
      z.strictObject({
        at: atSchema,
        type: leadEventTypeSchema,
        data: z.record(z.string(), z.json()).default({}),
      }),
    )
    .max(500)
    .default([]),
});

export type SimulationScript = z.output<typeof simulationScriptSchema>;

/** The instant of an event: an ISO time, or an offset from the start. */
export function instantOf(at: string, start: number): number {
  const match = OFFSET.exec(at);
  if (match === null) return Date.parse(at);
  // Groups that did not match are undefined at run time, whatever the typings say.
  const [, d, h, m, s] = Array.from(match, (part: string | undefined) => Number(part ?? 0));
  return start + ((((d ?? 0) * 24 + (h ?? 0)) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1000;
}
