import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEventRelay } from '../../api/inbox/event-relay';
import { createLogger } from '../../config/logger';
import { debugFullStateQuery } from '../../workflows/definitions';
import { eventually } from '../support/eventually';
import { startTestApi } from '../support/test-api';
import { startWaitingNurture } from '../support/waiting-nurture';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const SECRET = 'calcom-test-secret';
const booking = readFileSync(
  path.join(__dirname, '../fixtures/webhooks/calcom-booking-created.json'),
  'utf8',
);

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let taskQueue: string;
let closeApi: () => Promise<void>;
let base: string;
let auth: Record<string, string>;

beforeAll(async () => {
  db = await openTestDatabase();
  ({ taskQueue } = await harness.startWorker(db.prisma));
  ({
    base,
    auth,
    close: closeApi,
  } = await startTestApi({
    prisma: db.prisma,
    temporal: harness.env.client,
    taskQueue,
    webhookSecrets: { calcomSecret: SECRET },
  }));
});

afterAll(async () => {
  await closeApi();
  await db.close();
});

/** Posts a Cal.com payload signed as Cal.com signs it: hex HMAC-SHA256 of the raw body. */
async function postCalcom(body: string, secret = SECRET) {
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  const response = await fetch(`${base}/webhooks/calcom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cal-signature-256': signature },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function bookingFor(email: string, uid: string): string {
  return booking.replaceAll('john.doe@example.com', email).replace(/"uid": "[^"]*"/, `"uid": "${uid}"`);
}

function startNurture(email: string) {
  return startWaitingNurture({ client: harness.env.client, prisma: db.prisma, taskQueue }, { email });
}

describe('webhooks into the inbox', () => {
  test('a signed Cal.com booking for a known lead is recorded once and converts the nurture, even when redelivered', async () => {
    const { leadId, email, handle } = await startNurture(`booker-${String(Date.now())}@example.com`);
    const body = bookingFor(email.toUpperCase(), `uid-${leadId}`);
    expect((await postCalcom(body)).status).toBe(200);
    expect((await postCalcom(body)).status).toBe(200);
    expect(await handle.result()).toEqual({ status: 'converted' });
    const events = await db.prisma.event.findMany({ where: { leadId } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'calcom', type: 'meeting.booked' });
    expect(events[0]?.signaledAt).not.toBeNull();
  });

  test('a bad signature is refused with a problem and records nothing', async () => {
    const body = bookingFor('nobody@example.com', 'uid-bad');
    const reply = await postCalcom(body, 'wrong-secret');
    expect(reply.status).toBe(401);
    expect(await db.prisma.unmatchedEvent.count({ where: { externalId: { contains: 'uid-bad' } } })).toBe(0);
  });

  test('an event for no known lead is kept and reported at /v1/events/unmatched, never dropped', async () => {
    const reply = await postCalcom(bookingFor('stranger@example.org', 'uid-stranger'));
    expect(reply.status).toBe(200);
    const list = await fetch(`${base}/v1/events/unmatched?source=calcom`, { headers: auth });
    const items = ((await list.json()) as { items: { externalId: string; matchedBy: string[] }[] }).items;
    const item = items.find((i) => i.externalId.includes('uid-stranger'));
    expect(item?.matchedBy).toContain('email');
    expect(JSON.stringify(items)).not.toContain('stranger@example.org');
  });

  test('a provider that is not configured answers 501 naming the variable to set', async () => {
    const response = await fetch(`${base}/webhooks/sendgrid`, { method: 'POST', body: '[]' });
    expect(response.status).toBe(501);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await response.json())).toContain('SENDGRID_WEBHOOK_PUBLIC_KEY');
  });

  test('an event recorded but never signalled (the process died in between) is delivered by the relay, once', async () => {
    const { leadId, handle } = await startNurture(`relay-${String(Date.now())}@example.com`);
    await db.prisma.event.create({
      data: {
        leadId,
        source: 'api',
        externalId: 'crashed-before-signal',
        type: 'email.clicked',
        occurredAt: new Date(),
        receivedAt: new Date(Date.now() - 60_000),
      },
    });
    const relay = startEventRelay(
      { prisma: db.prisma, temporal: harness.env.client, logger: createLogger('silent') },
      { intervalMs: 60_000, passAtStart: false },
    );
    try {
      expect(await relay.runOnce()).toBeGreaterThanOrEqual(1);
      expect(await relay.runOnce()).toBe(0);
    } finally {
      await relay.stop();
    }
    const state = await eventually(
      () => handle.query(debugFullStateQuery),
      (s) => s.clicks === 1,
    );
    expect(state.seenEventIds).toContain('api:crashed-before-signal');
  });
});
