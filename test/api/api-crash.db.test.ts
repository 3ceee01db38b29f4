import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SIGNAL_CLAIM_LEASE_MS, workflowEventId } from '../../api/inbox/event-inbox';
import { startEventRelay } from '../../api/inbox/event-relay';
import { createLogger } from '../../config/logger';
import { debugFullStateQuery } from '../../workflows/definitions';
import type { ApiProcessReady, CrashPoint } from '../support/api-process';
import { eventually } from '../support/eventually';
import { leadEventSignals } from '../support/signal-history';
import { startWaitingNurture, type NurtureHandle } from '../support/waiting-nurture';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The API is killed (SIGKILL) between receiving a Cal.com webhook and
 * answering it, so the provider sees no 2xx and redelivers the same bytes to
 * a restarted API. The event must take effect exactly once, whichever side of
 * the Temporal signal the crash fell on: the inbox signals only what it has
 * not marked, the dead process's claim lapses after the lease, and the relay
 * takes over. The API runs in child processes
 * (test/support/api-process.ts); Temporal, the worker and the database stay
 * in this process, the database served over the wire so the children reach it.
 */

const SECRET = 'calcom-crash-test-secret';
const ROOT = path.join(__dirname, '../..');
const API_PROCESS = path.join(__dirname, '../support/api-process.ts');
const fixture = (name: string) =>
  readFileSync(path.join(__dirname, `../fixtures/webhooks/${name}.json`), 'utf8');
const bookingCreated = fixture('calcom-booking-created');
const bookingCancelled = fixture('calcom-booking-cancelled');

let db: TestDatabase | undefined;
let taskQueue: string | undefined;
const children = new Set<ApiChild>();

// Children first (hooks run in the order declared): they hold connections to
// the Temporal server and the database stopped after them.
afterAll(async () => {
  await Promise.allSettled([...children].map((child) => child.stop()));
}, 90_000);

const harness = useTemporalHarness({ per: 'file' });

beforeAll(async () => {
  db = await openTestDatabase();
  ({ taskQueue } = await harness.startWorker(db.prisma));
}, 90_000);

afterAll(async () => {
  await db?.close();
}, 90_000);

function setup() {
  if (db === undefined || taskQueue === undefined) throw new Error('beforeAll failed');
  return { db, taskQueue };
}

interface ApiChild {
  base: string;
  /** How the process ended; pending while it runs. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  stop: () => Promise<void>;
}

const readySchema = z.object({ listening: z.number().int() }) satisfies z.ZodType<ApiProcessReady>;

/** Starts the API in a child process and resolves once it listens (never on a timer). */
async function startApiChild(crash?: CrashPoint): Promise<ApiChild> {
  const { db, taskQueue } = setup();
  const args = ['--import', 'tsx', API_PROCESS];
  if (crash !== undefined) args.push(`--crash=${crash}`);
  if (db.kind === 'pglite') args.push('--embedded-db');
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: harness.env.address,
      TEMPORAL_NAMESPACE: harness.env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      CALCOM_WEBHOOK_SECRET: SECRET,
      // TEST_LOG=info shows the child's request log in the failure output.
      LOG_LEVEL: process.env.TEST_LOG ?? 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: z.number().nullable().parse(code),
    signal: z.string().nullable().parse(signal),
  }));
  const handle: ApiChild = {
    base: '',
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  children.add(handle);
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message) => {
      const ready = readySchema.safeParse(message);
      if (ready.success) resolve(ready.data.listening);
    });
    // A spawn failure ('error') rejects `exited` itself: reported as is.
    exited.then(({ code, signal }) => {
      reject(new Error(`api process ended (${String(code ?? signal)}) before listening:\n${output}`));
    }, reject);
  });
  handle.base = `http://127.0.0.1:${String(port)}`;
  return handle;
}

/** One webhook delivery as Cal.com sends it: the body and the hex HMAC-SHA256 of its bytes. */
interface Delivery {
  body: string;
  signature: string;
}

function calcomDelivery(template: string, email: string, uid: string): Delivery {
  const body = template
    .replaceAll('john.doe@example.com', email)
    .replace(/"uid": "[^"]*"/, `"uid": "${uid}"`);
  return { body, signature: createHmac('sha256', SECRET).update(body).digest('hex') };
}

function deliver(base: string, delivery: Delivery): Promise<Response> {
  return fetch(`${base}/webhooks/calcom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cal-signature-256': delivery.signature },
    body: delivery.body,
  });
}

/** The socket-level cause of a failed fetch: what a provider sees when the API dies mid-request. */
async function connectionFailure(request: Promise<Response>): Promise<string> {
  const outcome = await request.then(
    (response) => ({ response }),
    (error: unknown) => ({ error }),
  );
  if ('response' in outcome)
    throw new Error(`expected no answer, got HTTP ${String(outcome.response.status)}`);
  // Not `instanceof TypeError`: fetch's errors come from another realm than jest's globals.
  const failure = z
    .object({ message: z.string(), cause: z.object({ code: z.string() }) })
    .parse(outcome.error);
  expect(failure.message).toBe('fetch failed');
  return failure.cause.code;
}

function startNurture(prefix: string): Promise<{ leadId: string; email: string; handle: NurtureHandle }> {
  const { db, taskQueue } = setup();
  const email = `${prefix}-${String(Date.now())}@example.com`;
  return startWaitingNurture({ client: harness.env.client, prisma: db.prisma, taskQueue }, { email });
}

function signalsOf(handle: NurtureHandle, eventId: string): Promise<{ count: number; handled: boolean }> {
  return leadEventSignals(harness.env.client, handle, eventId);
}

/**
 * A relay pass (every API process runs one) at a time past the claim lease: the
 * claim the killed process took before signalling has lapsed by then.
 */
async function relayAfterTheLease(): Promise<number> {
  const { db } = setup();
  const later = Date.now() + SIGNAL_CLAIM_LEASE_MS + 1_000;
  const relay = startEventRelay(
    { prisma: db.prisma, temporal: harness.env.client, logger: createLogger('silent') },
    { intervalMs: 600_000, now: () => later, passAtStart: false },
  );
  try {
    return await relay.runOnce();
  } finally {
    await relay.stop();
  }
}

async function decisionsAbout(leadId: string, reasonStart: string) {
  return (await setup().db.prisma.decision.findMany({ where: { leadId } })).filter((d) =>
    d.reason.startsWith(reasonStart),
  );
}

describe('the API killed between receiving a webhook and acknowledging it', () => {
  test('after claiming, before signalling: acknowledged on redelivery, delivered once when the claim lapses', async () => {
    const { db } = setup();
    const { leadId, email, handle } = await startNurture('crash-before-signal');
    const delivery = calcomDelivery(bookingCreated, email, `uid-${leadId}`);
    const eventId = workflowEventId('calcom', `BOOKING_CREATED:uid-${leadId}`);

    const crashing = await startApiChild('before-signal');
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(
      await connectionFailure(deliver(crashing.base, delivery)),
    );
    expect(await crashing.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The crash fell where intended: stored and claimed, but the workflow never heard of it.
    const stored = await db.prisma.event.findMany({ where: { leadId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.signaledAt).toBeNull();
    expect(stored[0]?.signalClaimedAt).not.toBeNull();
    expect((await signalsOf(handle, eventId)).count).toBe(0);

    // The provider got no 2xx: it redelivers the very same bytes, to a restarted API.
    // A live claim cannot be told from a slow one, so that request leaves it alone.
    const restarted = await startApiChild();
    const reply = await deliver(restarted.base, delivery);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ received: 1, ignored: 0 });
    expect((await signalsOf(handle, eventId)).count).toBe(0);

    // Once the dead process's claim has lapsed, the relay delivers it.
    expect(await relayAfterTheLease()).toBe(1);
    expect(await handle.result()).toEqual({ status: 'converted' });
    const events = await db.prisma.event.findMany({ where: { leadId } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'calcom', type: 'meeting.booked', id: stored[0]?.id });
    expect(events[0]?.signaledAt).not.toBeNull();
    expect(await signalsOf(handle, eventId)).toEqual({ count: 1, handled: true });
    expect(await decisionsAbout(leadId, 'meeting booked')).toHaveLength(1);
  }, 90_000);

  test("after signalling, before marking: the redelivery signals nothing; the workflow drops the relay's late copy", async () => {
    const { db } = setup();
    // A cancellation, not a booking: the nurture stays open, so the relay's second
    // signal really reaches the workflow and its de-duplication is what is tested
    // (a converted nurture would have closed and refused the second signal).
    const { leadId, email, handle } = await startNurture('crash-after-signal');
    const delivery = calcomDelivery(bookingCancelled, email, `uid-${leadId}`);
    const eventId = workflowEventId('calcom', `BOOKING_CANCELLED:uid-${leadId}`);

    const crashing = await startApiChild('after-signal');
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(
      await connectionFailure(deliver(crashing.base, delivery)),
    );
    expect(await crashing.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Signalled, then killed before the record was marked and before the 2xx.
    expect((await db.prisma.event.findMany({ where: { leadId } })).map((e) => e.signaledAt)).toEqual([null]);
    const applied = await eventually(
      () => handle.query(debugFullStateQuery),
      (s) => s.seenEventIds.includes(eventId),
    );
    await eventually(
      () => decisionsAbout(leadId, 'meeting canceled'),
      (rows) => rows.length === 1,
    );

    const restarted = await startApiChild();
    const reply = await deliver(restarted.base, delivery);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ received: 1, ignored: 0 });
    expect((await signalsOf(handle, eventId)).count).toBe(1);

    // The inbox cannot know the dead process's signal went out: once its claim has
    // lapsed the relay signals again, and the workflow's own window (the second
    // guard) drops the copy. Wait until the worker has handled it.
    expect(await relayAfterTheLease()).toBe(1);
    await eventually(
      () => signalsOf(handle, eventId),
      (s) => s.count === 2 && s.handled,
    );
    const state = await handle.query(debugFullStateQuery);
    expect(state.seenEventIds.filter((id) => id === eventId)).toHaveLength(1);
    expect(state.decisionCount).toBe(applied.decisionCount);
    expect(state.status).toBe(applied.status);
    expect(await decisionsAbout(leadId, 'meeting canceled')).toHaveLength(1);
    const events = await db.prisma.event.findMany({ where: { leadId } });
    expect(events).toHaveLength(1);
    expect(events[0]?.signaledAt).not.toBeNull();
  }, 90_000);
});
