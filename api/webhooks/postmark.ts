import { createHash } from 'node:crypto';
import { z } from 'zod';
import { correlationFrom, matchOf } from './correlation';
import type {
  ProviderEvent,
  ProviderEventData,
  ProviderEventEnvelope,
  ProviderEventWith,
} from './provider-event';
import { constantTimeStringEqual } from './signature-checks';
import { invalidCredentials, missingCredentials } from './webhook-problems';
import {
  isoInstantSchema,
  linkWithoutQuery,
  parseJsonBody,
  parsePayload,
  type WebhookHandler,
  type WebhookResult,
} from './webhook-request';

/**
 * Postmark webhooks, one JSON record per POST, told apart by RecordType.
 * Postmark signs nothing: the webhook URL carries HTTP Basic credentials
 * (https://user:password@host/…), checked here in constant time. Credentials
 * are static, so a replay cannot be told from a Postmark retry; the stable
 * externalId lets the inbox drop it.
 */
export const POSTMARK_AUTH_CHALLENGE = 'Basic realm="postmark-webhook", charset="UTF-8"';

export type BasicAuthOutcome = 'missing' | 'invalid' | 'valid';

export function checkBasicAuth(
  authorization: string | undefined,
  expected: { user: string; password: string },
): BasicAuthOutcome {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  const encoded = match?.[1];
  if (encoded === undefined) return 'missing';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator === -1) return 'invalid';
  // Both parts are always compared, so timing does not tell which one was wrong.
  const userMatches = constantTimeStringEqual(decoded.slice(0, separator), expected.user);
  const passwordMatches = constantTimeStringEqual(decoded.slice(separator + 1), expected.password);
  return userMatches && passwordMatches ? 'valid' : 'invalid';
}

const recordTypeSchema = z.object({ RecordType: z.string() });

const metadataSchema = z.record(z.string(), z.unknown()).nullish();
const messageIdSchema = z.string().min(1).max(200);
const addressSchema = z.string().min(1).max(320);

const deliverySchema = z.object({
  MessageID: messageIdSchema,
  Recipient: addressSchema,
  DeliveredAt: isoInstantSchema,
  Metadata: metadataSchema,
});
const bounceSchema = z.object({
  MessageID: messageIdSchema,
  Type: z.string().max(60),
  Email: addressSchema,
  BouncedAt: isoInstantSchema,
  Inactive: z.boolean().optional(),
  Metadata: metadataSchema,
});
const spamComplaintSchema = z.object({
  MessageID: messageIdSchema,
  Email: addressSchema,
  BouncedAt: isoInstantSchema,
  Metadata: metadataSchema,
});
const openSchema = z.object({
  MessageID: messageIdSchema,
  Recipient: addressSchema,
  ReceivedAt: isoInstantSchema,
  FirstOpen: z.boolean().optional(),
  Metadata: metadataSchema,
});
const clickSchema = z.object({
  MessageID: messageIdSchema,
  Recipient: addressSchema,
  ReceivedAt: isoInstantSchema,
  OriginalLink: z.string().max(8192).optional(),
  Metadata: metadataSchema,
});
const subscriptionChangeSchema = z.object({
  // Null for suppressions made by hand or through the API.
  MessageID: messageIdSchema.nullish(),
  Recipient: addressSchema,
  ChangedAt: isoInstantSchema,
  SuppressSending: z.boolean(),
  SuppressionReason: z.string().max(60).nullish(),
  Origin: z.string().max(60).nullish(),
  Metadata: metadataSchema,
});

/**
 * Postmark bounce types that decide something. Hard bounces are bad addresses
 * (suppress); Blocked, DMARCPolicy and SpamNotification are refusals of this
 * message, not of the address (do not suppress); ManuallyDeactivated means
 * Postmark will not send at all (a drop). Transient, SoftBounce and DnsError
 * are retried by Postmark; auto-responders, challenges and the like are noise.
 */
const BOUNCE_TYPES: Record<string, 'bounce' | 'blocked' | 'dropped'> = {
  HardBounce: 'bounce',
  BadEmailAddress: 'bounce',
  Blocked: 'blocked',
  DMARCPolicy: 'blocked',
  SpamNotification: 'blocked',
  ManuallyDeactivated: 'dropped',
};

function matchFor(
  metadata: Record<string, unknown> | null | undefined,
  email: string,
): ProviderEvent['match'] {
  return matchOf(correlationFrom(metadata ?? undefined), { email });
}

// Without a MessageID (manual suppressions) the recipient tells records apart;
// hashed because the id is stored in clear and must not hold an address.
function recipientDigest(recipient: string): string {
  return createHash('sha256').update(recipient.toLowerCase()).digest('hex').slice(0, 16);
}

export function mapPostmarkPayload(body: unknown): WebhookResult {
  const { RecordType: recordType } = parsePayload(recordTypeSchema, body);
  const ignore = (reason: string): WebhookResult => ({ events: [], ignored: [reason] });
  const one = (event: ProviderEventWith<Omit<ProviderEventEnvelope, 'source'>>): WebhookResult => ({
    events: [{ source: 'postmark', ...event }],
    ignored: [],
  });
  const messageData = (messageId: string): ProviderEventData => ({ providerMessageId: messageId });

  switch (recordType) {
    case 'Delivery': {
      const record = parsePayload(deliverySchema, body);
      return one({
        externalId: `Delivery:${record.MessageID}:${record.DeliveredAt}`,
        type: 'email.delivered',
        occurredAt: record.DeliveredAt,
        match: matchFor(record.Metadata, record.Recipient),
        data: messageData(record.MessageID),
      });
    }
    case 'Bounce': {
      const record = parsePayload(bounceSchema, body);
      const base = {
        externalId: `Bounce:${record.MessageID}:${record.BouncedAt}`,
        occurredAt: record.BouncedAt,
        match: matchFor(record.Metadata, record.Email),
      };
      // An "Unsubscribe" bounce is the recipient replying to ask to be removed.
      if (record.Type === 'Unsubscribe') {
        return one({
          ...base,
          type: 'email.unsubscribed',
          data: { ...messageData(record.MessageID), scope: 'reply', source: 'postmark unsubscribe reply' },
        });
      }
      const bounceType = BOUNCE_TYPES[record.Type];
      if (bounceType === undefined) return ignore(`Bounce ${record.Type.slice(0, 40)}: not an outcome`);
      return one({
        ...base,
        type: 'email.bounced',
        data: {
          ...messageData(record.MessageID),
          bounceType,
          postmarkType: record.Type,
          // Whether Postmark itself stopped sending to the address.
          inactive: record.Inactive ?? null,
        },
      });
    }
    case 'SpamComplaint': {
      const record = parsePayload(spamComplaintSchema, body);
      return one({
        externalId: `SpamComplaint:${record.MessageID}:${record.BouncedAt}`,
        type: 'email.spam_reported',
        occurredAt: record.BouncedAt,
        match: matchFor(record.Metadata, record.Email),
        data: messageData(record.MessageID),
      });
    }
    case 'Open': {
      const record = parsePayload(openSchema, body);
      return one({
        externalId: `Open:${record.MessageID}:${record.ReceivedAt}`,
        type: 'email.opened',
        occurredAt: record.ReceivedAt,
        match: matchFor(record.Metadata, record.Recipient),
        data: { ...messageData(record.MessageID), firstOpen: record.FirstOpen ?? null },
      });
    }
    case 'Click': {
      const record = parsePayload(clickSchema, body);
      return one({
        externalId: `Click:${record.MessageID}:${record.ReceivedAt}`,
        type: 'email.clicked',
        occurredAt: record.ReceivedAt,
        match: matchFor(record.Metadata, record.Recipient),
        data: {
          ...messageData(record.MessageID),
          url: record.OriginalLink === undefined ? null : linkWithoutQuery(record.OriginalLink),
        },
      });
    }
    case 'SubscriptionChange': {
      const record = parsePayload(subscriptionChangeSchema, body);
      // A reactivation is the sender's decision, not the lead's consent.
      if (!record.SuppressSending) return ignore('SubscriptionChange reactivation: consent is not inferred');
      // Hard bounces and spam complaints arrive as their own Bounce and
      // SpamComplaint records; mapping the suppression too would count them twice.
      if (record.SuppressionReason !== 'ManualSuppression') {
        return ignore(
          `SubscriptionChange ${String(record.SuppressionReason).slice(0, 40)}: reported by its own record`,
        );
      }
      const messageId = record.MessageID ?? `recipient-${recipientDigest(record.Recipient)}`;
      return one({
        externalId: `SubscriptionChange:${messageId}:${record.ChangedAt}`,
        type: 'email.unsubscribed',
        occurredAt: record.ChangedAt,
        match: matchFor(record.Metadata, record.Recipient),
        data: {
          providerMessageId: record.MessageID ?? null,
          // Postmark suppresses per message stream.
          scope: 'stream',
          origin: record.Origin ?? null,
          source: 'postmark unsubscribe',
        },
      });
    }
    default:
      // Inbound mail and anything new Postmark adds.
      return ignore(`${recordType.slice(0, 40)}: not mapped`);
  }
}

export function createPostmarkWebhook(config: { user: string; password: string }): WebhookHandler {
  return (request) => {
    const outcome = checkBasicAuth(request.header('Authorization'), config);
    if (outcome === 'missing') throw missingCredentials('postmark');
    if (outcome === 'invalid') throw invalidCredentials('postmark');
    return Promise.resolve(mapPostmarkPayload(parseJsonBody(request.rawBody)));
  };
}
