import { z } from 'zod';
import { correlationFrom, matchOf } from './correlation';
import { constantTimeEqual, decodeHexDigest, hmacDigest } from './signature-checks';
import { invalidSignature, missingSignature } from './webhook-problems';
import {
  isoInstantSchema,
  parseJsonBody,
  parsePayload,
  type WebhookHandler,
  type WebhookResult,
} from './webhook-request';

/**
 * Cal.com webhooks: X-Cal-Signature-256 is the hex HMAC-SHA256 of the raw body
 * with the webhook's secret (Cal.com sends "no-secret-provided" when the
 * webhook has none, which never matches). No timestamp is signed, so a replay
 * is indistinguishable from a redelivery; the stable externalId
 * (triggerEvent:uid) lets the inbox drop it.
 */
export const CALCOM_SIGNATURE_HEADER = 'X-Cal-Signature-256';

export function computeCalcomSignature(secret: string, rawBody: Buffer): string {
  return hmacDigest('sha256', secret, rawBody).toString('hex');
}

export function verifyCalcomSignature(secret: string, rawBody: Buffer, signatureHex: string): boolean {
  const provided = decodeHexDigest(signatureHex, 32);
  return provided !== undefined && constantTimeEqual(provided, hmacDigest('sha256', secret, rawBody));
}

// Loose on purpose: Cal.com sends other triggers (PING, MEETING_ENDED…) with other shapes.
const envelopeSchema = z.object({ triggerEvent: z.string(), payload: z.unknown() });

const bookingEnvelopeSchema = z.object({
  triggerEvent: z.string(),
  createdAt: isoInstantSchema,
  payload: z.object({
    uid: z.string().min(1).max(200),
    type: z.string().max(200).optional(),
    startTime: isoInstantSchema.optional(),
    endTime: isoInstantSchema.optional(),
    attendees: z.array(z.object({ email: z.string().min(1).max(320) })).default([]),
    responses: z.object({ email: z.object({ value: z.unknown() }).optional() }).optional(),
    // Booking-link metadata (?metadata[lead_id]=…) comes back here.
    metadata: z.record(z.string(), z.unknown()).nullish(),
  }),
});

const MAPPED_TRIGGERS = {
  BOOKING_CREATED: { type: 'meeting.booked', rescheduled: false },
  // Cal.com reports a reschedule as one event for the new booking (new uid).
  BOOKING_RESCHEDULED: { type: 'meeting.booked', rescheduled: true },
  BOOKING_CANCELLED: { type: 'meeting.canceled', rescheduled: false },
} as const;

function isMappedTrigger(trigger: string): trigger is keyof typeof MAPPED_TRIGGERS {
  return Object.hasOwn(MAPPED_TRIGGERS, trigger);
}

export function mapCalcomPayload(body: unknown): WebhookResult {
  const envelope = parsePayload(envelopeSchema, body);
  if (!isMappedTrigger(envelope.triggerEvent)) {
    // BOOKING_REQUESTED is not a booking until confirmed; the others are not about the lead's intent.
    return { events: [], ignored: [`${envelope.triggerEvent.slice(0, 40)}: not mapped`] };
  }
  const mapping = MAPPED_TRIGGERS[envelope.triggerEvent];
  const booking = parsePayload(bookingEnvelopeSchema, body);
  const { payload } = booking;
  // The booker is the first attendee; the form's email answer is the fallback.
  const formEmail = payload.responses?.email?.value;
  const email = payload.attendees[0]?.email ?? (typeof formEmail === 'string' ? formEmail : undefined);
  return {
    events: [
      {
        source: 'calcom',
        externalId: `${envelope.triggerEvent}:${payload.uid}`,
        type: mapping.type,
        occurredAt: booking.createdAt,
        match: matchOf(correlationFrom(payload.metadata ?? undefined), email === undefined ? {} : { email }),
        data: {
          startTime: payload.startTime ?? null,
          endTime: payload.endTime ?? null,
          eventType: payload.type ?? null,
          ...(mapping.rescheduled ? { rescheduled: true } : {}),
        },
      },
    ],
    ignored: [],
  };
}

export function createCalcomWebhook(config: { secret: string }): WebhookHandler {
  return (request) => {
    const signature = request.header(CALCOM_SIGNATURE_HEADER)?.trim();
    if (signature === undefined || signature === '') {
      throw missingSignature('calcom', `the ${CALCOM_SIGNATURE_HEADER} header`);
    }
    if (!verifyCalcomSignature(config.secret, request.rawBody, signature)) throw invalidSignature('calcom');
    return Promise.resolve(mapCalcomPayload(parseJsonBody(request.rawBody)));
  };
}
