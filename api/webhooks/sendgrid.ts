import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { correlationFrom, matchOf } from './correlation';
import type { ProviderEvent, ProviderEventData } from './provider-event';
import { isFresh, signedTimestampMs } from './signature-checks';
import { invalidSignature, missingSignature, staleSignature } from './webhook-problems';
import {
  isoFromUnixSeconds,
  linkWithoutQuery,
  parseJsonBody,
  parsePayload,
  parsePayloadAt,
  unixSecondsSchema,
  type WebhookHandler,
  type WebhookRequest,
  type WebhookResult,
} from './webhook-request';

/**
 * SendGrid Event Webhook, Signed Event Webhook variant: SendGrid signs
 * timestamp + raw body with ECDSA P-256 / SHA-256 and sends the DER signature
 * base64-encoded. A POST carries a JSON array of events (a batch).
 */
export const SENDGRID_SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const SENDGRID_TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

// A DER ECDSA P-256 signature is at most 72 bytes, 96 base64 characters.
const SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{1,96}={0,2}$/;

/**
 * The key as the SendGrid UI shows it (base64 DER SubjectPublicKeyInfo), or
 * PEM. Throws (at start, naming the variable, never the value) if it is not an
 * EC P-256 public key.
 */
export function parseSendgridPublicKey(text: string): KeyObject {
  let key: KeyObject;
  try {
    key = text.includes('BEGIN PUBLIC KEY')
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new Error('SENDGRID_WEBHOOK_PUBLIC_KEY is not a public key (expected base64 DER SPKI or PEM)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('SENDGRID_WEBHOOK_PUBLIC_KEY must be an ECDSA P-256 key');
  }
  return key;
}

/**
 * Verifies SendGrid's signature over the timestamp header followed by the raw
 * body bytes. ECDSA has no secret to compare: verification is the check.
 */
export function verifySendgridSignature(
  publicKey: KeyObject,
  timestamp: string,
  rawBody: Buffer,
  signatureBase64: string,
): boolean {
  if (!SIGNATURE_BASE64.test(signatureBase64)) return false;
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]),
      publicKey,
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    // Not a DER signature at all.
    return false;
  }
}

const eventEnvelopeSchema = z.looseObject({ event: z.string() });

// Fields every mapped event needs. Schemas are not strict: SendGrid adds fields,
// and custom args arrive as extra top-level keys.
const mappedEventSchema = z.object({
  event: z.string(),
  email: z.string().min(1).max(320),
  timestamp: unixSecondsSchema,
  sg_event_id: z.string().min(1).max(256),
  sg_message_id: z.string().max(256).optional(),
});

const openEventSchema = mappedEventSchema.extend({ sg_machine_open: z.boolean().optional() });
const clickEventSchema = mappedEventSchema.extend({ url: z.string().max(8192).optional() });
const bounceEventSchema = mappedEventSchema.extend({
  type: z.string().max(50).optional(),
  bounce_classification: z.string().max(100).optional(),
  status: z.string().max(20).optional(),
});
const droppedEventSchema = mappedEventSchema.extend({ reason: z.string().max(200).optional() });
const groupUnsubscribeEventSchema = mappedEventSchema.extend({ asm_group_id: z.number().int().optional() });

/** Events that are no lead signal, with the reason (kept out of the inbox on purpose). */
const IGNORED_EVENTS: Record<string, string> = {
  // SendGrid accepted the message; the lead did nothing yet.
  processed: 'processed: accepted by SendGrid, not a lead signal',
  // The receiving server asked SendGrid to retry; a delivery, bounce or drop follows.
  deferred: 'deferred: SendGrid retries, the outcome follows',
  // Re-subscribing to one group is not consent to resume a nurture; consent is recorded with the lead.
  group_resubscribe: 'group_resubscribe: consent is not inferred from a webhook',
  account_status_change: 'account_status_change: about the sender account, not a lead',
};

function mapEvent(raw: z.output<typeof eventEnvelopeSchema>, index: number): ProviderEvent | string {
  const ignoredReason = IGNORED_EVENTS[raw.event];
  if (ignoredReason !== undefined) return ignoredReason;

  const base = (
    parsed: z.output<typeof mappedEventSchema>,
  ): Pick<ProviderEvent, 'source' | 'externalId' | 'occurredAt' | 'match'> => ({
    source: 'sendgrid',
    externalId: parsed.sg_event_id,
    occurredAt: isoFromUnixSeconds(parsed.timestamp),
    match: matchOf(correlationFrom(raw), { email: parsed.email }),
  });
  const messageData = (parsed: z.output<typeof mappedEventSchema>): ProviderEventData => ({
    providerMessageId: parsed.sg_message_id ?? null,
  });

  switch (raw.event) {
    case 'delivered': {
      const parsed = parsePayloadAt(mappedEventSchema, raw, [index]);
      return { ...base(parsed), type: 'email.delivered', data: messageData(parsed) };
    }
    case 'open': {
      const parsed = parsePayloadAt(openEventSchema, raw, [index]);
      // Apple Mail Privacy Protection prefetches images: recorded, but the engine must not score it.
      return {
        ...base(parsed),
        type: 'email.opened',
        data: { ...messageData(parsed), machineOpen: parsed.sg_machine_open === true },
      };
    }
    case 'click': {
      const parsed = parsePayloadAt(clickEventSchema, raw, [index]);
      return {
        ...base(parsed),
        type: 'email.clicked',
        data: { ...messageData(parsed), url: parsed.url === undefined ? null : linkWithoutQuery(parsed.url) },
      };
    }
    case 'bounce': {
      const parsed = parsePayloadAt(bounceEventSchema, raw, [index]);
      // type=blocked is a temporary refusal (often reputation or content), not a
      // bad address: the engine must not suppress on it. Older payloads carry no
      // type; SendGrid documents type=bounce as the hard bounce, so that is the default.
      return {
        ...base(parsed),
        type: 'email.bounced',
        data: {
          ...messageData(parsed),
          bounceType: parsed.type === 'blocked' ? 'blocked' : 'bounce',
          classification: parsed.bounce_classification ?? null,
          smtpStatus: parsed.status ?? null,
        },
      };
    }
    case 'dropped': {
      const parsed = parsePayloadAt(droppedEventSchema, raw, [index]);
      // SendGrid refused to send (bounced, unsubscribed or spam-reporting address,
      // invalid, over quota): the message never left, so it behaves like a bounce.
      // The reason is one of SendGrid's fixed phrases, not the recipient's data.
      return {
        ...base(parsed),
        type: 'email.bounced',
        data: { ...messageData(parsed), bounceType: 'dropped', reason: parsed.reason ?? null },
      };
    }
    case 'spamreport': {
      const parsed = parsePayloadAt(mappedEventSchema, raw, [index]);
      return { ...base(parsed), type: 'email.spam_reported', data: messageData(parsed) };
    }
    case 'unsubscribe': {
      const parsed = parsePayloadAt(mappedEventSchema, raw, [index]);
      // "Opt Out of All Emails": SendGrid's global unsubscribe list.
      return {
        ...base(parsed),
        type: 'email.unsubscribed',
        data: { ...messageData(parsed), scope: 'global', source: 'sendgrid global unsubscribe' },
      };
    }
    case 'group_unsubscribe': {
      const parsed = parsePayloadAt(groupUnsubscribeEventSchema, raw, [index]);
      return {
        ...base(parsed),
        type: 'email.unsubscribed',
        data: {
          ...messageData(parsed),
          scope: 'group',
          asmGroupId: parsed.asm_group_id ?? null,
          source: 'sendgrid group unsubscribe',
        },
      };
    }
    default:
      return `${raw.event.slice(0, 40)}: not a lead signal`;
  }
}

/** Maps a verified batch. Unknown event types are ignored; a known one missing its fields is a 400. */
export function mapSendgridEvents(payload: unknown): WebhookResult {
  const batch = parsePayload(z.array(eventEnvelopeSchema), payload);
  const result: WebhookResult = { events: [], ignored: [] };
  batch.forEach((raw, index) => {
    const mapped = mapEvent(raw, index);
    if (typeof mapped === 'string') result.ignored.push(mapped);
    else result.events.push(mapped);
  });
  return result;
}

export interface SendgridWebhookConfig {
  publicKey: KeyObject;
  maxAgeMs: number;
  now: () => number;
}

export function createSendgridWebhook(config: SendgridWebhookConfig): WebhookHandler {
  // Checks are synchronous; a throw in the executor becomes the handler's rejection.
  return (request) =>
    new Promise((resolve) => {
      resolve(verifiedSendgridBatch(config, request));
    });
}

function verifiedSendgridBatch(config: SendgridWebhookConfig, request: WebhookRequest): WebhookResult {
  const signature = request.header(SENDGRID_SIGNATURE_HEADER)?.trim();
  const timestamp = request.header(SENDGRID_TIMESTAMP_HEADER)?.trim();
  if (signature === undefined || signature === '' || timestamp === undefined || timestamp === '') {
    throw missingSignature(
      'sendgrid',
      `the ${SENDGRID_SIGNATURE_HEADER} and ${SENDGRID_TIMESTAMP_HEADER} headers`,
    );
  }
  const signedAtMs = signedTimestampMs(timestamp);
  if (
    signedAtMs === undefined ||
    !verifySendgridSignature(config.publicKey, timestamp, request.rawBody, signature)
  ) {
    throw invalidSignature('sendgrid');
  }
  if (!isFresh(signedAtMs, config.now(), config.maxAgeMs)) throw staleSignature('sendgrid', config.maxAgeMs);

  // A batch delivered again (SendGrid retries when an answer is lost) is mapped
  // and ingested like the first time: the inbox stores each sg_event_id once and
  // signals nothing it signalled before. A copy by anyone else is the same
  // bytes, so it can carry nothing SendGrid did not send.
  return mapSendgridEvents(parseJsonBody(request.rawBody));
}
