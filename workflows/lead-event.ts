import { z } from 'zod';
import { CONSENT_CHANNELS } from './rules/channels';

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

/*
 * Each type's `data`. Every field is optional except where the event means
 * nothing without it (consent.updated). The schemas are the edge's: the API
 * refuses a known field of the wrong shape with a 400 naming it. The
 * workflow reads the same fields defensively (readLeadEvent): events recorded
 * before these schemas existed are in histories and in the inbox, and a field
 * that does not fit reads as absent, which is what the rules' old `typeof`
 * probes made of it. So a constraint here may only refuse what the rules
 * already treated as absent: no length limits, no stricter formats on fields
 * the rules read (an empty `source` always fell back to the default). One
 * deliberate exception: `returnDate` must be ISO 8601, as auto-reply.ts always
 * documented it, because the OpenAPI document has to say what is accepted.
 */

const touchKey = z
  .string()
  .describe('The touch this event answers, when the sender knows it (webhooks carry it back).');
const providerMessageId = z.string().nullable().describe("The provider's id of the message.");
const consentSource = z
  .string()
  .min(1)
  .describe('Where the change came from, as the consent record keeps it ("sms STOP", "preference center"…).');
/** A provider's numeric error code; some backends send it as a string of digits. */
const providerErrorCode = z.union([z.number().int(), z.string().regex(/^\d+$/, 'must be digits')]);
const instant = z.iso.datetime({ offset: true }).nullable();
/** One instance, so the OpenAPI document defines free-form JSON once. */
const json = z.json().meta({ id: 'JsonValue' });

/** What a reply on any channel may carry; auto-reply.ts reads `autoReply`, `headers` and `returnDate`. */
const REPLY = {
  touchKey,
  subject: z.string(),
  text: z.string().describe('The reply itself; the inbox keeps only an excerpt (replies/read-reply.ts).'),
  excerpt: z.string(),
  autoReply: z.boolean().describe('An automatic answer (out of office…): not a reply to hand to sales.'),
  // ISO only, as JSON Schema can say it (Schemathesis holds the API to the document);
  // readReplyData writes it so, and auto-reply.ts always documented it so.
  returnDate: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .describe('When an out-of-office sender is back (ISO 8601): touches resume then.'),
  headers: z
    .record(z.string(), json)
    .describe('Mail headers, for the RFC 3834 auto-reply markers (Auto-Submitted, X-Autoreply, Precedence).'),
};

/** A rep's report of a LinkedIn task (POST /v1/tasks/:id/complete). */
const TASK_REPORT = {
  taskKey: z.string(),
  outcome: z.enum(['sent', 'accepted', 'replied']),
  by: z.string().describe('Who did it (the rep).'),
};

const MEETING = {
  touchKey,
  startTime: instant,
  endTime: instant,
  eventType: z.string().nullable().describe("The booking page's event type."),
};

/** Every field optional: `partial()` keeps each field's own type. */
const optional = <S extends z.ZodRawShape>(shape: S) => z.object(shape).partial().shape;

/** The known fields of each type's `data`. Extra fields are kept (and stored) but never read by rules. */
export const LEAD_EVENT_DATA = {
  'email.delivered': optional({ touchKey, providerMessageId }),
  'email.opened': optional({
    touchKey,
    providerMessageId,
    machineOpen: z
      .boolean()
      .describe('Opened by a mail privacy proxy (Apple Mail Privacy Protection): recorded, not counted.'),
    firstOpen: z.boolean().nullable(),
  }),
  'email.clicked': optional({ touchKey, providerMessageId, url: z.string().nullable() }),
  'email.bounced': optional({
    touchKey,
    providerMessageId,
    bounceType: z
      .enum(['bounce', 'blocked', 'dropped'])
      .describe(
        'bounce (the default): the address is bad, no more email; blocked: a temporary refusal, the address is kept; dropped: the provider would not send.',
      ),
    classification: z.string().nullable(),
    smtpStatus: z.string().nullable(),
    smtpCode: z.union([z.number(), z.string()]).nullable(),
    reason: z.string().nullable(),
    postmarkType: z.string(),
    inactive: z.boolean().nullable(),
  }),
  'email.unsubscribed': optional({
    touchKey,
    providerMessageId,
    scope: z
      .enum(['global', 'group', 'domain', 'stream', 'reply'])
      .describe('global stops every channel; the others stop email.'),
    source: consentSource,
    asmGroupId: z.number().int().nullable(),
    origin: z.string().nullable(),
  }),
  'email.replied': optional(REPLY),
  'email.spam_reported': optional({ touchKey, providerMessageId }),
  'sms.delivered': optional({ touchKey }),
  'sms.failed': optional({
    touchKey,
    status: z.enum(['failed', 'undelivered']),
    errorCode: providerErrorCode.nullable().describe("The provider's error code (Twilio ErrorCode)."),
  }),
  'sms.replied': optional(REPLY),
  'sms.opted_out': optional({
    touchKey,
    source: consentSource,
    keyword: z.string().describe('The word the lead texted (STOP, UNSUBSCRIBE…).'),
    reportedBy: z
      .enum(['lead', 'carrier'])
      .describe(
        'lead: the lead texted STOP (or a synonym); carrier: the carrier refused a send because the recipient had unsubscribed.',
      ),
    errorCode: providerErrorCode.describe("The provider's code when the carrier reported it (Twilio 21610)."),
  }),
  'sms.opted_in': optional({ touchKey, source: consentSource, keyword: z.string() }),
  'linkedin.connection_accepted': optional({ touchKey, ...TASK_REPORT }),
  'linkedin.replied': optional({ ...REPLY, ...TASK_REPORT }),
  'linkedin.request_sent': optional({ touchKey, ...TASK_REPORT }),
  'web.page_visited': optional({
    touchKey,
    path: z.string().describe('The page\'s path ("/pricing"); read before `url`.'),
    url: z.string().describe('The full address, when no path is given.'),
  }),
  'webinar.registered': optional({ touchKey }),
  'webinar.attended': optional({ touchKey }),
  'trial.started': optional({ touchKey }),
  'form.submitted': optional({ touchKey }),
  'meeting.booked': optional({ ...MEETING, rescheduled: z.boolean() }),
  'meeting.canceled': optional({ ...MEETING, canceledBy: z.string().nullable() }),
  'consent.updated': {
    ...optional({ touchKey, source: consentSource }),
    channel: z.enum(CONSENT_CHANNELS),
    granted: z.boolean(),
  },
} as const satisfies Record<LeadEventType, z.ZodRawShape>;

type DataShape<T extends LeadEventType> = (typeof LEAD_EVENT_DATA)[T];

const eventId = z.string().min(1).max(200);
const occurredAt = z.iso.datetime({ offset: true });

function eventSchema<T extends LeadEventType>(type: T) {
  const data = z.object(LEAD_EVENT_DATA[type]).catchall(json);
  // An absent `data` is `{}` where `{}` is valid; consent.updated needs its fields,
  // so there the document (and Schemathesis) require it.
  const empty = {};
  const emptyIsValid = z.safeParse(data, empty).success;
  return z
    .strictObject({
      id: eventId,
      type: z.literal(type),
      occurredAt,
      // The cast follows the check: `{}` was just parsed by this very schema.
      data: emptyIsValid ? data.prefault(empty as z.input<typeof data>) : data,
    })
    .meta({ id: type, title: type });
}

/** One event as the API accepts it: a union on `type`, each type with its `data`. */
export const leadEventSchema = z.discriminatedUnion('type', [
  eventSchema('email.delivered'),
  eventSchema('email.opened'),
  eventSchema('email.clicked'),
  eventSchema('email.bounced'),
  eventSchema('email.unsubscribed'),
  eventSchema('email.replied'),
  eventSchema('email.spam_reported'),
  eventSchema('sms.delivered'),
  eventSchema('sms.failed'),
  eventSchema('sms.replied'),
  eventSchema('sms.opted_out'),
  eventSchema('sms.opted_in'),
  eventSchema('linkedin.connection_accepted'),
  eventSchema('linkedin.replied'),
  eventSchema('linkedin.request_sent'),
  eventSchema('web.page_visited'),
  eventSchema('webinar.registered'),
  eventSchema('webinar.attended'),
  eventSchema('trial.started'),
  eventSchema('form.submitted'),
  eventSchema('meeting.booked'),
  eventSchema('meeting.canceled'),
  eventSchema('consent.updated'),
]);

/**
 * What the events route parses: the fields every event has first, so that an
 * event of an unknown type still hears about its other fields, then its
 * type's data. It accepts exactly what leadEventSchema (the document's) does.
 */
export const leadEventRequestSchema = z
  .strictObject({
    id: eventId,
    type: leadEventTypeSchema,
    occurredAt,
    data: z.record(z.string(), json).optional(),
  })
  .pipe(leadEventSchema);

export type LeadEventInput = z.input<typeof leadEventSchema>;

/** A valid event with its extra fields: what the API and the webhook adapters hand to the inbox. */
export type LeadEventPayload = z.output<typeof leadEventSchema>;

/** The data of one type as a producer (webhook adapter, route) writes it: known fields typed, extras JSON. */
export type LeadEventDataOf<T extends LeadEventType> = Extract<LeadEventPayload, { type: T }>['data'];

/**
 * An event as recorded: what the workflow's signal carries, what the inbox
 * stores and what a history holds (some from before the schemas above, or
 * sent from the Temporal CLI). The engine reads it through readLeadEvent.
 */
export interface RecordedLeadEvent {
  id: string;
  type: LeadEventType;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * An event as the rules read it: only the known fields of its type, each of
 * its declared shape or absent. No index signature, so a rule cannot read an
 * extra field a backend sent.
 */
export interface LeadEventOf<T extends LeadEventType> {
  id: string;
  type: T;
  occurredAt: string;
  data: Partial<z.output<z.ZodObject<DataShape<T>>>>;
}

export type LeadEvent = { [T in LeadEventType]: LeadEventOf<T> }[LeadEventType];

/** One type's event, or the union of several's (distributes over a union of types). */
export type LeadEventFor<T extends LeadEventType> = T extends LeadEventType ? LeadEventOf<T> : never;

/** Replies on every channel: they go to sales unless they are automatic (rule 8). */
export const REPLY_EVENTS = ['email.replied', 'sms.replied', 'linkedin.replied'] as const;
export type ReplyEvent = LeadEventFor<(typeof REPLY_EVENTS)[number]>;

export function isReplyEvent(event: LeadEvent): event is ReplyEvent {
  return event.type === 'email.replied' || event.type === 'sms.replied' || event.type === 'linkedin.replied';
}

/**
 * The rules' view of a recorded event. Field by field, so one malformed
 * field in an old payload leaves the others readable; a field that does not
 * fit its schema is left out, as the rules' old `typeof` probes ignored it.
 * Pure and deterministic: the workflow calls it on every event it applies.
 */
export function readLeadEvent<T extends LeadEventType>(
  event: RecordedLeadEvent & { type: T },
): LeadEventFor<T> {
  const shape: z.ZodRawShape = LEAD_EVENT_DATA[event.type];
  const raw: unknown = event.data;
  const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {};
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field === undefined) continue;
    const read = z.safeParse(field, value);
    if (read.success && read.data !== undefined) data[key] = read.data;
  }
  // Each field was just checked against its own schema, and every field is optional to the rules.
  return { id: event.id, type: event.type, occurredAt: event.occurredAt, data } as LeadEventFor<T>;
}
