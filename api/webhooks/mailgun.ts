import { z } from 'zod';
import { correlationFrom, matchOf } from './correlation';
import type { ProviderEvent, ProviderEventData } from './provider-event';
import { checkMailgunSignature, guardMailgunToken, type MailgunSignatureConfig } from './mailgun-signature';
import { missingSignature } from './webhook-problems';
import {
  isoFromUnixSeconds,
  linkWithoutQuery,
  parsePayload,
  unixSecondsSchema,
  type WebhookHandler,
  type WebhookResult,
} from './webhook-request';

/**
 * Mailgun webhooks: one JSON event per POST, `{ signature: { timestamp, token,
 * signature }, "event-data": {…} }`, signature = hex HMAC-SHA256(signing key,
 * timestamp + token). The signature does NOT cover event-data, so a captured
 * token could be reused with any payload: each token is bound to the body it
 * first came with (replay guard; the same body again is a redelivery and
 * accepted) and only while its timestamp is fresh, which is what Mailgun advises.
 * The signature lives in the body, so the body is parsed before it is
 * authenticated; nothing in it is used until the signature holds.
 */
const signatureBlockSchema = z.object({
  timestamp: z.union([z.string(), z.number()]).transform(String),
  token: z.string().min(1).max(200),
  signature: z.string(),
  // Events of a subaccount's domain are also signed with the parent account's key.
  'parent-signature': z.string().optional(),
});

const signedBodySchema = z.object({ signature: signatureBlockSchema });

export { computeMailgunSignature } from './mailgun-signature';

const eventDataSchema = z.object({
  event: z.string(),
  id: z.string().min(1).max(200),
  timestamp: unixSecondsSchema,
  recipient: z.string().min(1).max(320).optional(),
  severity: z.string().max(40).optional(),
  reason: z.string().max(100).optional(),
  url: z.string().max(8192).optional(),
  'user-variables': z.record(z.string(), z.unknown()).optional(),
  message: z
    .object({ headers: z.object({ 'message-id': z.string().max(500).optional() }).optional() })
    .optional(),
  'delivery-status': z.object({ code: z.number().int().optional() }).optional(),
});

const eventBodySchema = z.object({ 'event-data': eventDataSchema });

type MailgunEventData = z.output<typeof eventDataSchema>;

function mapEventData(eventData: MailgunEventData): ProviderEvent | string {
  const base = {
    source: 'mailgun',
    externalId: eventData.id,
    occurredAt: isoFromUnixSeconds(eventData.timestamp),
    match: matchOf(
      correlationFrom(eventData['user-variables']),
      eventData.recipient === undefined ? {} : { email: eventData.recipient },
    ),
  } as const;
  const messageData: ProviderEventData = {
    providerMessageId: eventData.message?.headers?.['message-id'] ?? null,
  };
  switch (eventData.event) {
    case 'delivered':
      return { ...base, type: 'email.delivered', data: messageData };
    case 'opened':
      return { ...base, type: 'email.opened', data: messageData };
    case 'clicked':
      return {
        ...base,
        type: 'email.clicked',
        data: { ...messageData, url: eventData.url === undefined ? null : linkWithoutQuery(eventData.url) },
      };
    case 'failed': {
      // Temporary failures are retried by Mailgun (like SendGrid's deferred); only
      // a permanent one is an outcome. Mailgun's suppress-* reasons mean it did not
      // even try (address already bounced, unsubscribed or complained): a drop.
      if (eventData.severity !== 'permanent') return 'failed (temporary): Mailgun retries';
      const reason = eventData.reason ?? null;
      return {
        ...base,
        type: 'email.bounced',
        data: {
          ...messageData,
          bounceType: reason?.startsWith('suppress-') === true ? 'dropped' : 'bounce',
          reason,
          smtpCode: eventData['delivery-status']?.code ?? null,
        },
      };
    }
    case 'unsubscribed':
      // Mailgun keeps unsubscribes per sending domain (optionally per tag), not account-wide.
      return {
        ...base,
        type: 'email.unsubscribed',
        data: { ...messageData, scope: 'domain', source: 'mailgun unsubscribe' },
      };
    case 'complained':
      return { ...base, type: 'email.spam_reported', data: messageData };
    default:
      // accepted, stored, rejected… are about the sender's side, not the lead.
      return `${eventData.event.slice(0, 40)}: not a lead signal`;
  }
}

export function mapMailgunPayload(body: unknown): WebhookResult {
  const mapped = mapEventData(parsePayload(eventBodySchema, body)['event-data']);
  return typeof mapped === 'string' ? { events: [], ignored: [mapped] } : { events: [mapped], ignored: [] };
}

export type MailgunWebhookConfig = MailgunSignatureConfig;

export function createMailgunWebhook(config: MailgunWebhookConfig): WebhookHandler {
  return async (request) => {
    let body: unknown;
    try {
      const parsed: unknown = JSON.parse(request.rawBody.toString('utf8'));
      body = parsed;
    } catch {
      // Without a readable body there is no signature block to check.
      throw missingSignature('mailgun', 'a JSON body with a signature object');
    }
    const signed = signedBodySchema.safeParse(body);
    if (!signed.success)
      throw missingSignature('mailgun', 'a signature object (timestamp, token, signature)');
    const block = signed.data.signature;
    const signedAtMs = checkMailgunSignature(config, {
      ...block,
      parentSignature: block['parent-signature'],
    });
    const result = mapMailgunPayload(body);
    await guardMailgunToken(config, block.token, signedAtMs, request.rawBody);
    return result;
  };
}
