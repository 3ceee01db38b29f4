import {
  getExpectedBodyHash,
  getExpectedTwilioSignature,
  validateRequest,
  validateRequestWithBody,
} from 'twilio/lib/webhooks/webhooks';
import {
  expectProblem,
  fixtureObject,
  PUBLIC_BASE_URL,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from './webhook-test-server';

/**
 * Twilio signs a webhook one of two ways, and the receiver must accept both,
 * as twilio-node's validateRequest / validateRequestWithBody / webhook() do:
 * - classic: X-Twilio-Signature = base64 HMAC-SHA1(Auth Token, URL + sorted params);
 * - SharedKey (a Webhooks Rule matched the URL): the same string, signed with
 *   the SharedKey's secret and the algorithm named in
 *   X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=HMAC_SHA256.
 * A JSON body is signed over the URL alone, whose bodySHA256 query parameter
 * is the hex SHA-256 of the body. Every signature below is computed by the
 * `twilio` package itself, never by the code under test.
 */

const AUTH_TOKEN = TEST_SECRETS.twilioAuthToken ?? '';
const SHARED_KEY_SECRET = 'webhooks-shared-key-secret-0123456789';
const NEXT_SHARED_KEY_SECRET = 'webhooks-shared-key-secret-rotated-9876';
const SETTINGS_HEADER = 'X-Twilio-Webhooks-Signature-Settings';
const SMS_PATH = '/webhooks/twilio/sms';
const STATUS_PATH = '/webhooks/twilio/status';

function fixtureParams(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(fixtureObject(name)).map(([k, v]) => [k, String(v)]));
}

const inbound = () => fixtureParams('twilio-inbound-sms.json');
const delivered = () => fixtureParams('twilio-status-delivered.json');

function formBody(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function signed(
  pathAndQuery: string,
  params: Record<string, string>,
  options: { secret?: string; algorithm?: string; settings?: string } = {},
) {
  const url = `${PUBLIC_BASE_URL}${pathAndQuery}`;
  const signature = getExpectedTwilioSignature(
    options.secret ?? AUTH_TOKEN,
    url,
    params,
    options.algorithm ?? 'HMAC_SHA1',
  );
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'X-Twilio-Signature': signature,
    ...(options.settings === undefined ? {} : { [SETTINGS_HEADER]: options.settings }),
  };
}

const SHA256_SETTINGS = 'key=webhooks_sharedkey_01jx5m2k3n4p5q6r7s8t9v0w1x,algorithm=HMAC_SHA256';

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer({
    secrets: { ...TEST_SECRETS, twilioSharedKeySecret: `${SHARED_KEY_SECRET},${NEXT_SHARED_KEY_SECRET}` },
  });
});

afterEach(async () => {
  await server.close();
});

describe('Twilio classic signatures (HMAC-SHA1 with the Auth Token)', () => {
  test('signed by the twilio package: accepted on both endpoints', async () => {
    const sms = inbound();
    const smsHeaders = signed(SMS_PATH, sms);
    expect(
      validateRequest(AUTH_TOKEN, smsHeaders['X-Twilio-Signature'], `${PUBLIC_BASE_URL}${SMS_PATH}`, sms),
    ).toBe(true);
    expect((await server.post(SMS_PATH, formBody(sms), smsHeaders)).status).toBe(200);
    const status = delivered();
    const statusPath = `${STATUS_PATH}?leadId=lead-1&touchKey=k-1`;
    expect((await server.post(statusPath, formBody(status), signed(statusPath, status))).status).toBe(200);
    expect(server.ingested.flat().map((e) => e.type)).toEqual(['sms.replied', 'sms.delivered']);
  });

  test('an HMAC-SHA256 signature without the settings header is not a classic one: 401', async () => {
    const sms = inbound();
    const headers = signed(SMS_PATH, sms, { algorithm: 'HMAC_SHA256' });
    expectProblem(await server.post(SMS_PATH, formBody(sms), headers), 401, 'webhook-signature-invalid');
  });
});

describe('Twilio SharedKey signatures (X-Twilio-Webhooks-Signature-Settings)', () => {
  test('HMAC-SHA256 with the SharedKey secret: accepted on both endpoints', async () => {
    const sms = inbound();
    const smsHeaders = signed(SMS_PATH, sms, {
      secret: SHARED_KEY_SECRET,
      algorithm: 'HMAC_SHA256',
      settings: SHA256_SETTINGS,
    });
    expect(
      validateRequest(
        SHARED_KEY_SECRET,
        smsHeaders['X-Twilio-Signature'],
        `${PUBLIC_BASE_URL}${SMS_PATH}`,
        sms,
        'HMAC_SHA256',
      ),
    ).toBe(true);
    const smsReply = await server.post(SMS_PATH, formBody(sms), smsHeaders);
    expect(smsReply.status).toBe(200);
    expect(smsReply.contentType).toMatch(/^text\/xml/);

    const status = delivered();
    const statusPath = `${STATUS_PATH}?leadId=lead-1&touchKey=k-1`;
    const statusHeaders = signed(statusPath, status, {
      secret: SHARED_KEY_SECRET,
      algorithm: 'HMAC_SHA256',
      settings: SHA256_SETTINGS,
    });
    expect(await server.post(statusPath, formBody(status), statusHeaders)).toMatchObject({ status: 200 });
    expect(server.ingested.flat()).toEqual([
      expect.objectContaining({ source: 'twilio', type: 'sms.replied' }),
      expect.objectContaining({
        source: 'twilio',
        type: 'sms.delivered',
        match: expect.objectContaining({ leadId: 'lead-1', touchKey: 'k-1' }) as unknown,
      }),
    ]);
  });

  test('a rotated key: a request signed with either configured secret is accepted', async () => {
    const sms = inbound();
    const headers = signed(SMS_PATH, sms, {
      secret: NEXT_SHARED_KEY_SECRET,
      algorithm: 'HMAC_SHA256',
      settings: 'key=webhooks_sharedkey_next,algorithm=HMAC_SHA256',
    });
    expect((await server.post(SMS_PATH, formBody(sms), headers)).status).toBe(200);
  });

  test('a settings header without an algorithm, or naming HMAC_SHA1, means HMAC-SHA1 with the SharedKey', async () => {
    const sms = inbound();
    for (const settings of ['key=webhooks_sharedkey_1', 'key=webhooks_sharedkey_1, algorithm=HMAC_SHA1']) {
      const headers = signed(SMS_PATH, sms, { secret: SHARED_KEY_SECRET, settings });
      expect((await server.post(SMS_PATH, formBody(sms), headers)).status).toBe(200);
    }
  });

  test('signed with the Auth Token, or a changed parameter, under a settings header: 401', async () => {
    const sms = inbound();
    const withToken = signed(SMS_PATH, sms, { algorithm: 'HMAC_SHA256', settings: SHA256_SETTINGS });
    expectProblem(await server.post(SMS_PATH, formBody(sms), withToken), 401, 'webhook-signature-invalid');
    const genuine = signed(SMS_PATH, sms, {
      secret: SHARED_KEY_SECRET,
      algorithm: 'HMAC_SHA256',
      settings: SHA256_SETTINGS,
    });
    const changed = formBody({ ...sms, Body: 'STOP' });
    expectProblem(await server.post(SMS_PATH, changed, genuine), 401, 'webhook-signature-invalid');
    expect(server.ingested).toEqual([]);
  });

  test('an algorithm the scheme does not define: 401', async () => {
    const sms = inbound();
    const headers = signed(SMS_PATH, sms, {
      secret: SHARED_KEY_SECRET,
      settings: 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA512',
    });
    expectProblem(await server.post(SMS_PATH, formBody(sms), headers), 401, 'webhook-signature-invalid');
  });

  test('no SharedKey secret configured: 501 naming the variable to set', async () => {
    const tokenOnly = await startWebhookServer();
    try {
      const sms = inbound();
      const headers = signed(SMS_PATH, sms, {
        secret: SHARED_KEY_SECRET,
        algorithm: 'HMAC_SHA256',
        settings: SHA256_SETTINGS,
      });
      const problem = expectProblem(
        await tokenOnly.post(SMS_PATH, formBody(sms), headers),
        501,
        'webhook-not-configured',
      );
      expect(problem.detail).toContain('TWILIO_WEBHOOK_SHARED_KEY_SECRET');
      expect(JSON.stringify(problem)).not.toContain(SHARED_KEY_SECRET);
    } finally {
      await tokenOnly.close();
    }
  });
});

describe('Twilio JSON bodies (bodySHA256 on the URL)', () => {
  const json = JSON.stringify(delivered());

  function jsonPath(body: string): string {
    return `${STATUS_PATH}?leadId=lead-9&touchKey=k-9&bodySHA256=${getExpectedBodyHash(body)}`;
  }

  test.each([
    ['classic, with the Auth Token', { secret: AUTH_TOKEN }],
    [
      'SharedKey, HMAC-SHA256',
      { secret: SHARED_KEY_SECRET, algorithm: 'HMAC_SHA256', settings: SHA256_SETTINGS },
    ],
  ] as const)('%s: the URL is signed and the body hashed; accepted', async (_name, options) => {
    const path = jsonPath(json);
    const url = `${PUBLIC_BASE_URL}${path}`;
    const signature = getExpectedTwilioSignature(
      options.secret,
      url,
      {},
      'algorithm' in options ? options.algorithm : undefined,
    );
    expect(
      validateRequestWithBody(
        options.secret,
        signature,
        url,
        json,
        'algorithm' in options ? options.algorithm : undefined,
      ),
    ).toBe(true);
    const headers = {
      'content-type': 'application/json',
      'X-Twilio-Signature': signature,
      ...('settings' in options ? { [SETTINGS_HEADER]: options.settings } : {}),
    };
    expect(await server.post(path, json, headers)).toMatchObject({ status: 200 });
    expect(server.ingested.flat()).toEqual([
      expect.objectContaining({
        type: 'sms.delivered',
        externalId: 'SM6c2a1b0f9e8d7c6b5a4f3e2d1c0b9a8f:delivered',
        match: expect.objectContaining({ leadId: 'lead-9', touchKey: 'k-9' }) as unknown,
      }),
    ]);
  });

  test('a body that does not match its bodySHA256: 401', async () => {
    const path = jsonPath(json);
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, {});
    const tampered = json.replace('delivered', 'undelivered');
    const headers = { 'content-type': 'application/json', 'X-Twilio-Signature': signature };
    expectProblem(await server.post(path, tampered, headers), 401, 'webhook-signature-invalid');
    expect(server.ingested).toEqual([]);
  });
});
