import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { ProviderEvent } from '../../api/webhooks/provider-event';
import { parseSendgridPublicKey, verifySendgridSignature } from '../../api/webhooks/sendgrid';
import {
  expectProblem,
  failingIngest,
  fixtureText,
  NOW,
  NOW_SECONDS,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from './webhook-test-server';

// A fresh key pair, as SendGrid generates one per account; the public half is
// configured the way SendGrid shows it (base64 DER SubjectPublicKeyInfo).
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PUBLIC_KEY_BASE64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const PATH = '/webhooks/sendgrid';

/** As SendGrid signs: ECDSA P-256 / SHA-256 over timestamp + raw body, DER, base64. */
function signSendgrid(timestamp: string, body: string | Buffer, key: KeyObject = privateKey): string {
  return sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key).toString('base64');
}

function signedHeaders(body: string, timestamp = NOW_SECONDS): Record<string, string> {
  return {
    'content-type': 'application/json',
    'X-Twilio-Email-Event-Webhook-Signature': signSendgrid(timestamp, body),
    'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
  };
}

const OCCURRED = '2017-12-15T00:59:29.000Z';
const MESSAGE_ID = '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0';
const ALEX = { email: 'alex@example.com' };

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer({ secrets: { ...TEST_SECRETS, sendgridPublicKey: PUBLIC_KEY_BASE64 } });
});

afterEach(async () => {
  await server.close();
});

describe('SendGrid: documented payloads with valid signatures', () => {
  test('the Event Webhook reference batch maps to exactly these events', async () => {
    // The fixture's bytes as they are (pretty-printed): verification is over the raw body.
    const body = fixtureText('sendgrid-event-reference.json');
    const response = await server.post(PATH, body, signedHeaders(body));

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 8, ignored: 3 });
    const expected: ProviderEvent[] = [
      {
        source: 'sendgrid',
        externalId: 'rWVYmVk90MjZJ9iohOBa3w==',
        type: 'email.delivered',
        occurredAt: OCCURRED,
        match: {
          leadId: 'crm-1001',
          touchKey: 'nurture-crm-1001:v1:welcome:email:a',
          email: 'alex@example.com',
        },
        data: { providerMessageId: MESSAGE_ID },
      },
      {
        source: 'sendgrid',
        externalId: 'FOTFFO0ecsBE-zxFXfs6WA==',
        type: 'email.opened',
        occurredAt: OCCURRED,
        match: ALEX,
        data: { providerMessageId: MESSAGE_ID, machineOpen: false },
      },
      {
        source: 'sendgrid',
        externalId: 'kCAi1KttyQdEKHhdC-nuEA==',
        type: 'email.clicked',
        occurredAt: OCCURRED,
        match: ALEX,
        // The query string (here carrying an address) is dropped.
        data: { providerMessageId: MESSAGE_ID, url: 'http://www.sendgrid.com/pricing' },
      },
      {
        source: 'sendgrid',
        externalId: '6g4ZI7SA-xmRDv57GoPIPw==',
        type: 'email.bounced',
        occurredAt: OCCURRED,
        match: ALEX,
        data: {
          providerMessageId: MESSAGE_ID,
          bounceType: 'bounce',
          classification: 'Invalid Address',
          smtpStatus: '5.0.0',
        },
      },
      {
        source: 'sendgrid',
        externalId: 'zmzJhfJgAfUSOW80yEbPyw==',
        type: 'email.bounced',
        occurredAt: OCCURRED,
        match: ALEX,
        data: { providerMessageId: MESSAGE_ID, bounceType: 'dropped', reason: 'Bounced Address' },
      },
      {
        source: 'sendgrid',
        externalId: '37nvH5QBz858KGVYCM4uOA==',
        type: 'email.spam_reported',
        occurredAt: OCCURRED,
        match: ALEX,
        data: { providerMessageId: MESSAGE_ID },
      },
      {
        source: 'sendgrid',
        externalId: 'zz_BjPgU_5pS-J8vlfB1sg==',
        type: 'email.unsubscribed',
        occurredAt: OCCURRED,
        match: ALEX,
        data: { providerMessageId: MESSAGE_ID, scope: 'global', source: 'sendgrid global unsubscribe' },
      },
      {
        source: 'sendgrid',
        externalId: 'ahSCB7xYcXFb-hEaawsPRw==',
        type: 'email.unsubscribed',
        occurredAt: OCCURRED,
        match: ALEX,
        data: {
          providerMessageId: MESSAGE_ID,
          scope: 'group',
          asmGroupId: 10,
          source: 'sendgrid group unsubscribe',
        },
      },
    ];
    expect(server.ingested).toEqual([expected]);
  });

  test('a blocked bounce is not a hard bounce: bounceType "blocked"', async () => {
    const body = fixtureText('sendgrid-blocked.json');
    const response = await server.post(PATH, body, signedHeaders(body));

    expect(response.status).toBe(200);
    expect(server.ingested).toEqual([
      [
        {
          source: 'sendgrid',
          externalId: '6g4ZI7SA-xmRDv57GoPIPw==',
          type: 'email.bounced',
          occurredAt: OCCURRED,
          match: ALEX,
          data: {
            providerMessageId: MESSAGE_ID,
            bounceType: 'blocked',
            classification: 'Invalid Address',
            smtpStatus: '5.0.0',
          },
        },
      ],
    ]);
  });

  test('a bounce without a type (older payloads) is the documented hard bounce', async () => {
    const body = JSON.stringify([
      { email: 'alex@example.com', timestamp: 1513299569, event: 'bounce', sg_event_id: 'legacy-bounce-1' },
    ]);
    const response = await server.post(PATH, body, signedHeaders(body));

    expect(response.status).toBe(200);
    expect(server.ingested[0]?.[0]?.data).toEqual({
      providerMessageId: null,
      bounceType: 'bounce',
      classification: null,
      smtpStatus: null,
    });
  });

  test('a machine open (Apple Mail Privacy Protection) is recorded with machineOpen=true', async () => {
    const body = fixtureText('sendgrid-machine-open.json');
    const response = await server.post(PATH, body, signedHeaders(body));

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested).toEqual([
      [
        {
          source: 'sendgrid',
          externalId: 'FOTFFO0ecsBE-zxFXfs6WA==',
          type: 'email.opened',
          occurredAt: OCCURRED,
          match: {
            leadId: 'crm-1001',
            touchKey: 'nurture-crm-1001:v1:welcome:email:a',
            email: 'alex@example.com',
          },
          data: { providerMessageId: MESSAGE_ID, machineOpen: true },
        },
      ],
    ]);
  });

  test('a batch with only processed/deferred events is acknowledged without calling ingest', async () => {
    const body = JSON.stringify([
      { email: 'alex@example.com', timestamp: 1513299569, event: 'processed', sg_event_id: 'p1' },
      { email: 'alex@example.com', timestamp: 1513299569, event: 'deferred', sg_event_id: 'd1' },
    ]);
    const response = await server.post(PATH, body, signedHeaders(body));

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 0, ignored: 2 });
    expect(server.ingested).toEqual([]);
  });
});

describe('SendGrid: signature verification', () => {
  test("SendGrid's own published test vector verifies, and fails once tampered", () => {
    // From sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js.
    const key = parseSendgridPublicKey(
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==',
    );
    const signature =
      'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
    const payload = Buffer.from(
      JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }),
    );
    expect(verifySendgridSignature(key, '1588788367', payload, signature)).toBe(true);
    expect(verifySendgridSignature(key, '1588788368', payload, signature)).toBe(false);
    expect(verifySendgridSignature(key, '1588788367', Buffer.from('payload'), signature)).toBe(false);
  });

  test('missing signature or timestamp header: 401', async () => {
    const body = fixtureText('sendgrid-machine-open.json');
    const noSignature = await server.post(PATH, body, {
      'X-Twilio-Email-Event-Webhook-Timestamp': NOW_SECONDS,
    });
    expectProblem(noSignature, 401, 'webhook-signature-missing');

    const noTimestamp = await server.post(PATH, body, {
      'X-Twilio-Email-Event-Webhook-Signature': signSendgrid(NOW_SECONDS, body),
    });
    expectProblem(noTimestamp, 401, 'webhook-signature-missing');
    expect(server.ingested).toEqual([]);
  });

  test('a signature by another key, over other bytes, or not base64 at all: 401', async () => {
    const body = fixtureText('sendgrid-machine-open.json');
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const attempts: Record<string, string>[] = [
      {
        ...signedHeaders(body),
        'X-Twilio-Email-Event-Webhook-Signature': signSendgrid(NOW_SECONDS, body, otherKey),
      },
      {
        ...signedHeaders(body),
        'X-Twilio-Email-Event-Webhook-Signature': signSendgrid(NOW_SECONDS, `${body} `),
      },
      { ...signedHeaders(body), 'X-Twilio-Email-Event-Webhook-Signature': 'not*base64!' },
      { ...signedHeaders(body), 'X-Twilio-Email-Event-Webhook-Timestamp': String(NOW / 1000 - 1) },
    ];
    for (const headers of attempts) {
      const response = await server.post(PATH, body, headers);
      const problem = expectProblem(response, 401, 'webhook-signature-invalid');
      // Nothing of the request is echoed.
      expect(JSON.stringify(problem)).not.toContain('alex@example.com');
    }
    expect(server.ingested).toEqual([]);
  });

  test('the signature covers the raw bytes: a re-serialised body does not verify', async () => {
    const pretty = fixtureText('sendgrid-machine-open.json');
    const compact = JSON.stringify(JSON.parse(pretty));
    const response = await server.post(PATH, pretty, {
      'X-Twilio-Email-Event-Webhook-Signature': signSendgrid(NOW_SECONDS, compact),
      'X-Twilio-Email-Event-Webhook-Timestamp': NOW_SECONDS,
    });
    expectProblem(response, 401, 'webhook-signature-invalid');
  });

  test('a stale or far-future timestamp: 401, even with a valid signature', async () => {
    const body = fixtureText('sendgrid-machine-open.json');
    const sixMinutesAgo = String(NOW / 1000 - 6 * 60);
    const stale = await server.post(PATH, body, signedHeaders(body, sixMinutesAgo));
    expectProblem(stale, 401, 'webhook-signature-stale');

    const sixMinutesAhead = String(NOW / 1000 + 6 * 60);
    const future = await server.post(PATH, body, signedHeaders(body, sixMinutesAhead));
    expectProblem(future, 401, 'webhook-signature-stale');

    const fourMinutesAgo = String(NOW / 1000 - 4 * 60);
    const fresh = await server.post(PATH, body, signedHeaders(body, fourMinutesAgo));
    expect(fresh.status).toBe(200);
  });

  test('a batch delivered again with the same bytes and signature: 200, the same event ids for the inbox to store once', async () => {
    // SendGrid retries a batch whose answer it did not get; a 403 would make it retry for a day.
    const body = fixtureText('sendgrid-machine-open.json');
    const headers = signedHeaders(body);
    expect((await server.post(PATH, body, headers)).status).toBe(200);
    server.clock.now += 60_000;
    const again = await server.post(PATH, body, headers);
    expect(again.status).toBe(200);
    expect(again.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested).toHaveLength(2);
    expect(server.ingested[1]).toEqual(server.ingested[0]);
  });

  test('a copy with a malleated signature (r, n - s) is a copy too: accepted, the same events', async () => {
    const body = fixtureText('sendgrid-machine-open.json');
    const signed = Buffer.concat([Buffer.from(NOW_SECONDS), Buffer.from(body)]);
    const p1363 = sign('sha256', signed, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const r = p1363.subarray(0, 32);
    const s = BigInt(`0x${p1363.subarray(32).toString('hex')}`);
    const malleated = Buffer.from((order - s).toString(16).padStart(64, '0'), 'hex');
    const first = derSignature(r, p1363.subarray(32)).toString('base64');
    const second = derSignature(r, malleated).toString('base64');
    expect(second).not.toBe(first);

    const headers = { 'X-Twilio-Email-Event-Webhook-Timestamp': NOW_SECONDS };
    const accepted = await server.post(PATH, body, {
      ...headers,
      'X-Twilio-Email-Event-Webhook-Signature': first,
    });
    expect(accepted.status).toBe(200);
    const copy = await server.post(PATH, body, {
      ...headers,
      'X-Twilio-Email-Event-Webhook-Signature': second,
    });
    // Both encodings sign the very same bytes: nothing new can ride on the second.
    expect(copy.status).toBe(200);
    expect(server.ingested).toHaveLength(2);
    expect(server.ingested[1]).toEqual(server.ingested[0]);
  });
});

describe('SendGrid: malformed payloads after a valid signature', () => {
  test('not JSON: 400 malformed-json', async () => {
    const body = '[{"event": "open",';
    expectProblem(await server.post(PATH, body, signedHeaders(body)), 400, 'malformed-json');
  });

  test('not an array: 400 validation-error', async () => {
    const body = JSON.stringify({ event: 'open' });
    const problem = expectProblem(
      await server.post(PATH, body, signedHeaders(body)),
      400,
      'validation-error',
    );
    expect(problem.issues).toEqual([expect.objectContaining({ path: ['body'] })]);
  });

  test('a known event without its sg_event_id: 400 pointing at it, values not echoed', async () => {
    const body = JSON.stringify([
      { email: 'alex@example.com', timestamp: 1513299569, event: 'delivered', sg_event_id: 'ok-1' },
      { email: 'alex@example.com', timestamp: 1513299569, event: 'open' },
    ]);
    const response = await server.post(PATH, body, signedHeaders(body));
    const problem = expectProblem(response, 400, 'validation-error');
    expect(problem.issues).toEqual([expect.objectContaining({ path: ['body', 1, 'sg_event_id'] })]);
    expect(response.text).not.toContain('alex@example.com');
    expect(server.ingested).toEqual([]);
  });

  test('an unknown event type is ignored, not refused', async () => {
    const body = JSON.stringify([{ event: 'something_new', sg_event_id: 'x' }]);
    const response = await server.post(PATH, body, signedHeaders(body));
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 0, ignored: 1 });
  });
});

describe('SendGrid: configuration and failures', () => {
  test('unconfigured: 501 naming SENDGRID_WEBHOOK_PUBLIC_KEY', async () => {
    const bare = await startWebhookServer();
    try {
      const body = fixtureText('sendgrid-machine-open.json');
      const problem = expectProblem(
        await bare.post(PATH, body, signedHeaders(body)),
        501,
        'webhook-not-configured',
      );
      expect(problem.detail).toContain('SENDGRID_WEBHOOK_PUBLIC_KEY');
      expect(bare.ingested).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  test('ingest throwing: 500, never a 2xx, so SendGrid retries', async () => {
    const failing = await startWebhookServer({
      secrets: { ...TEST_SECRETS, sendgridPublicKey: PUBLIC_KEY_BASE64 },
      ingest: failingIngest(),
    });
    try {
      const body = fixtureText('sendgrid-machine-open.json');
      expectProblem(await failing.post(PATH, body, signedHeaders(body)), 500, 'internal-error');
    } finally {
      await failing.close();
    }
  });

  test('a PEM key is accepted too; a non-P-256 key is refused at start', () => {
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(parseSendgridPublicKey(pem).asymmetricKeyType).toBe('ec');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(() =>
      parseSendgridPublicKey(rsa.export({ type: 'spki', format: 'der' }).toString('base64')),
    ).toThrow(/SENDGRID_WEBHOOK_PUBLIC_KEY must be an ECDSA P-256 key/);
    expect(() => parseSendgridPublicKey('bm90IGEga2V5')).toThrow(
      /SENDGRID_WEBHOOK_PUBLIC_KEY is not a public key/,
    );
  });
});

/** DER SEQUENCE { INTEGER r, INTEGER s } from raw big-endian halves. */
function derSignature(r: Buffer, s: Buffer): Buffer {
  const integer = (value: Buffer): Buffer => {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start += 1;
    let bytes = value.subarray(start);
    if ((bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const content = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, content.length]), content]);
}
