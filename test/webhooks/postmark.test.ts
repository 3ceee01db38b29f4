import { checkBasicAuth } from '../../api/webhooks/postmark';
import {
  expectProblem,
  failingIngest,
  fixtureObject,
  fixtureText,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from './webhook-test-server';

const PATH = '/webhooks/postmark';
const USER = 'postmark-hooks';
const PASSWORD = 'correct horse battery staple';

/** As Postmark sends it: the credentials of the webhook URL (https://user:password@…) as HTTP Basic. */
function basicAuth(user = USER, password = PASSWORD): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  };
}

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

describe('Postmark: documented payloads with valid credentials', () => {
  test('each record type maps to exactly these events', async () => {
    for (const fixture of [
      'postmark-delivery.json',
      'postmark-bounce.json',
      'postmark-open.json',
      'postmark-click.json',
      'postmark-subscription-change.json',
      'postmark-spam-complaint.json',
    ]) {
      const response = await server.post(PATH, fixtureText(fixture), basicAuth());
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ received: 1, ignored: 0 });
    }
    const john = { email: 'john@example.com' };
    expect(server.ingested.flat()).toEqual([
      {
        source: 'postmark',
        externalId: 'Delivery:00000000-0000-0000-0000-000000000000:2019-11-05T16:33:54.907Z',
        type: 'email.delivered',
        occurredAt: '2019-11-05T16:33:54.907Z',
        match: {
          leadId: 'crm-3003',
          touchKey: 'nurture-crm-3003:v1:welcome:email:a',
          email: 'john@example.com',
        },
        data: { providerMessageId: '00000000-0000-0000-0000-000000000000' },
      },
      {
        source: 'postmark',
        externalId: 'Bounce:883953f4-6105-42a2-a16a-77a8eac79483:2019-11-05T16:33:54.907Z',
        type: 'email.bounced',
        occurredAt: '2019-11-05T16:33:54.907Z',
        match: john,
        data: {
          providerMessageId: '883953f4-6105-42a2-a16a-77a8eac79483',
          bounceType: 'bounce',
          postmarkType: 'HardBounce',
          inactive: true,
        },
      },
      {
        source: 'postmark',
        externalId: 'Open:00000000-0000-0000-0000-000000000000:2019-11-05T16:33:54.907Z',
        type: 'email.opened',
        occurredAt: '2019-11-05T16:33:54.907Z',
        match: { leadId: 'crm-3003', email: 'john@example.com' },
        data: { providerMessageId: '00000000-0000-0000-0000-000000000000', firstOpen: true },
      },
      {
        source: 'postmark',
        externalId: 'Click:00000000-0000-0000-0000-000000000000:2017-10-25T15:21:11.000Z',
        type: 'email.clicked',
        occurredAt: '2017-10-25T15:21:11.000Z',
        match: john,
        data: { providerMessageId: '00000000-0000-0000-0000-000000000000', url: 'https://example.com/' },
      },
      {
        source: 'postmark',
        externalId: 'SubscriptionChange:883953f4-6105-42a2-a16a-77a8eac79483:2020-02-01T10:53:34.416Z',
        type: 'email.unsubscribed',
        occurredAt: '2020-02-01T10:53:34.416Z',
        match: { leadId: 'crm-3003', email: 'john@example.com' },
        data: {
          providerMessageId: '883953f4-6105-42a2-a16a-77a8eac79483',
          scope: 'stream',
          origin: 'Recipient',
          source: 'postmark unsubscribe',
        },
      },
      {
        source: 'postmark',
        externalId: 'SpamComplaint:00000000-0000-0000-0000-000000000000:2019-11-05T16:33:54.907Z',
        type: 'email.spam_reported',
        occurredAt: '2019-11-05T16:33:54.907Z',
        match: john,
        data: { providerMessageId: '00000000-0000-0000-0000-000000000000' },
      },
    ]);
  });

  test('bounce types: Blocked is not a hard bounce, soft ones are ignored', async () => {
    const bounce = fixtureObject('postmark-bounce.json');
    const blocked = JSON.stringify({ ...bounce, Type: 'Blocked', TypeCode: 100006, Inactive: false });
    expect((await server.post(PATH, blocked, basicAuth())).status).toBe(200);
    expect(server.ingested[0]?.[0]?.data).toMatchObject({ bounceType: 'blocked', inactive: false });

    for (const type of ['SoftBounce', 'Transient', 'AutoResponder']) {
      const response = await server.post(PATH, JSON.stringify({ ...bounce, Type: type }), basicAuth());
      expect(response.json()).toEqual({ received: 0, ignored: 1 });
    }
    expect(server.ingested).toHaveLength(1);
  });

  test('subscription changes other than an unsubscribe are not mapped twice or as consent', async () => {
    const change = fixtureObject('postmark-subscription-change.json');
    for (const variant of [
      { SuppressionReason: 'HardBounce' },
      { SuppressionReason: 'SpamComplaint' },
      { SuppressSending: false },
    ]) {
      const response = await server.post(PATH, JSON.stringify({ ...change, ...variant }), basicAuth());
      expect(response.json()).toEqual({ received: 0, ignored: 1 });
    }
    expect(server.ingested).toEqual([]);
  });

  test('a manual suppression without MessageID still gets a stable id, without the address in it', async () => {
    const change = {
      ...fixtureObject('postmark-subscription-change.json'),
      MessageID: null,
      Origin: 'Customer',
    };
    const body = JSON.stringify(change);
    await server.post(PATH, body, basicAuth());
    await server.post(PATH, body, basicAuth());
    const [first, second] = server.ingested.flat();
    expect(first?.externalId).toMatch(/^SubscriptionChange:recipient-[0-9a-f]{16}:2020-02-01T10:53:34.416Z$/);
    expect(first?.externalId).not.toContain('john');
    expect(second?.externalId).toBe(first?.externalId);
  });
});

describe('Postmark: authentication', () => {
  test('the Basic header parser', () => {
    const expected = { user: USER, password: PASSWORD };
    expect(checkBasicAuth(undefined, expected)).toBe('missing');
    expect(checkBasicAuth('Bearer abc', expected)).toBe('missing');
    expect(checkBasicAuth(`basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`, expected)).toBe(
      'valid',
    );
    expect(checkBasicAuth(`Basic ${Buffer.from('no-colon').toString('base64')}`, expected)).toBe('invalid');
  });

  test('missing credentials: 401 with a Basic challenge', async () => {
    const response = await server.post(PATH, fixtureText('postmark-delivery.json'), {
      'content-type': 'application/json',
    });
    expectProblem(response, 401, 'webhook-credentials-missing');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  test('wrong password, wrong user: 401', async () => {
    for (const headers of [
      basicAuth(USER, 'wrong'),
      basicAuth('someone', PASSWORD),
      basicAuth(USER, `${PASSWORD}x`),
    ]) {
      const response = await server.post(PATH, fixtureText('postmark-delivery.json'), headers);
      expectProblem(response, 401, 'webhook-credentials-invalid');
      expect(response.text).not.toContain('john@example.com');
    }
    expect(server.ingested).toEqual([]);
  });

  test('a replay (static credentials, no signature) is a redelivery: same externalId for the inbox to drop', async () => {
    const body = fixtureText('postmark-open.json');
    expect((await server.post(PATH, body, basicAuth())).status).toBe(200);
    expect((await server.post(PATH, body, basicAuth())).status).toBe(200);
    const [first, second] = server.ingested;
    expect(second).toEqual(first);
  });
});

describe('Postmark: malformed payloads with valid credentials', () => {
  test('not JSON: 400; a Delivery without MessageID: 400 pointing at it', async () => {
    expectProblem(await server.post(PATH, '{', basicAuth()), 400, 'malformed-json');
    const withoutId = fixtureObject('postmark-delivery.json');
    delete withoutId.MessageID;
    const response = await server.post(PATH, JSON.stringify(withoutId), basicAuth());
    const problem = expectProblem(response, 400, 'validation-error');
    expect(problem.issues).toEqual([expect.objectContaining({ path: ['body', 'MessageID'] })]);
    expect(response.text).not.toContain('john@example.com');
  });

  test('unknown record types (Inbound…) are ignored', async () => {
    const response = await server.post(PATH, JSON.stringify({ RecordType: 'Inbound' }), basicAuth());
    expect(response.json()).toEqual({ received: 0, ignored: 1 });
  });
});

describe('Postmark: configuration and failures', () => {
  test('unconfigured: 501 naming the missing variables', async () => {
    const noPassword = await startWebhookServer({
      secrets: { ...TEST_SECRETS, postmarkPassword: undefined },
    });
    try {
      const problem = expectProblem(
        await noPassword.post(PATH, fixtureText('postmark-delivery.json'), basicAuth()),
        501,
        'webhook-not-configured',
      );
      expect(problem.detail).toContain('POSTMARK_WEBHOOK_PASSWORD');
      expect(problem.detail).not.toContain('POSTMARK_WEBHOOK_USER');
    } finally {
      await noPassword.close();
    }
  });

  test('ingest throwing: 500', async () => {
    const failing = await startWebhookServer({ ingest: failingIngest() });
    try {
      expectProblem(
        await failing.post(PATH, fixtureText('postmark-delivery.json'), basicAuth()),
        500,
        'internal-error',
      );
    } finally {
      await failing.close();
    }
  });
});
