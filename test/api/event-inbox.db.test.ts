import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { workflowEventId } from '../../api/inbox/event-inbox';
import { startEventRelay } from '../../api/inbox/event-relay';
import { createLogger } from '../../config/logger';
import { debugFullStateQuery } from '../../workflows/definitions';
import { eventually } from '../support/eventually';
import { leadEventSignals } from '../support/signal-history';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startWaitingNurture, type NurtureHandle } from '../support/waiting-nurture';

/**
 * The inbox is the source of truth for "applied once": an event it recorded
 * reaches the workflow once, however late the duplicate comes (the workflow's
 * own id window holds only the last 500), however many copies arrive at once,
 * and also when Temporal is down at the time (the relay delivers it later).
 */

// Well past the workflow's window of 500 remembered event ids.
const NEWER_EVENTS = 600;

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SENDGRID_PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let taskQueue: string;
let api: TestApi;
/** The same app with a Temporal client whose server is gone. */
let offline: TestApi;
let offlineConnection: Connection;

/** A loopback port nothing listens on: connections to it are refused. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return address.port;
}

beforeAll(async () => {
  db = await openTestDatabase();
  ({ taskQueue } = await harness.startWorker(db.prisma));
  const common = {
    prisma: db.prisma,
    taskQueue,
    webhookSecrets: { sendgridPublicKey: SENDGRID_PUBLIC_KEY },
    // The 600-event tests post more than a minute's default allowance.
    overrides: { rateLimitPerMinute: 100_000 },
  };
  api = await startTestApi({ ...common, temporal: harness.env.client });
  offlineConnection = Connection.lazy({ address: `127.0.0.1:${String(await deadPort())}` });
  offline = await startTestApi({ ...common, temporal: new Client({ connection: offlineConnection }) });
}, 90_000);

afterAll(async () => {
  await api.close();
  await offline.close();
  await offlineConnection.close();
  await db.close();
}, 90_000);

function startNurture() {
  return startWaitingNurture({ client: harness.env.client, prisma: db.prisma, taskQueue });
}

interface Accepted {
  status: number;
  body: { duplicate?: boolean; delivered?: boolean };
}

async function postEvent(
  target: TestApi,
  leadId: string,
  event: { id: string; type: string },
): Promise<Accepted> {
  const response = await fetch(`${target.base}/v1/leads/${leadId}/events`, {
    method: 'POST',
    headers: { ...target.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...event, occurredAt: new Date().toISOString() }),
  });
  return { status: response.status, body: (await response.json()) as Accepted['body'] };
}

/** Posts an event and expects it accepted, with these flags. */
async function expectAccepted(
  target: TestApi,
  leadId: string,
  event: { id: string; type: string },
  body: Accepted['body'] = {},
): Promise<void> {
  expect(await postEvent(target, leadId, event)).toMatchObject({ status: 202, body });
}

/** How many times the event reached the nurture, across its runs. */
async function signalCount(handle: NurtureHandle, eventId: string): Promise<number> {
  return (await leadEventSignals(harness.env.client, handle, eventId)).count;
}

/**
 * Posts a marker event after everything else and waits until the workflow
 * has handled it: signals are applied in order, so the state then reflects
 * every earlier one, and a second signal would already be in the history.
 */
async function settled(leadId: string, handle: NurtureHandle, markerId: string) {
  await expectAccepted(api, leadId, { id: markerId, type: 'sms.delivered' });
  return handledThrough(handle, workflowEventId('api', markerId));
}

/** Runs `task` over `items`, `width` at a time, as a busy backend would post them. */
async function inParallel<T>(items: T[], width: number, task: (item: T) => Promise<unknown>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

/** Waits until the workflow has handled every signal up to `eventId` (signals are applied in order). */
async function handledThrough(handle: NurtureHandle, eventId: string) {
  await eventually(
    () => leadEventSignals(harness.env.client, handle, eventId),
    (s) => s.handled,
    { attempts: 600 },
  );
  return handle.query(debugFullStateQuery);
}

/** A SendGrid Event Webhook POST, signed as SendGrid signs it, at `signedAt` (epoch ms). */
function sendgridDelivery(events: Record<string, unknown>[], signedAt = Date.now()) {
  const body = JSON.stringify(events);
  const timestamp = String(Math.floor(signedAt / 1000));
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), privateKey);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'X-Twilio-Email-Event-Webhook-Signature': signature.toString('base64'),
      'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
    },
  };
}

function sendgridEvent(event: 'click' | 'delivered', email: string, sgEventId: string) {
  return {
    email,
    event,
    timestamp: Math.floor(Date.now() / 1000),
    sg_event_id: sgEventId,
    sg_message_id: 'msg.filter0001',
    ...(event === 'click' ? { url: 'https://example.com/pricing-guide' } : {}),
  };
}

async function postSendgrid(target: TestApi, delivery: ReturnType<typeof sendgridDelivery>) {
  const response = await fetch(`${target.base}/webhooks/sendgrid`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a duplicate the inbox recorded never reaches the workflow again', () => {
  test(`the API: an event posted again after ${String(NEWER_EVENTS)} newer ones is applied once`, async () => {
    const { leadId, handle } = await startNurture();
    const first = { id: 'click-1', type: 'email.clicked' };
    await expectAccepted(api, leadId, first, { duplicate: false, delivered: true });
    const newer = Array.from({ length: NEWER_EVENTS }, (_, i) => ({
      id: `sms-delivered-${String(i)}`,
      type: 'sms.delivered',
    }));
    await inParallel(newer, 4, (event) => expectAccepted(api, leadId, event));

    // A backend retry of the first event, long after the workflow forgot its id.
    await expectAccepted(api, leadId, first, { duplicate: true, delivered: true });

    const state = await settled(leadId, handle, 'after-the-retry');
    // Long gone from the workflow's own window: only the inbox can tell it is a repeat.
    expect(state.seenEventIds.includes(workflowEventId('api', first.id))).toBe(false);
    expect(state.clicks).toBe(1);
    expect(await signalCount(handle, workflowEventId('api', first.id))).toBe(1);
    expect(await db.prisma.event.count({ where: { leadId } })).toBe(NEWER_EVENTS + 2);
  }, 180_000);

  test(`a webhook: a click redelivered after ${String(NEWER_EVENTS)} newer events is applied once`, async () => {
    const { leadId, email, handle } = await startNurture();
    const click = sendgridEvent('click', email, `click-${leadId}`);
    const clickId = workflowEventId('sendgrid', click.sg_event_id);
    expect((await postSendgrid(api, sendgridDelivery([click]))).status).toBe(200);
    const newer = Array.from({ length: NEWER_EVENTS }, (_, i) =>
      sendgridEvent('delivered', email, `delivered-${leadId}-${String(i)}`),
    );
    expect(await postSendgrid(api, sendgridDelivery(newer))).toMatchObject({
      status: 200,
      body: { received: NEWER_EVENTS },
    });

    // SendGrid retries the click's batch later: signed again, the same event id.
    const retry = sendgridDelivery([click], Date.now() + 1_000);
    expect(await postSendgrid(api, retry)).toMatchObject({ status: 200, body: { received: 1 } });

    const state = await settled(leadId, handle, 'after-the-redelivery');
    expect(state.seenEventIds.includes(clickId)).toBe(false);
    expect(state.clicks).toBe(1);
    expect(await signalCount(handle, clickId)).toBe(1);
  }, 180_000);

  test('a SendGrid batch delivered twice with the same bytes and signature: 200 both times, applied once', async () => {
    const { leadId, email, handle } = await startNurture();
    const click = sendgridEvent('click', email, `exact-${leadId}`);
    const delivery = sendgridDelivery([click]);
    expect(await postSendgrid(api, delivery)).toMatchObject({ status: 200, body: { received: 1 } });
    // The answer was lost on the way back: SendGrid sends the very same request again.
    expect(await postSendgrid(api, delivery)).toMatchObject({ status: 200, body: { received: 1 } });

    const state = await settled(leadId, handle, 'after-the-copy');
    expect(state.clicks).toBe(1);
    expect(await signalCount(handle, workflowEventId('sendgrid', click.sg_event_id))).toBe(1);
    expect(await db.prisma.event.count({ where: { leadId, source: 'sendgrid' } })).toBe(1);
  });

  test('copies of a new event posted at once: one reaches the workflow', async () => {
    const { leadId, handle } = await startNurture();
    const event = { id: 'burst-1', type: 'email.clicked' };
    const replies = await Promise.all(Array.from({ length: 8 }, () => postEvent(api, leadId, event)));
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 8 }, () => 202));
    expect(replies.filter((r) => r.body.duplicate === false)).toHaveLength(1);

    const state = await settled(leadId, handle, 'after-the-burst');
    expect(state.clicks).toBe(1);
    expect(await signalCount(handle, workflowEventId('api', event.id))).toBe(1);
  });

  test('a duplicate of an event recorded but never signalled (a crash in between) delivers it, once', async () => {
    const { leadId, handle } = await startNurture();
    await db.prisma.event.create({
      data: { leadId, source: 'api', externalId: 'orphan-1', type: 'email.clicked', occurredAt: new Date() },
    });
    const event = { id: 'orphan-1', type: 'email.clicked' };
    await expectAccepted(api, leadId, event, { duplicate: true, delivered: true });
    await expectAccepted(api, leadId, event, { duplicate: true, delivered: true });

    const state = await settled(leadId, handle, 'after-the-orphan');
    expect(state.clicks).toBe(1);
    expect(await signalCount(handle, workflowEventId('api', event.id))).toBe(1);
  });
});

describe('Temporal unreachable: events are still accepted into the inbox', () => {
  test('the API and a webhook answer 2xx, and the relay applies both once Temporal is back', async () => {
    const { leadId, email, handle } = await startNurture();
    const event = { id: 'while-down-1', type: 'email.clicked' };
    await expectAccepted(offline, leadId, event, { duplicate: false, delivered: false });
    await expectAccepted(offline, leadId, event, { duplicate: true, delivered: false });
    const click = sendgridEvent('click', email, `while-down-${leadId}`);
    expect(await postSendgrid(offline, sendgridDelivery([click]))).toMatchObject({
      status: 200,
      body: { received: 1 },
    });
    const stored = await db.prisma.event.findMany({ where: { leadId } });
    expect(stored.map((e) => [e.signaledAt, e.signalClaimedAt])).toEqual([
      [null, null],
      [null, null],
    ]);

    // Temporal is back: the relay of any API process delivers what waits in the inbox.
    const later = Date.now() + 60_000;
    const relay = startEventRelay(
      { prisma: db.prisma, temporal: harness.env.client, logger: createLogger('silent') },
      { intervalMs: 600_000, now: () => later, passAtStart: false },
    );
    try {
      expect(await relay.runOnce()).toBe(2);
      expect(await relay.runOnce()).toBe(0);
    } finally {
      await relay.stop();
    }
    const state = await settled(leadId, handle, 'after-the-outage');
    expect(state.clicks).toBe(2);
    expect(await signalCount(handle, workflowEventId('api', event.id))).toBe(1);
    expect(await signalCount(handle, workflowEventId('sendgrid', click.sg_event_id))).toBe(1);
    // Delivered now, so a later copy reaches nothing.
    await expectAccepted(api, leadId, event, { duplicate: true, delivered: true });
    expect(await signalCount(handle, workflowEventId('api', event.id))).toBe(1);
  }, 120_000);
});
