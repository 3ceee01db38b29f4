import { createHmac, randomBytes } from 'node:crypto';
import {
  asRecord,
  expectProblem,
  failingIngest,
  fixtureObject,
  NOW,
  NOW_SECONDS,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from './webhook-test-server';

const SIGNING_KEY = 'mailgun-test-signing-key';
const PATH = '/webhooks/mailgun';

interface SignatureBlock {
  timestamp: string;
  token: string;
  signature: string;
  'parent-signature'?: string;
}

/** As Mailgun signs: hex HMAC-SHA256 of timestamp + token; a fresh 50-character token per request. */
function mailgunSignature(timestamp = NOW_SECONDS, key = SIGNING_KEY, token = randomToken()): SignatureBlock {
  return {
    timestamp,
    token,
    signature: createHmac('sha256', key)
      .update(timestamp + token)
      .digest('hex'),
  };
}

function randomToken(): string {
  return randomBytes(25).toString('hex');
}

/** A documented event with a fresh signature block in place of the fixture's. */
function signedBody(fixture: string, signature: SignatureBlock = mailgunSignature()): string {
  const { 'event-data': eventData } = fixtureObject(fixture);
  return JSON.stringify({ signature, 'event-data': eventData }, null, 2);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

describe('Mailgun: documented payloads with valid signatures', () => {
  test('delivered → email.delivered, tied to the lead by user-variables', async () => {
    const response = await server.post(PATH, signedBody('mailgun-delivered.json'), JSON_HEADERS);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested).toEqual([
      [
        {
          source: 'mailgun',
          externalId: 'hTWCTD81RtiDN-fSO4ZRhw',
          type: 'email.delivered',
          occurredAt: '2018-08-12T21:17:17.153Z',
          match: {
            leadId: 'crm-1001',
            touchKey: 'nurture-crm-1001:v1:welcome:email:a',
            email: 'recipient@example.com',
          },
          data: { providerMessageId: '20180812211713.1.DF5966851B4BAA99@example.org' },
        },
      ],
    ]);
  });

  test('each mapped event type', async () => {
    for (const fixture of [
      'mailgun-failed-permanent.json',
      'mailgun-opened.json',
      'mailgun-clicked.json',
      'mailgun-unsubscribed.json',
      'mailgun-complained.json',
    ]) {
      expect((await server.post(PATH, signedBody(fixture), JSON_HEADERS)).status).toBe(200);
    }
    const alice = { leadId: 'crm-2002', email: 'alice@example.com' };
    const messageId = '20130503182626.18666.16540@example.org';
    expect(server.ingested.flat()).toEqual([
      {
        source: 'mailgun',
        externalId: 'G9Bn5sl1TC6nu79C8C0bwg',
        type: 'email.bounced',
        occurredAt: '2018-08-12T21:47:02.390Z',
        match: { email: 'invalid@example.com' },
        data: {
          providerMessageId: '20180812214658.1.0DF563D0B3597700@example.org',
          bounceType: 'bounce',
          reason: 'bounce',
          smtpCode: 550,
        },
      },
      {
        source: 'mailgun',
        externalId: 'DACSsAdVSeGpLid7TN03WA',
        type: 'email.opened',
        occurredAt: '2018-06-14T20:07:34.330Z',
        match: alice,
        data: { providerMessageId: messageId },
      },
      {
        source: 'mailgun',
        externalId: 'Ase7i2zsRYeDXztHGENqRA',
        type: 'email.clicked',
        occurredAt: '2018-06-14T20:07:34.402Z',
        match: alice,
        data: { providerMessageId: messageId, url: 'https://example.org/pricing' },
      },
      {
        source: 'mailgun',
        externalId: 'Ase7i2zsRYeDXztHGENqRB',
        type: 'email.unsubscribed',
        occurredAt: '2018-06-14T20:07:35.011Z',
        match: alice,
        data: { providerMessageId: messageId, scope: 'domain', source: 'mailgun unsubscribe' },
      },
      {
        source: 'mailgun',
        externalId: '-Agny091SquKnsrW2NEKUA',
        type: 'email.spam_reported',
        occurredAt: '2018-06-14T20:07:36.518Z',
        match: { email: 'alice@example.com' },
        data: { providerMessageId: messageId },
      },
    ]);
  });

  test('a temporary failure is ignored (Mailgun retries); a suppress-* failure is a drop', async () => {
    const temporary = await server.post(PATH, signedBody('mailgun-failed-temporary.json'), JSON_HEADERS);
    expect(temporary.json()).toEqual({ received: 0, ignored: 1 });

    const { 'event-data': eventData } = fixtureObject('mailgun-failed-permanent.json');
    const suppressed = JSON.stringify({
      signature: mailgunSignature(),
      'event-data': { ...asRecord(eventData), reason: 'suppress-bounce' },
    });
    expect((await server.post(PATH, suppressed, JSON_HEADERS)).status).toBe(200);
    expect(server.ingested[0]?.[0]?.data).toMatchObject({ bounceType: 'dropped', reason: 'suppress-bounce' });
  });

  test("a subaccount event signed with the parent account's key (parent-signature) is accepted", async () => {
    const block = mailgunSignature(NOW_SECONDS, 'subaccount-key');
    const parent = createHmac('sha256', SIGNING_KEY)
      .update(block.timestamp + block.token)
      .digest('hex');
    const body = signedBody('mailgun-delivered.json', { ...block, 'parent-signature': parent });
    expect((await server.post(PATH, body, JSON_HEADERS)).status).toBe(200);
  });
});

describe('Mailgun: verification', () => {
  test('no signature block (or no JSON to find one in): 401 missing', async () => {
    const { 'event-data': eventData } = fixtureObject('mailgun-delivered.json');
    const unsigned = JSON.stringify({ 'event-data': eventData });
    expectProblem(await server.post(PATH, unsigned, JSON_HEADERS), 401, 'webhook-signature-missing');
    expectProblem(await server.post(PATH, 'not json', JSON_HEADERS), 401, 'webhook-signature-missing');
    expect(server.ingested).toEqual([]);
  });

  test('another key, or a signature for another token: 401', async () => {
    const wrongKey = signedBody('mailgun-delivered.json', mailgunSignature(NOW_SECONDS, 'other-key'));
    const response = await server.post(PATH, wrongKey, JSON_HEADERS);
    expectProblem(response, 401, 'webhook-signature-invalid');
    expect(response.text).not.toContain('recipient@example.com');

    const block = mailgunSignature();
    const swapped = signedBody('mailgun-delivered.json', { ...block, token: randomToken() });
    expectProblem(await server.post(PATH, swapped, JSON_HEADERS), 401, 'webhook-signature-invalid');
    expect(server.ingested).toEqual([]);
  });

  test('stale timestamp: 401, even when correctly signed', async () => {
    const old = String(NOW / 1000 - 6 * 60);
    const body = signedBody('mailgun-delivered.json', mailgunSignature(old));
    expectProblem(await server.post(PATH, body, JSON_HEADERS), 401, 'webhook-signature-stale');
  });

  test('a token is bound to its body: the same request again is 200, the token on other event-data 403', async () => {
    const block = mailgunSignature();
    const body = signedBody('mailgun-delivered.json', block);
    expect((await server.post(PATH, body, JSON_HEADERS)).status).toBe(200);
    // Mailgun retrying after a lost answer: the same event id, for the inbox to store once.
    expect((await server.post(PATH, body, JSON_HEADERS)).status).toBe(200);
    expect(server.ingested).toHaveLength(2);
    expect(server.ingested[1]).toEqual(server.ingested[0]);
    // The signature does not cover event-data, so reuse with a forged event must fail.
    const forged = signedBody('mailgun-unsubscribed.json', block);
    expectProblem(await server.post(PATH, forged, JSON_HEADERS), 403, 'webhook-signature-replayed');
    expect(server.ingested).toHaveLength(2);
  });
});

describe('Mailgun: malformed payloads after a valid signature', () => {
  test('event-data without an id: 400 pointing at it', async () => {
    const body = JSON.stringify({
      signature: mailgunSignature(),
      'event-data': { event: 'delivered', timestamp: 1534108637.153125, recipient: 'recipient@example.com' },
    });
    const response = await server.post(PATH, body, JSON_HEADERS);
    const problem = expectProblem(response, 400, 'validation-error');
    expect(problem.issues).toEqual([expect.objectContaining({ path: ['body', 'event-data', 'id'] })]);
    expect(response.text).not.toContain('recipient@example.com');
  });
});

describe('Mailgun: configuration and failures', () => {
  test('unconfigured: 501 naming MAILGUN_WEBHOOK_SIGNING_KEY', async () => {
    const bare = await startWebhookServer({ secrets: { ...TEST_SECRETS, mailgunSigningKey: undefined } });
    try {
      const problem = expectProblem(
        await bare.post(PATH, signedBody('mailgun-delivered.json'), JSON_HEADERS),
        501,
        'webhook-not-configured',
      );
      expect(problem.detail).toContain('MAILGUN_WEBHOOK_SIGNING_KEY');
    } finally {
      await bare.close();
    }
  });

  test('ingest throwing: 500', async () => {
    const failing = await startWebhookServer({ ingest: failingIngest() });
    try {
      expectProblem(
        await failing.post(PATH, signedBody('mailgun-delivered.json'), JSON_HEADERS),
        500,
        'internal-error',
      );
    } finally {
      await failing.close();
    }
  });
});
