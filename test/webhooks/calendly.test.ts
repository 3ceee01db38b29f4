import { createHmac } from 'node:crypto';
import { parseCalendlySignatureHeader } from '../../api/webhooks/calendly';
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

const SIGNING_KEY = 'calendly-test-signing-key';
const PATH = '/webhooks/calendly';

function calendlyV1(body: string, timestamp: string, key = SIGNING_KEY): string {
  return createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');
}

/** As Calendly signs: `t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
function calendlyHeaders(body: string, timestamp = NOW_SECONDS, key = SIGNING_KEY): Record<string, string> {
  return {
    'content-type': 'application/json',
    'Calendly-Webhook-Signature': `t=${timestamp},v1=${calendlyV1(body, timestamp, key)}`,
  };
}

const INVITEE = 'https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA';
const SCHEDULE = {
  startTime: '2020-11-25T16:15:00.000Z',
  endTime: '2020-11-25T16:30:00.000Z',
  eventType: '15 Minute Meeting',
};

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

describe('Calendly: documented payloads with valid signatures', () => {
  test('invitee.created → meeting.booked', async () => {
    const body = fixtureText('calendly-invitee-created.json');
    const response = await server.post(PATH, body, calendlyHeaders(body));

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested).toEqual([
      [
        {
          source: 'calendly',
          externalId: `invitee.created:${INVITEE}`,
          type: 'meeting.booked',
          occurredAt: '2020-11-23T17:51:19.000Z',
          match: { email: 'test@example.com' },
          data: SCHEDULE,
        },
      ],
    ]);
  });

  test('invitee.canceled → meeting.canceled', async () => {
    const body = fixtureText('calendly-invitee-canceled.json');
    expect((await server.post(PATH, body, calendlyHeaders(body))).status).toBe(200);
    expect(server.ingested).toEqual([
      [
        {
          source: 'calendly',
          externalId: `invitee.canceled:${INVITEE}`,
          type: 'meeting.canceled',
          occurredAt: '2020-11-24T09:02:44.000Z',
          match: { email: 'test@example.com' },
          data: { ...SCHEDULE, canceledBy: 'invitee' },
        },
      ],
    ]);
  });

  test('a reschedule (canceled + created, in either order) is one meeting.booked with rescheduled=true', async () => {
    const canceledHalf = fixtureText('calendly-reschedule-canceled.json');
    const createdHalf = fixtureText('calendly-reschedule-created.json');

    const canceled = await server.post(PATH, canceledHalf, calendlyHeaders(canceledHalf));
    expect(canceled.status).toBe(200);
    expect(canceled.json()).toEqual({ received: 0, ignored: 1 });
    const created = await server.post(PATH, createdHalf, calendlyHeaders(createdHalf));
    expect(created.json()).toEqual({ received: 1, ignored: 0 });

    expect(server.ingested).toEqual([
      [
        {
          source: 'calendly',
          externalId:
            'invitee.created:https://api.calendly.com/scheduled_events/HNGBJIPBFZVZHKAX/invitees/BBBBBBBBBBBBBBBB',
          type: 'meeting.booked',
          occurredAt: '2020-11-24T10:00:05.000Z',
          match: { email: 'test@example.com' },
          data: {
            startTime: '2020-11-26T15:00:00.000Z',
            endTime: '2020-11-26T15:15:00.000Z',
            eventType: '15 Minute Meeting',
            rescheduled: true,
          },
        },
      ],
    ]);
  });

  test('other events (routing forms, no-shows) are acknowledged and ignored', async () => {
    const body = JSON.stringify({
      event: 'routing_form_submission.created',
      created_at: '2020-11-23T17:51:19.000000Z',
      payload: {},
    });
    const response = await server.post(PATH, body, calendlyHeaders(body));
    expect(response.json()).toEqual({ received: 0, ignored: 1 });
  });
});

describe('Calendly: verification', () => {
  test('the header parser takes t and every v1', () => {
    expect(parseCalendlySignatureHeader('t=1492774577,v1=aa,v1=bb')).toEqual({
      timestamp: '1492774577',
      signatures: ['aa', 'bb'],
    });
    expect(parseCalendlySignatureHeader('v1=aa')).toBeUndefined();
    expect(parseCalendlySignatureHeader('t=1492774577')).toBeUndefined();
  });

  test('missing header: 401; malformed header: 401', async () => {
    const body = fixtureText('calendly-invitee-created.json');
    expectProblem(await server.post(PATH, body, {}), 401, 'webhook-signature-missing');
    for (const header of ['garbage', `t=abc,v1=${calendlyV1(body, 'abc')}`, `t=${NOW_SECONDS},v1=xyz`]) {
      const response = await server.post(PATH, body, { 'Calendly-Webhook-Signature': header });
      expectProblem(response, 401, 'webhook-signature-invalid');
    }
  });

  test('another key, changed bytes, or a re-serialised body: 401', async () => {
    const body = fixtureText('calendly-invitee-created.json');
    expectProblem(
      await server.post(PATH, body, calendlyHeaders(body, NOW_SECONDS, 'other-key')),
      401,
      'webhook-signature-invalid',
    );
    const response = await server.post(PATH, body.replace('John Doe', 'Jane Doe'), calendlyHeaders(body));
    expectProblem(response, 401, 'webhook-signature-invalid');
    expect(response.text).not.toContain('test@example.com');
    const compact = JSON.stringify(JSON.parse(body));
    expectProblem(await server.post(PATH, body, calendlyHeaders(compact)), 401, 'webhook-signature-invalid');
    expect(server.ingested).toEqual([]);
  });

  test('stale: older than the 3-minute window (or as far ahead) is 401; within it passes', async () => {
    const body = fixtureText('calendly-invitee-created.json');
    const old = String(NOW / 1000 - 181);
    expectProblem(await server.post(PATH, body, calendlyHeaders(body, old)), 401, 'webhook-signature-stale');
    const ahead = String(NOW / 1000 + 181);
    expectProblem(
      await server.post(PATH, body, calendlyHeaders(body, ahead)),
      401,
      'webhook-signature-stale',
    );
    const recent = String(NOW / 1000 - 170);
    expect((await server.post(PATH, body, calendlyHeaders(body, recent))).status).toBe(200);
  });

  test('the window is configurable', async () => {
    const patient = await startWebhookServer({ signatureMaxAgeMs: { calendly: 10 * 60_000 } });
    try {
      const body = fixtureText('calendly-invitee-created.json');
      const nineMinutesAgo = String(NOW / 1000 - 9 * 60);
      expect((await patient.post(PATH, body, calendlyHeaders(body, nineMinutesAgo))).status).toBe(200);
    } finally {
      await patient.close();
    }
  });

  test('delivered again (also with the hex re-cased): 200, the same events for the inbox to store once', async () => {
    const body = fixtureText('calendly-invitee-created.json');
    const headers = calendlyHeaders(body);
    expect((await server.post(PATH, body, headers)).status).toBe(200);
    expect((await server.post(PATH, body, headers)).status).toBe(200);
    const upper = `t=${NOW_SECONDS},v1=${calendlyV1(body, NOW_SECONDS).toUpperCase()}`;
    expect((await server.post(PATH, body, { 'Calendly-Webhook-Signature': upper })).status).toBe(200);
    expect(server.ingested).toHaveLength(3);
    expect(new Set(server.ingested.map((batch) => JSON.stringify(batch))).size).toBe(1);
  });
});

describe('Calendly: malformed payloads after a valid signature', () => {
  test('not JSON: 400; an invitee without uri: 400 pointing at it', async () => {
    const garbage = 'not json';
    expectProblem(await server.post(PATH, garbage, calendlyHeaders(garbage)), 400, 'malformed-json');

    const body = JSON.stringify({
      event: 'invitee.created',
      created_at: '2020-11-23T17:51:19.000000Z',
      payload: { email: 'test@example.com' },
    });
    const problem = expectProblem(
      await server.post(PATH, body, calendlyHeaders(body)),
      400,
      'validation-error',
    );
    expect(problem.issues).toEqual([expect.objectContaining({ path: ['body', 'payload', 'uri'] })]);
  });
});

describe('Calendly: configuration and failures', () => {
  test('unconfigured: 501 naming CALENDLY_WEBHOOK_SIGNING_KEY', async () => {
    const bare = await startWebhookServer({ secrets: { ...TEST_SECRETS, calendlySigningKey: undefined } });
    try {
      const body = fixtureText('calendly-invitee-created.json');
      const problem = expectProblem(
        await bare.post(PATH, body, calendlyHeaders(body)),
        501,
        'webhook-not-configured',
      );
      expect(problem.detail).toContain('CALENDLY_WEBHOOK_SIGNING_KEY');
    } finally {
      await bare.close();
    }
  });

  test('ingest throwing: 500', async () => {
    const failing = await startWebhookServer({ ingest: failingIngest() });
    try {
      const body = fixtureText('calendly-invitee-created.json');
      expectProblem(await failing.post(PATH, body, calendlyHeaders(body)), 500, 'internal-error');
    } finally {
      await failing.close();
    }
  });
});
