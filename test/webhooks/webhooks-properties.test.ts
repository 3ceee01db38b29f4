import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { z } from 'zod';
import { computeTwilioSignature } from '../../api/webhooks/twilio-signature';
import { leadEventTypeSchema } from '../../workflows/lead-event';
import {
  fixtureText,
  NOW_SECONDS,
  PUBLIC_BASE_URL,
  startWebhookServer,
  TEST_SECRETS,
  type TestResponse,
  type WebhookTestServer,
} from './webhook-test-server';

/**
 * Whatever arrives (random bytes, random headers, provider-shaped junk, and
 * the same correctly signed so the parsing and mapping paths run), an endpoint
 * with a working ingest never answers 5xx, every error is problem+json, and
 * every event handed to ingest is well formed.
 */

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

const ENDPOINTS = [
  '/webhooks/sendgrid',
  '/webhooks/twilio/sms',
  '/webhooks/twilio/status?leadId=crm-1&touchKey=k',
  '/webhooks/calcom',
  '/webhooks/calendly',
  '/webhooks/mailgun',
  '/webhooks/postmark',
] as const;
type Endpoint = (typeof ENDPOINTS)[number];

const HEADER_NAMES = [
  'content-type',
  'content-encoding',
  'authorization',
  'x-twilio-signature',
  'x-twilio-email-event-webhook-signature',
  'x-twilio-email-event-webhook-timestamp',
  'x-cal-signature-256',
  'calendly-webhook-signature',
  'x-request-id',
  'x-anything',
];

const headerValue = fc.stringMatching(/^[\x21-\x7e]{0,80}$/);
const randomHeaders = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 5 });

const timestampish = fc.oneof(
  fc.integer({ min: -1, max: 4_000_000_000 }),
  fc.double(),
  fc.constant('2026-11-24T10:00:00Z'),
  fc.string({ maxLength: 30 }),
);

/** Shapes close to the providers' own, so schema edges are hit, not just "not JSON". */
const providerShaped = fc.oneof(
  fc.array(
    fc.record(
      {
        event: fc.constantFrom(
          'delivered',
          'open',
          'click',
          'bounce',
          'dropped',
          'spamreport',
          'unsubscribe',
          'group_unsubscribe',
          'processed',
          'x',
        ),
        email: fc.oneof(fc.emailAddress(), fc.string()),
        timestamp: timestampish,
        sg_event_id: fc.string({ maxLength: 300 }),
        sg_machine_open: fc.oneof(fc.boolean(), fc.string()),
        type: fc.string(),
        url: fc.oneof(fc.webUrl(), fc.string()),
        asm_group_id: fc.oneof(fc.integer(), fc.double()),
        lead_id: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 4 },
  ),
  fc.record(
    {
      triggerEvent: fc.constantFrom('BOOKING_CREATED', 'BOOKING_CANCELLED', 'BOOKING_RESCHEDULED', 'PING'),
      createdAt: timestampish,
      payload: fc.record(
        {
          uid: fc.string(),
          startTime: timestampish,
          attendees: fc.array(fc.record({ email: fc.string() }, { requiredKeys: [] })),
          metadata: fc.dictionary(fc.string(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      event: fc.constantFrom('invitee.created', 'invitee.canceled', 'other'),
      created_at: timestampish,
      payload: fc.record(
        {
          uri: fc.string(),
          email: fc.string(),
          rescheduled: fc.oneof(fc.boolean(), fc.string()),
          old_invitee: fc.oneof(fc.constant(null), fc.string()),
          scheduled_event: fc.record({ start_time: timestampish }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      RecordType: fc.constantFrom(
        'Delivery',
        'Bounce',
        'SpamComplaint',
        'Open',
        'Click',
        'SubscriptionChange',
        'Inbound',
      ),
      MessageID: fc.oneof(fc.uuid(), fc.constant(null), fc.string()),
      Recipient: fc.string(),
      Email: fc.string(),
      Type: fc.constantFrom('HardBounce', 'Blocked', 'SoftBounce', 'Unsubscribe', 'x'),
      DeliveredAt: timestampish,
      BouncedAt: timestampish,
      ReceivedAt: timestampish,
      ChangedAt: timestampish,
      SuppressSending: fc.oneof(fc.boolean(), fc.string()),
      SuppressionReason: fc.string(),
      OriginalLink: fc.string(),
      Metadata: fc.dictionary(fc.string(), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
);

const mailgunEventData = fc.record(
  {
    event: fc.constantFrom(
      'delivered',
      'opened',
      'clicked',
      'failed',
      'unsubscribed',
      'complained',
      'accepted',
    ),
    id: fc.string(),
    timestamp: timestampish,
    recipient: fc.string(),
    severity: fc.constantFrom('permanent', 'temporary'),
    reason: fc.string(),
    url: fc.string(),
    'user-variables': fc.dictionary(fc.string(), fc.jsonValue()),
    'delivery-status': fc.record({ code: fc.oneof(fc.integer(), fc.string()) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const twilioParams = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom('MessageSid', 'From', 'To', 'Body', 'OptOutType', 'MessageStatus', 'ErrorCode'),
      fc.string({ maxLength: 10 }),
    ),
    fc.oneof(
      fc.constantFrom('SM1f0e8ae6ade43cb3c0ce4525424e404f', 'STOP', 'HELP', 'delivered', 'failed', '30003'),
      fc.string({ maxLength: 40 }),
    ),
  ),
  { maxLength: 8 },
);

const randomBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  providerShaped.map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

type PathStep = string | number;

/** Every path into a JSON value, a few levels deep. */
function pathsOf(value: unknown, prefix: PathStep[] = [], depth = 0): PathStep[][] {
  if (depth > 3 || typeof value !== 'object' || value === null) return [];
  const children: [PathStep, unknown][] = Array.isArray(value)
    ? value.map((child: unknown, index): [PathStep, unknown] => [index, child])
    : Object.entries(value);
  return children.flatMap(([key, child]) => [
    [...prefix, key],
    ...pathsOf(child, [...prefix, key], depth + 1),
  ]);
}

/** A copy of `value` with the thing at `path` replaced (or removed when `replacement` is undefined). */
function withChange(value: unknown, path: PathStep[], replacement: unknown): unknown {
  const [step, ...rest] = path;
  if (step === undefined) return replacement;
  if (Array.isArray(value)) {
    const copy: unknown[] = [...value];
    if (typeof step !== 'number') return copy;
    if (rest.length === 0 && replacement === undefined) copy.splice(step, 1);
    else copy[step] = withChange(copy[step], rest, replacement);
    return copy;
  }
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = { ...value };
  const key = String(step);
  if (rest.length === 0 && replacement === undefined) {
    return Object.fromEntries(Object.entries(copy).filter(([name]) => name !== key));
  }
  copy[key] = withChange(copy[key], rest, replacement);
  return copy;
}

/** A documented payload, as is or with up to three fields removed or replaced by random JSON. */
function mutatedFixture(name: string): fc.Arbitrary<unknown> {
  const base: unknown = JSON.parse(fixtureText(name));
  const paths = pathsOf(base);
  const change = fc.tuple(fc.constantFrom(...paths), fc.option(fc.jsonValue(), { nil: undefined }));
  return fc.oneof(
    fc.constant(base),
    fc
      .array(change, { minLength: 1, maxLength: 3 })
      .map((changes) =>
        changes.reduce<unknown>((value, [path, replacement]) => withChange(value, path, replacement), base),
      ),
  );
}

const documented = {
  sendgrid: fc.oneof(
    mutatedFixture('sendgrid-event-reference.json'),
    mutatedFixture('sendgrid-blocked.json'),
    mutatedFixture('sendgrid-machine-open.json'),
  ),
  calcom: fc.oneof(
    mutatedFixture('calcom-booking-created.json'),
    mutatedFixture('calcom-booking-cancelled.json'),
    mutatedFixture('calcom-booking-rescheduled.json'),
  ),
  calendly: fc.oneof(
    mutatedFixture('calendly-invitee-created.json'),
    mutatedFixture('calendly-invitee-canceled.json'),
    mutatedFixture('calendly-reschedule-canceled.json'),
    mutatedFixture('calendly-reschedule-created.json'),
  ),
  mailgun: fc.oneof(
    ...[
      'mailgun-delivered.json',
      'mailgun-failed-permanent.json',
      'mailgun-failed-temporary.json',
      'mailgun-opened.json',
      'mailgun-clicked.json',
      'mailgun-unsubscribed.json',
      'mailgun-complained.json',
    ].map((name) =>
      mutatedFixture(name).map((value) =>
        typeof value === 'object' && value !== null && 'event-data' in value ? value['event-data'] : value,
      ),
    ),
  ),
  postmark: fc.oneof(
    ...[
      'postmark-delivery.json',
      'postmark-bounce.json',
      'postmark-open.json',
      'postmark-click.json',
      'postmark-subscription-change.json',
      'postmark-spam-complaint.json',
    ].map(mutatedFixture),
  ),
  twilioSms: mutatedFixture('twilio-inbound-sms.json'),
  twilioStatus: fc.oneof(
    mutatedFixture('twilio-status-delivered.json'),
    mutatedFixture('twilio-status-undelivered.json'),
    mutatedFixture('twilio-status-sent.json'),
  ),
};

/** A mutated form fixture as Twilio parameters (values stringified as a form would carry them). */
function asParams(value: unknown): [string, string][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).map(([name, field]) => [
    name,
    typeof field === 'string' ? field : JSON.stringify(field),
  ]);
}

interface Attempt {
  endpoint: Endpoint;
  body: string | Buffer;
  headers: Record<string, string>;
}

/** The same random content, but authenticated the way each provider does it. */
function signedAttempt(endpoint: Endpoint): fc.Arbitrary<Attempt> {
  switch (endpoint) {
    case '/webhooks/sendgrid':
      return fc
        .oneof(
          randomBody,
          documented.sendgrid.map((value) => JSON.stringify(value)),
        )
        .map((body) => ({
          endpoint,
          body,
          headers: {
            'X-Twilio-Email-Event-Webhook-Signature': sign(
              'sha256',
              Buffer.concat([Buffer.from(NOW_SECONDS), Buffer.from(body)]),
              privateKey,
            ).toString('base64'),
            'X-Twilio-Email-Event-Webhook-Timestamp': NOW_SECONDS,
          },
        }));
    case '/webhooks/twilio/sms':
    case '/webhooks/twilio/status?leadId=crm-1&touchKey=k':
      return fc
        .oneof(
          twilioParams,
          (endpoint === '/webhooks/twilio/sms' ? documented.twilioSms : documented.twilioStatus).map(
            asParams,
          ),
        )
        .map((params) => ({
          endpoint,
          body: new URLSearchParams(params).toString(),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'X-Twilio-Signature': computeTwilioSignature(
              'twilio-test-auth-token',
              `${PUBLIC_BASE_URL}${endpoint}`,
              [...new URLSearchParams(new URLSearchParams(params).toString())],
            ),
          },
        }));
    case '/webhooks/calcom':
      return fc
        .oneof(
          randomBody,
          documented.calcom.map((value) => JSON.stringify(value, null, 2)),
        )
        .map((body) => ({
          endpoint,
          body,
          headers: {
            'X-Cal-Signature-256': createHmac('sha256', 'calcom-test-secret').update(body).digest('hex'),
          },
        }));
    case '/webhooks/calendly':
      return fc
        .oneof(
          randomBody,
          documented.calendly.map((value) => JSON.stringify(value)),
        )
        .map((body) => ({
          endpoint,
          body,
          headers: {
            'Calendly-Webhook-Signature': `t=${NOW_SECONDS},v1=${createHmac(
              'sha256',
              'calendly-test-signing-key',
            )
              .update(Buffer.concat([Buffer.from(`${NOW_SECONDS}.`), Buffer.from(body)]))
              .digest('hex')}`,
          },
        }));
    case '/webhooks/mailgun':
      return fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 50 }),
          fc.oneof(mailgunEventData, documented.mailgun, fc.jsonValue()),
        )
        .map(([token, eventData]) => ({
          endpoint,
          body: JSON.stringify({
            signature: {
              timestamp: NOW_SECONDS,
              token,
              signature: createHmac('sha256', 'mailgun-test-signing-key')
                .update(NOW_SECONDS + token)
                .digest('hex'),
            },
            'event-data': eventData,
          }),
          headers: { 'content-type': 'application/json' },
        }));
    case '/webhooks/postmark':
      return fc
        .oneof(
          randomBody,
          documented.postmark.map((value) => JSON.stringify(value)),
        )
        .map((body) => ({
          endpoint,
          body,
          headers: {
            authorization: `Basic ${Buffer.from('postmark-hooks:correct horse battery staple').toString('base64')}`,
          },
        }));
  }
}

const anyAttempt: fc.Arbitrary<Attempt> = fc.oneof(
  fc.record({ endpoint: fc.constantFrom(...ENDPOINTS), body: randomBody, headers: randomHeaders }),
  fc.constantFrom(...ENDPOINTS).chain(signedAttempt),
  // Signed, with random extra headers on top (content-type, content-encoding…).
  fc
    .tuple(fc.constantFrom(...ENDPOINTS).chain(signedAttempt), randomHeaders)
    .map(([attempt, extra]) => ({ ...attempt, headers: { ...extra, ...attempt.headers } })),
);

const providerEventSchema = z.strictObject({
  source: z.enum(['sendgrid', 'twilio', 'calcom', 'calendly', 'mailgun', 'postmark']),
  externalId: z.string().min(1),
  type: leadEventTypeSchema,
  occurredAt: z.iso.datetime(),
  match: z.strictObject({
    leadId: z.string().min(1).optional(),
    touchKey: z.string().min(1).optional(),
    email: z.string().min(1).optional(),
    phone: z.string().min(1).optional(),
  }),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

function expectWellFormedAnswer(endpoint: Endpoint, response: TestResponse): void {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: expect.stringMatching(/^https:\/\/durable-nurture\.dev\/problems\/[a-z-]+$/),
      title: expect.any(String),
      status: response.status,
    });
    return;
  }
  expect(response.status).toBe(200);
  if (endpoint === '/webhooks/twilio/sms') {
    expect(response.contentType).toMatch(/^text\/xml/);
    expect(response.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>(<Response\/>|<Response><!--[^]*?--><\/Response>)$/,
    );
  } else {
    expect(response.json()).toEqual({ received: expect.any(Number), ignored: expect.any(Number) });
  }
}

let server: WebhookTestServer;

beforeAll(async () => {
  server = await startWebhookServer({
    secrets: {
      ...TEST_SECRETS,
      sendgridPublicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    },
  });
});

afterAll(async () => {
  await server.close();
});

test('no request makes an endpoint answer 5xx; errors are problem+json; ingested events are well formed', async () => {
  await fc.assert(
    fc.asyncProperty(anyAttempt, async ({ endpoint, body, headers }) => {
      const before = server.ingested.length;
      const response = await server.post(endpoint, body, headers);
      expectWellFormedAnswer(endpoint, response);
      for (const batch of server.ingested.slice(before)) {
        for (const event of batch) expect(providerEventSchema.safeParse(event).error).toBeUndefined();
      }
    }),
    { numRuns: 700 },
  );
});
