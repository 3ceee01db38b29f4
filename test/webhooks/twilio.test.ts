import {
  classifyInboundSms,
  TWILIO_HELP_KEYWORDS,
  TWILIO_OPT_IN_KEYWORDS,
  TWILIO_OPT_OUT_KEYWORDS,
} from '../../api/webhooks/twilio';
import { computeTwilioSignature, type FormParams } from '../../api/webhooks/twilio-signature';
import {
  expectProblem,
  failingIngest,
  fixtureObject,
  NOW,
  PUBLIC_BASE_URL,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from './webhook-test-server';

const AUTH_TOKEN = 'twilio-test-auth-token';
const SMS_PATH = '/webhooks/twilio/sms';
const STATUS_PATH = '/webhooks/twilio/status';
const RECEIVED_AT = new Date(NOW).toISOString();

function formParams(fixture: Record<string, unknown>): FormParams {
  return Object.entries(fixture).map(([name, value]) => [name, String(value)]);
}

/** As Twilio signs: HMAC-SHA1 over the URL it called + sorted name/value pairs, base64. */
function twilioHeaders(pathAndQuery: string, params: FormParams, url = `${PUBLIC_BASE_URL}${pathAndQuery}`) {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'X-Twilio-Signature': computeTwilioSignature(AUTH_TOKEN, url, params),
  };
}

function formBody(params: FormParams): string {
  return new URLSearchParams(params).toString();
}

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

describe('Twilio: the signature scheme', () => {
  test("matches Twilio's documented example (token 12345)", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = (caller: string): FormParams => [
      ['Digits', '1234'],
      ['To', '+18005551212'],
      ['From', caller],
      ['Caller', caller],
      ['CallSid', 'CA1234567890ABCDE'],
    ];
    // twilio-node's test vector and the current docs' vector.
    expect(computeTwilioSignature('12345', url, params('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(computeTwilioSignature('12345', url, params('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });
});

describe('Twilio inbound SMS', () => {
  test('the documented incoming-message request maps to sms.replied and answers empty TwiML', async () => {
    const params = formParams(fixtureObject('twilio-inbound-sms.json'));
    const response = await server.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params));

    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^text\/xml/);
    expect(response.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(server.ingested).toEqual([
      [
        {
          source: 'twilio',
          externalId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
          type: 'sms.replied',
          occurredAt: RECEIVED_AT,
          match: { phone: '+14155550123' },
          data: { text: 'Sounds good, what times do you have next week?' },
        },
      ],
    ]);
  });

  test('a long reply keeps only a short text (one segment)', async () => {
    const params: FormParams = [
      ...formParams(fixtureObject('twilio-inbound-sms.json')).filter(([name]) => name !== 'Body'),
      ['Body', `${'a'.repeat(200)} tail`],
    ];
    const response = await server.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params));
    expect(response.status).toBe(200);
    expect(server.ingested[0]?.[0]?.data).toEqual({ text: 'a'.repeat(160) });
  });

  const optOut = TWILIO_OPT_OUT_KEYWORDS.flatMap((word) => [word, ` ${word.toLowerCase()} `]);
  const optIn = TWILIO_OPT_IN_KEYWORDS.flatMap((word) => [
    word,
    `${word[0] ?? ''}${word.slice(1).toLowerCase()}`,
  ]);

  test.each(optOut)('keyword %j → sms.opted_out', async (body) => {
    const params: FormParams = [...baseInbound(), ['Body', body]];
    const response = await server.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params));
    expect(response.status).toBe(200);
    const keyword = body.trim().toUpperCase();
    expect(server.ingested).toEqual([
      [
        {
          source: 'twilio',
          externalId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
          type: 'sms.opted_out',
          occurredAt: RECEIVED_AT,
          match: { phone: '+14155550123' },
          data: { keyword, source: `sms ${keyword}`, reportedBy: 'lead' },
        },
      ],
    ]);
  });

  test.each(optIn)('keyword %j → sms.opted_in', async (body) => {
    const params: FormParams = [...baseInbound(), ['Body', body]];
    const response = await server.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params));
    expect(response.status).toBe(200);
    expect(server.ingested[0]?.[0]).toMatchObject({
      type: 'sms.opted_in',
      data: { keyword: body.toUpperCase() },
    });
  });

  test.each([...TWILIO_HELP_KEYWORDS, 'help', ' Info '])(
    'keyword %j → no lead event, and the TwiML says it was ignored',
    async (body) => {
      const params: FormParams = [...baseInbound(), ['Body', body]];
      const response = await server.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params));
      expect(response.status).toBe(200);
      expect(response.contentType).toMatch(/^text\/xml/);
      expect(response.text).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?><Response><!-- ignored: .* --><\/Response>$/,
      );
      expect(response.text).toContain(`${body.trim().toUpperCase()} keyword`);
      expect(server.ingested).toEqual([]);
    },
  );

  test('matching is on the whole trimmed body: a sentence with STOP in it is a reply', () => {
    expect(classifyInboundSms('stop texting me', undefined)).toEqual({ kind: 'reply' });
    expect(classifyInboundSms('YES please', undefined)).toEqual({ kind: 'reply' });
    expect(classifyInboundSms('\n Stop \t', undefined)).toEqual({ kind: 'opted_out', keyword: 'STOP' });
  });

  test('OptOutType (Advanced Opt-Out) wins over the body', async () => {
    expect(classifyInboundSms('ARRET', 'STOP')).toEqual({ kind: 'opted_out', keyword: 'STOP' });
    expect(classifyInboundSms('stop', 'START')).toEqual({ kind: 'opted_in', keyword: 'START' });
    expect(classifyInboundSms('aide', 'HELP')).toEqual({ kind: 'help', keyword: 'HELP' });
    // An unknown OptOutType falls back to the body.
    expect(classifyInboundSms('stop', 'SOMETHING')).toEqual({ kind: 'opted_out', keyword: 'STOP' });

    const params: FormParams = [...baseInbound(), ['Body', 'ARRET'], ['OptOutType', 'STOP']];
    const response = await server.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params));
    expect(response.status).toBe(200);
    expect(server.ingested[0]?.[0]).toMatchObject({
      type: 'sms.opted_out',
      data: { keyword: 'STOP', source: 'sms STOP', reportedBy: 'lead' },
    });
  });
});

describe('Twilio status callbacks', () => {
  const CALLBACK = `${STATUS_PATH}?leadId=crm-1001&touchKey=nurture-crm-1001%3Av1%3Afollow-up%3Asms%3Aa`;

  test('delivered → sms.delivered, tied to the lead by the callback URL', async () => {
    const params = formParams(fixtureObject('twilio-status-delivered.json'));
    const response = await server.post(CALLBACK, formBody(params), twilioHeaders(CALLBACK, params));

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested).toEqual([
      [
        {
          source: 'twilio',
          externalId: 'SM6c2a1b0f9e8d7c6b5a4f3e2d1c0b9a8f:delivered',
          type: 'sms.delivered',
          occurredAt: RECEIVED_AT,
          match: {
            leadId: 'crm-1001',
            touchKey: 'nurture-crm-1001:v1:follow-up:sms:a',
            phone: '+14155550123',
          },
          data: {},
        },
      ],
    ]);
  });

  test('undelivered → sms.failed carrying the ErrorCode; 21610 → sms.opted_out reported by the carrier', async () => {
    const params = formParams(fixtureObject('twilio-status-undelivered.json'));
    const response = await server.post(CALLBACK, formBody(params), twilioHeaders(CALLBACK, params));
    expect(response.status).toBe(200);

    const failed: FormParams = params.map(([name, value]) => [
      name,
      name === 'MessageStatus' || name === 'SmsStatus' ? 'failed' : name === 'ErrorCode' ? '21610' : value,
    ]);
    expect((await server.post(CALLBACK, formBody(failed), twilioHeaders(CALLBACK, failed))).status).toBe(200);

    const match = {
      leadId: 'crm-1001',
      touchKey: 'nurture-crm-1001:v1:follow-up:sms:a',
      phone: '+14155550123',
    };
    expect(server.ingested).toEqual([
      [
        {
          source: 'twilio',
          externalId: 'SM6c2a1b0f9e8d7c6b5a4f3e2d1c0b9a8f:undelivered',
          type: 'sms.failed',
          occurredAt: RECEIVED_AT,
          match,
          data: { status: 'undelivered', errorCode: 30003 },
        },
      ],
      [
        {
          source: 'twilio',
          externalId: 'SM6c2a1b0f9e8d7c6b5a4f3e2d1c0b9a8f:failed',
          // The recipient's STOP, reported by the carrier: an opt-out, not a failed send.
          type: 'sms.opted_out',
          occurredAt: RECEIVED_AT,
          match,
          data: {
            status: 'failed',
            errorCode: 21610,
            reportedBy: 'carrier',
            source: 'carrier: recipient unsubscribed (21610)',
          },
        },
      ],
    ]);
  });

  test('sent (or any other progress status) is ignored', async () => {
    const params = formParams(fixtureObject('twilio-status-sent.json'));
    const response = await server.post(STATUS_PATH, formBody(params), twilioHeaders(STATUS_PATH, params));
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 0, ignored: 1 });
    expect(server.ingested).toEqual([]);
  });

  test('without leadId/touchKey on the URL the phone number is the match', async () => {
    const params = formParams(fixtureObject('twilio-status-delivered.json'));
    await server.post(STATUS_PATH, formBody(params), twilioHeaders(STATUS_PATH, params));
    expect(server.ingested[0]?.[0]?.match).toEqual({ phone: '+14155550123' });
  });

  test('the callback URL is signed: a changed leadId does not verify', async () => {
    const params = formParams(fixtureObject('twilio-status-delivered.json'));
    const headers = twilioHeaders(CALLBACK, params);
    const tampered = CALLBACK.replace('crm-1001', 'crm-9999');
    expectProblem(await server.post(tampered, formBody(params), headers), 401, 'webhook-signature-invalid');
  });
});

describe('Twilio: verification failures and replays', () => {
  test('missing X-Twilio-Signature: 401', async () => {
    const params = baseInbound();
    const response = await server.post(SMS_PATH, formBody(params), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectProblem(response, 401, 'webhook-signature-missing');
  });

  test('a wrong token, a wrong URL, or a changed parameter: 401', async () => {
    const params = baseInbound();
    const wrongToken = computeTwilioSignature('another-token', `${PUBLIC_BASE_URL}${SMS_PATH}`, params);
    const wrongUrl = twilioHeaders(SMS_PATH, params, `https://other.example.com${SMS_PATH}`);
    const attempts = [
      { body: formBody(params), headers: { 'X-Twilio-Signature': wrongToken } },
      { body: formBody(params), headers: wrongUrl },
      { body: formBody([...params, ['Body', 'STOP']]), headers: twilioHeaders(SMS_PATH, params) },
    ];
    for (const attempt of attempts) {
      const response = await server.post(SMS_PATH, attempt.body, attempt.headers);
      expectProblem(response, 401, 'webhook-signature-invalid');
      expect(response.text).not.toContain('+14155550123');
    }
    expect(server.ingested).toEqual([]);
  });

  test('Twilio signing with an explicit :443 is accepted, as its libraries do', async () => {
    const params = baseInbound();
    const headers = twilioHeaders(SMS_PATH, params, `https://hooks.example.com:443${SMS_PATH}`);
    expect((await server.post(SMS_PATH, formBody(params), headers)).status).toBe(200);
  });

  test('a replay is byte-identical to a Twilio retry: accepted, with the same externalId for the inbox to drop', async () => {
    const params = baseInbound();
    const headers = twilioHeaders(SMS_PATH, params);
    expect((await server.post(SMS_PATH, formBody(params), headers)).status).toBe(200);
    expect((await server.post(SMS_PATH, formBody(params), headers)).status).toBe(200);
    const [first, second] = server.ingested;
    expect(first).toEqual(second);
  });

  test('a valid signature over a payload without MessageSid: 400', async () => {
    const params: FormParams = [
      ['From', '+14155550123'],
      ['Body', 'hi'],
    ];
    const response = await server.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params));
    const problem = expectProblem(response, 400, 'validation-error');
    expect(problem.issues).toEqual([expect.objectContaining({ path: ['body', 'MessageSid'] })]);
  });
});

describe('Twilio: configuration and failures', () => {
  test('unconfigured: 501 naming the missing variables', async () => {
    const noToken = await startWebhookServer({ secrets: { ...TEST_SECRETS, twilioAuthToken: undefined } });
    const nothing = await startWebhookServer({ secrets: {} });
    try {
      const params = baseInbound();
      const tokenProblem = expectProblem(
        await noToken.post(SMS_PATH, formBody(params), twilioHeaders(SMS_PATH, params)),
        501,
        'webhook-not-configured',
      );
      expect(tokenProblem.detail).toContain('TWILIO_AUTH_TOKEN');
      expect(tokenProblem.detail).not.toContain('PUBLIC_BASE_URL');

      const both = expectProblem(
        await nothing.post(STATUS_PATH, formBody(params), twilioHeaders(STATUS_PATH, params)),
        501,
        'webhook-not-configured',
      );
      expect(both.detail).toContain('TWILIO_AUTH_TOKEN');
      expect(both.detail).toContain('PUBLIC_BASE_URL');
    } finally {
      await noToken.close();
      await nothing.close();
    }
  });

  test('ingest throwing: 500 on both endpoints', async () => {
    const failing = await startWebhookServer({ ingest: failingIngest() });
    try {
      const inbound = baseInbound();
      expectProblem(
        await failing.post(SMS_PATH, formBody(inbound), twilioHeaders(SMS_PATH, inbound)),
        500,
        'internal-error',
      );
      const status = formParams(fixtureObject('twilio-status-delivered.json'));
      expectProblem(
        await failing.post(STATUS_PATH, formBody(status), twilioHeaders(STATUS_PATH, status)),
        500,
        'internal-error',
      );
    } finally {
      await failing.close();
    }
  });
});

/** The documented inbound request without its Body (tests add their own). */
function baseInbound(): FormParams {
  return formParams(fixtureObject('twilio-inbound-sms.json')).filter(([name]) => name !== 'Body');
}
