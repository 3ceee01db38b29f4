import { z } from 'zod';
import { matchOf } from './correlation';
import {
  constantTimeEqual,
  decodeHexDigest,
  hmacDigest,
  isFresh,
  signedTimestampMs,
} from './signature-checks';
import { invalidSignature, missingSignature, staleSignature } from './webhook-problems';
import {
  isoInstantSchema,
  parseJsonBody,
  parsePayload,
  type WebhookHandler,
  type WebhookRequest,
  type WebhookResult,
} from './webhook-request';

/**
 * Calendly API v2 webhooks. Calendly-Webhook-Signature is `t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(signing key, `${t}.${raw body}`). The signed timestamp
 * bounds how long a captured request stays usable. Within that window a copy
 * is accepted like Calendly's own retry after a lost answer: the signature
 * covers the body, so a copy carries only events the inbox already stored.
 */
export const CALENDLY_SIGNATURE_HEADER = 'Calendly-Webhook-Signature';

export function computeCalendlySignature(signingKey: string, timestamp: string, rawBody: Buffer): Buffer {
  return hmacDigest('sha256', signingKey, Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), rawBody]));
}

interface ParsedSignatureHeader {
  timestamp: string;
  signatures: string[];
}

/** `t=…,v1=…`; several v1 values are accepted (as during a key rotation). */
export function parseCalendlySignatureHeader(header: string): ParsedSignatureHeader | undefined {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (name === 't') timestamp = value;
    else if (name === 'v1') signatures.push(value);
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

const envelopeSchema = z.object({ event: z.string(), payload: z.unknown() });

const inviteeEnvelopeSchema = z.object({
  event: z.string(),
  created_at: isoInstantSchema,
  payload: z.object({
    uri: z.string().min(1).max(500),
    email: z.string().min(1).max(320),
    rescheduled: z.boolean().default(false),
    old_invitee: z.string().nullish(),
    scheduled_event: z
      .object({
        start_time: isoInstantSchema.optional(),
        end_time: isoInstantSchema.optional(),
        name: z.string().max(200).optional(),
      })
      .nullish(),
    cancellation: z.object({ canceler_type: z.string().max(40).optional() }).nullish(),
  }),
});

export function mapCalendlyPayload(body: unknown): WebhookResult {
  const envelope = parsePayload(envelopeSchema, body);
  if (envelope.event !== 'invitee.created' && envelope.event !== 'invitee.canceled') {
    return { events: [], ignored: [`${envelope.event.slice(0, 40)}: not mapped`] };
  }
  const invitee = parsePayload(inviteeEnvelopeSchema, body);
  const { payload } = invitee;
  const base = {
    source: 'calendly',
    externalId: `${envelope.event}:${payload.uri}`,
    occurredAt: invitee.created_at,
    match: matchOf({}, { email: payload.email }),
  } as const;
  const schedule = {
    startTime: payload.scheduled_event?.start_time ?? null,
    endTime: payload.scheduled_event?.end_time ?? null,
    eventType: payload.scheduled_event?.name ?? null,
  };
  if (envelope.event === 'invitee.created') {
    // A reschedule creates a new invitee that points back at the old one.
    const rescheduled = payload.old_invitee !== undefined && payload.old_invitee !== null;
    return {
      events: [
        { ...base, type: 'meeting.booked', data: { ...schedule, ...(rescheduled ? { rescheduled } : {}) } },
      ],
      ignored: [],
    };
  }
  if (payload.rescheduled) {
    // Calendly reports a reschedule as invitee.canceled (rescheduled: true) plus
    // invitee.created for the new time, in either order. The cancel half is not
    // a cancellation: mapping it would let the engine stop a nurture the lead kept.
    return { events: [], ignored: ['invitee.canceled for a reschedule: the new booking follows'] };
  }
  return {
    events: [
      {
        ...base,
        type: 'meeting.canceled',
        data: { ...schedule, canceledBy: payload.cancellation?.canceler_type ?? null },
      },
    ],
    ignored: [],
  };
}

export interface CalendlyWebhookConfig {
  signingKey: string;
  maxAgeMs: number;
  now: () => number;
}

export function createCalendlyWebhook(config: CalendlyWebhookConfig): WebhookHandler {
  // Checks are synchronous; a throw in the executor becomes the handler's rejection.
  return (request) =>
    new Promise((resolve) => {
      resolve(verifiedCalendlyPayload(config, request));
    });
}

function verifiedCalendlyPayload(config: CalendlyWebhookConfig, request: WebhookRequest): WebhookResult {
  const header = request.header(CALENDLY_SIGNATURE_HEADER)?.trim();
  if (header === undefined || header === '') {
    throw missingSignature('calendly', `the ${CALENDLY_SIGNATURE_HEADER} header`);
  }
  const parsed = parseCalendlySignatureHeader(header);
  const signedAtMs = signedTimestampMs(parsed?.timestamp);
  if (parsed === undefined || signedAtMs === undefined) throw invalidSignature('calendly');
  const expected = computeCalendlySignature(config.signingKey, parsed.timestamp, request.rawBody);
  let valid = false;
  for (const candidate of parsed.signatures) {
    const provided = decodeHexDigest(candidate, 32);
    valid = (provided !== undefined && constantTimeEqual(provided, expected)) || valid;
  }
  if (!valid) throw invalidSignature('calendly');
  if (!isFresh(signedAtMs, config.now(), config.maxAgeMs)) throw staleSignature('calendly', config.maxAgeMs);

  return mapCalendlyPayload(parseJsonBody(request.rawBody));
}
