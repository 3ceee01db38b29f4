import { createHmac } from 'node:crypto';
import {
  expectProblem,
  failingIngest,
  fixtureText,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from './webhook-test-server';

const SECRET = 'calcom-test-secret';
const PATH = '/webhooks/calcom';

/** As Cal.com signs: hex HMAC-SHA256 of the raw body with the webhook's secret. */
function calcomHeaders(body: string, secret = SECRET): Record<string, string> {
  return {
    'content-type': 'application/json',
    'X-Cal-Signature-256': createHmac('sha256', secret).update(body).digest('hex'),
  };
}

const BOOKING = {
  startTime: '2023-05-25T09:30:00.000Z',
  endTime: '2023-05-25T10:30:00.000Z',
  eventType: '60min',
};
const MATCH = { leadId: 'crm-1001', email: 'john.doe@example.com' };

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

describe('Cal.com: documented payloads with valid signatures', () => {
  test('BOOKING_CREATED → meeting.booked', async () => {
    const body = fixtureText('calcom-booking-created.json');
    const response = await server.post(PATH, body, calcomHeaders(body));

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested).toEqual([
      [
        {
          source: 'calcom',
          externalId: 'BOOKING_CREATED:bFJeNb2uX8ANpT3JL5EfXw',
          type: 'meeting.booked',
          occurredAt: '2023-05-24T09:30:00.538Z',
          match: MATCH,
          data: BOOKING,
        },
      ],
    ]);
  });

  test('BOOKING_CANCELLED → meeting.canceled', async () => {
    const body = fixtureText('calcom-booking-cancelled.json');
    expect((await server.post(PATH, body, calcomHeaders(body))).status).toBe(200);
    expect(server.ingested).toEqual([
      [
        {
          source: 'calcom',
          externalId: 'BOOKING_CANCELLED:bFJeNb2uX8ANpT3JL5EfXw',
          type: 'meeting.canceled',
          occurredAt: '2023-05-24T15:02:11.204Z',
          match: MATCH,
          data: BOOKING,
        },
      ],
    ]);
  });

  test('BOOKING_RESCHEDULED → meeting.booked with rescheduled=true, for the new booking', async () => {
    const body = fixtureText('calcom-booking-rescheduled.json');
    expect((await server.post(PATH, body, calcomHeaders(body))).status).toBe(200);
    expect(server.ingested).toEqual([
      [
        {
          source: 'calcom',
          externalId: 'BOOKING_RESCHEDULED:n3wB00kingUidR7sQ2xYzA',
          type: 'meeting.booked',
          occurredAt: '2023-05-24T16:45:09.917Z',
          match: MATCH,
          data: {
            startTime: '2023-05-26T11:00:00.000Z',
            endTime: '2023-05-26T12:00:00.000Z',
            eventType: '60min',
            rescheduled: true,
          },
        },
      ],
    ]);
  });

  test('other triggers (the ping test, MEETING_ENDED…) are acknowledged and ignored', async () => {
    for (const body of [
      JSON.stringify({
        triggerEvent: 'PING',
        createdAt: '2023-05-24T09:30:00.538Z',
        payload: { ping: true },
      }),
      JSON.stringify({ triggerEvent: 'MEETING_ENDED', createdAt: '2023-05-24T09:30:00.538Z', payload: {} }),
    ]) {
      const response = await server.post(PATH, body, calcomHeaders(body));
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ received: 0, ignored: 1 });
    }
    expect(server.ingested).toEqual([]);
  });
});

describe('Cal.com: verification', () => {
  test('missing signature, and Cal.com\'s "no-secret-provided": 401', async () => {
    const body = fixtureText('calcom-booking-created.json');
    expectProblem(await server.post(PATH, body, {}), 401, 'webhook-signature-missing');
    expectProblem(
      await server.post(PATH, body, { 'X-Cal-Signature-256': 'no-secret-provided' }),
      401,
      'webhook-signature-invalid',
    );
  });

  test('another secret, or one changed byte: 401', async () => {
    const body = fixtureText('calcom-booking-created.json');
    expectProblem(
      await server.post(PATH, body, calcomHeaders(body, 'other')),
      401,
      'webhook-signature-invalid',
    );
    const response = await server.post(PATH, body.replace('John Doe', 'Jane Doe'), calcomHeaders(body));
    expectProblem(response, 401, 'webhook-signature-invalid');
    expect(response.text).not.toContain('john.doe@example.com');
    expect(server.ingested).toEqual([]);
  });

  test('the raw bytes are verified: the same JSON re-serialised does not pass', async () => {
    const body = fixtureText('calcom-booking-created.json');
    const compact = JSON.stringify(JSON.parse(body));
    expectProblem(await server.post(PATH, body, calcomHeaders(compact)), 401, 'webhook-signature-invalid');
  });

  test('a replay (no timestamp in the scheme) is a redelivery: same externalId for the inbox to drop', async () => {
    const body = fixtureText('calcom-booking-created.json');
    expect((await server.post(PATH, body, calcomHeaders(body))).status).toBe(200);
    expect((await server.post(PATH, body, calcomHeaders(body))).status).toBe(200);
    const [first, second] = server.ingested;
    expect(second).toEqual(first);
  });
});

describe('Cal.com: malformed payloads after a valid signature', () => {
  test('not JSON: 400', async () => {
    const body = '{"triggerEvent":';
    expectProblem(await server.post(PATH, body, calcomHeaders(body)), 400, 'malformed-json');
  });

  test('a booking without uid: 400 pointing at it', async () => {
    const body = JSON.stringify({
      triggerEvent: 'BOOKING_CREATED',
      createdAt: '2023-05-24T09:30:00.538Z',
      payload: { attendees: [{ email: 'john.doe@example.com' }] },
    });
    const response = await server.post(PATH, body, calcomHeaders(body));
    const problem = expectProblem(response, 400, 'validation-error');
    expect(problem.issues).toEqual([expect.objectContaining({ path: ['body', 'payload', 'uid'] })]);
    expect(response.text).not.toContain('john.doe@example.com');
  });
});

describe('Cal.com: configuration and failures', () => {
  test('unconfigured: 501 naming CALCOM_WEBHOOK_SECRET', async () => {
    const bare = await startWebhookServer({ secrets: { ...TEST_SECRETS, calcomSecret: '' } });
    try {
      const body = fixtureText('calcom-booking-created.json');
      const problem = expectProblem(
        await bare.post(PATH, body, calcomHeaders(body)),
        501,
        'webhook-not-configured',
      );
      expect(problem.detail).toContain('CALCOM_WEBHOOK_SECRET');
    } finally {
      await bare.close();
    }
  });

  test('ingest throwing: 500', async () => {
    const failing = await startWebhookServer({ ingest: failingIngest() });
    try {
      const body = fixtureText('calcom-booking-created.json');
      expectProblem(await failing.post(PATH, body, calcomHeaders(body)), 500, 'internal-error');
    } finally {
      await failing.close();
    }
  });
});
