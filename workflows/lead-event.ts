import { z } from 'zod';

/** The canonical lead events of the product brief. Wire names: never rename. */
export const LEAD_EVENT_TYPES = [
  'email.delivered',
  'email.opened',
  'email.clicked',
  'email.bounced',
  'email.unsubscribed',
  'email.replied',
  'email.spam_reported',
  'sms.delivered',
  'sms.failed',
  'sms.replied',
  'sms.opted_out',
  'sms.opted_in',
  'linkedin.connection_accepted',
  'linkedin.replied',
  /** The rep reports the task done: the request or message was sent by hand (api/routes/tasks.ts). */
  'linkedin.request_sent',
  'web.page_visited',
  'webinar.registered',
  'webinar.attended',
  'trial.started',
  'form.submitted',
  'meeting.booked',
  'meeting.canceled',
  'consent.updated',
] as const;

export const leadEventTypeSchema = z.enum(LEAD_EVENT_TYPES);
export type LeadEventType = z.infer<typeof leadEventTypeSchema>;

/** One event as the API accepts it. */
export const leadEventSchema = z.strictObject({
  id: z.string().min(1).max(200),
  type: leadEventTypeSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.json()).default({}),
});

export type LeadEventInput = z.input<typeof leadEventSchema>;

/**
 * An event as the workflow receives it: plain JSON. `touchKey` ties an event
 * to the touch it answers when the caller knows it (webhooks carry it back).
 */
export interface LeadEvent {
  id: string;
  type: LeadEventType;
  occurredAt: string;
  data: Record<string, unknown>;
}
