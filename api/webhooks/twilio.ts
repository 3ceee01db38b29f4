import { z } from 'zod';
import { canonicalSmsFailure } from './carrier-opt-out';
import { correlationFrom, matchOf, TWILIO_CALLBACK_QUERY_KEYS } from './correlation';
import {
  bodyMatchesSha256,
  bodySha256Of,
  hashOfSettings,
  parseFormParams,
  TWILIO_SIGNATURE_HEADER,
  TWILIO_SIGNATURE_SETTINGS_HEADER,
  verifyTwilioSignature,
  type FormParams,
} from './twilio-signature';
import { invalidSignature, missingSignature, notConfigured } from './webhook-problems';
import {
  parseJsonBody,
  parsePayload,
  type WebhookHandler,
  type WebhookRequest,
  type WebhookResult,
} from './webhook-request';

/**
 * Twilio Messaging webhooks (incoming message, outbound status callback),
 * verified as twilio-signature.ts describes: the classic HMAC-SHA1 signature
 * with the Auth Token, or a SharedKey signature (HMAC-SHA1 or HMAC-SHA256)
 * named by X-Twilio-Webhooks-Signature-Settings; form bodies, or JSON bodies
 * hashed into the signed URL (bodySHA256). Neither scheme has a timestamp and
 * both are deterministic, so a replayed request is byte-identical to a Twilio
 * retry: it cannot be refused without refusing retries, and the stable
 * externalId (MessageSid) lets the inbox store it once.
 */

/** Twilio's default opt-out words (and the brief's table): matched on the whole trimmed body. */
export const TWILIO_OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
] as const;
export const TWILIO_OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
export const TWILIO_HELP_KEYWORDS = ['HELP', 'INFO'] as const;

export type InboundSmsIntent =
  | { kind: 'opted_out'; keyword: string }
  | { kind: 'opted_in'; keyword: string }
  | { kind: 'help'; keyword: string }
  | { kind: 'reply' };

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return list.some((item) => item === value);
}

/**
 * What an inbound SMS means. Twilio's OptOutType (Advanced Opt-Out, which may
 * have custom or localised keywords) wins when present; otherwise the whole
 * trimmed body is matched case-insensitively, so "stop texting me" is a reply.
 */
export function classifyInboundSms(body: string, optOutType: string | undefined): InboundSmsIntent {
  const declared = optOutType?.trim().toUpperCase();
  if (declared === 'STOP') return { kind: 'opted_out', keyword: 'STOP' };
  if (declared === 'START') return { kind: 'opted_in', keyword: 'START' };
  if (declared === 'HELP') return { kind: 'help', keyword: 'HELP' };
  const word = body.trim().toUpperCase();
  if (isOneOf(TWILIO_OPT_OUT_KEYWORDS, word)) return { kind: 'opted_out', keyword: word };
  if (isOneOf(TWILIO_OPT_IN_KEYWORDS, word)) return { kind: 'opted_in', keyword: word };
  if (isOneOf(TWILIO_HELP_KEYWORDS, word)) return { kind: 'help', keyword: word };
  return { kind: 'reply' };
}

// One SMS segment: enough for the engine to read a short answer, not a transcript.
export const SMS_REPLY_TEXT_LIMIT = 160;

const messageSid = z.string().regex(/^[A-Z]{2}[0-9A-Za-z]{32}$/, 'must be a Twilio message SID');

const inboundMessageSchema = z.object({
  MessageSid: messageSid,
  From: z.string().min(1).max(100),
  Body: z.string().default(''),
  OptOutType: z.string().optional(),
});

const statusCallbackSchema = z.object({
  MessageSid: messageSid,
  MessageStatus: z.string().min(1).max(40),
  To: z.string().min(1).max(100).optional(),
  ErrorCode: z.string().max(20).optional(),
});

/** Last value wins for the fields read here; the signature covered all of them. */
function fieldsOf(params: FormParams): Record<string, string> {
  return Object.fromEntries(params);
}

export function mapInboundMessage(params: FormParams, receivedAt: string): WebhookResult {
  const message = parsePayload(inboundMessageSchema, fieldsOf(params));
  const intent = classifyInboundSms(message.Body, message.OptOutType);
  const base = {
    source: 'twilio',
    externalId: message.MessageSid,
    // Twilio sends no event time; it calls the webhook as the message arrives.
    occurredAt: receivedAt,
    match: matchOf({}, { phone: message.From }),
  } as const;
  switch (intent.kind) {
    case 'opted_out':
      return {
        events: [
          {
            ...base,
            type: 'sms.opted_out',
            // The lead's own STOP, as against the carrier's 21610 (carrier-opt-out.ts).
            data: { keyword: intent.keyword, source: `sms ${intent.keyword}`, reportedBy: 'lead' },
          },
        ],
        ignored: [],
      };
    case 'opted_in':
      return {
        events: [
          {
            ...base,
            type: 'sms.opted_in',
            data: { keyword: intent.keyword, source: `sms ${intent.keyword}` },
          },
        ],
        ignored: [],
      };
    case 'help':
      // Twilio (or the carrier) answers HELP itself; it says nothing about interest.
      return { events: [], ignored: [`${intent.keyword} keyword: answered by Twilio, no lead event`] };
    case 'reply':
      return {
        events: [
          {
            ...base,
            type: 'sms.replied',
            // By code point, so an emoji is never cut in half.
            data: { text: Array.from(message.Body.trim()).slice(0, SMS_REPLY_TEXT_LIMIT).join('') },
          },
        ],
        ignored: [],
      };
  }
}

export function mapStatusCallback(
  params: FormParams,
  originalUrl: string,
  receivedAt: string,
): WebhookResult {
  const status = parsePayload(statusCallbackSchema, fieldsOf(params));
  // The service puts leadId/touchKey on the StatusCallback URL it gives Twilio.
  const queryStart = originalUrl.indexOf('?');
  const query = Object.fromEntries(
    new URLSearchParams(queryStart === -1 ? '' : originalUrl.slice(queryStart + 1)),
  );
  const base = {
    source: 'twilio',
    externalId: `${status.MessageSid}:${status.MessageStatus}`,
    occurredAt: receivedAt,
    match: matchOf(correlationFrom(query, TWILIO_CALLBACK_QUERY_KEYS), {
      ...(status.To === undefined ? {} : { phone: status.To }),
    }),
  } as const;
  switch (status.MessageStatus) {
    case 'delivered':
      return { events: [{ ...base, type: 'sms.delivered', data: {} }], ignored: [] };
    case 'failed':
    case 'undelivered': {
      const errorCode =
        status.ErrorCode !== undefined && /^\d+$/.test(status.ErrorCode) ? Number(status.ErrorCode) : null;
      // 21610 is the recipient's STOP, reported by the carrier: sms.opted_out, not a failure.
      const failure = canonicalSmsFailure({ status: status.MessageStatus, errorCode });
      return { events: [{ ...base, ...failure }], ignored: [] };
    }
    default:
      // queued, sending, sent, accepted, scheduled, read…: progress, not an outcome.
      return { events: [], ignored: [`${status.MessageStatus.slice(0, 40)}: not a final outcome`] };
  }
}

export interface TwilioWebhookConfig {
  authToken: string;
  /** TWILIO_WEBHOOK_SHARED_KEY_SECRET: the SharedKey secrets Twilio may sign with (several during a rotation). */
  sharedKeySecrets: readonly string[];
  publicBaseUrl: string;
  now: () => number;
}

export const TWILIO_SHARED_KEY_VARIABLE = 'TWILIO_WEBHOOK_SHARED_KEY_SECRET';

/** A JSON body's top-level scalars, as the form parameters they stand for. */
function jsonFields(rawBody: Buffer): FormParams {
  const body = parseJsonBody(rawBody);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  return Object.entries(body).flatMap(([name, value]): FormParams =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? [[name, String(value)]]
      : [],
  );
}

function verifiedParams(config: TwilioWebhookConfig, request: WebhookRequest): FormParams {
  const signature = request.header(TWILIO_SIGNATURE_HEADER)?.trim();
  if (signature === undefined || signature === '') {
    throw missingSignature('twilio', `the ${TWILIO_SIGNATURE_HEADER} header`);
  }
  const settings = request.header(TWILIO_SIGNATURE_SETTINGS_HEADER)?.trim();
  const sharedKey = settings !== undefined && settings !== '';
  if (sharedKey && config.sharedKeySecrets.length === 0) {
    throw notConfigured('twilio', [TWILIO_SHARED_KEY_VARIABLE]);
  }
  const keys = sharedKey ? config.sharedKeySecrets : [config.authToken];
  const hash = sharedKey ? hashOfSettings(settings) : 'sha1';
  if (hash === undefined) throw invalidSignature('twilio');
  const verify = (params: FormParams) =>
    verifyTwilioSignature(keys, config.publicBaseUrl, request.originalUrl, params, signature, hash);

  const bodySha256 = bodySha256Of(request.originalUrl);
  if (bodySha256 !== undefined) {
    // Both are checked whatever the first says, so timing does not tell which failed.
    const urlSigned = verify([]);
    const bodyHashed = bodyMatchesSha256(request.rawBody, bodySha256);
    if (!urlSigned || !bodyHashed) throw invalidSignature('twilio');
    return jsonFields(request.rawBody);
  }
  const params = parseFormParams(request.rawBody);
  if (!verify(params)) throw invalidSignature('twilio');
  return params;
}

export function createTwilioInboundWebhook(config: TwilioWebhookConfig): WebhookHandler {
  return (request) => {
    const params = verifiedParams(config, request);
    return Promise.resolve(mapInboundMessage(params, new Date(config.now()).toISOString()));
  };
}

export function createTwilioStatusWebhook(config: TwilioWebhookConfig): WebhookHandler {
  return (request) => {
    const params = verifiedParams(config, request);
    return Promise.resolve(
      mapStatusCallback(params, request.originalUrl, new Date(config.now()).toISOString()),
    );
  };
}

/** Checked at start so a bad PUBLIC_BASE_URL stops the process instead of failing every request. */
export function assertPublicBaseUrl(publicBaseUrl: string): void {
  let url: URL;
  try {
    url = new URL(publicBaseUrl);
  } catch {
    throw new Error('PUBLIC_BASE_URL must be an absolute URL such as https://api.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('PUBLIC_BASE_URL must be an http(s) URL');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new Error('PUBLIC_BASE_URL must not carry a query string or fragment');
  }
}
