import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { emailMessageId } from '../../activities/message-channels';
import { workflowIdForLead } from '../../workflows/ids';
import { insertLead } from '../support/builders';
import { eventually } from '../support/eventually';
import { TEST_UNSUBSCRIBE } from '../support/nurture-worker';
import { useTemporalHarness } from '../support/temporal-harness';
import { workflowBundle } from '../support/temporal-test-env';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/*
 * The crash test: the worker process is killed after the provider
 * accepted a message and before the activity completed; after a restart the
 * workflow finishes and the provider received exactly one message.
 *
 * Everything on the path is real except the Temporal server (the
 * time-skipping test server): two worker processes, the SMTP adapter, an SMTP
 * server, the database over the wire protocol.
 *
 * Two properties of the time-skipping server shape this test:
 * - It takes a time lock for every scheduled activity until that activity
 *   closes, so it cannot skip over the dead worker's attempt: the activity's
 *   1-minute startToCloseTimeout (workflows/nurture-workflow.ts) runs out in
 *   real time. That minute is the price of letting Temporal itself declare
 *   the attempt lost; once it is, time skipping runs the rest of the plan.
 * - It never moves a workflow task off a dead worker's sticky queue (a real
 *   server does, after the sticky schedule-to-start timeout), and it does not
 *   implement ResetStickyTaskQueue. So both workers run without a workflow
 *   cache (maxCachedWorkflows 0, a knob the production worker already has):
 *   every workflow task goes to the shared task queue. What is under test, the
 *   send activity after a crash, does not depend on the cache.
 */

// One minute of the dead attempt's timeout in real time, two worker starts, the plan's remaining 90 days.
jest.setTimeout(150_000);

const EMAIL_FROM = '"Acme Team" <team@acme.test>';
const SENDER = { email: 'team@acme.test' };

let db: TestDatabase;
let smtp: SMTPServer;
let smtpPort: number;
let bundleDir: string | undefined;
let bundlePath: string;
const workers: WorkerProcess[] = [];

// Children first, whatever happened (hooks run in the order declared): a live
// worker would keep polling the server the harness stops next.
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
});

const harness = useTemporalHarness({ per: 'file' });

/** What the SMTP server took in, in order: the provider's own record. */
const received: { touchKey: string | undefined; messageId: string | undefined }[] = [];
/** Runs once the next message has been taken in full, before the server answers 250. */
let onNextMessage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  db = await openTestDatabase();
  // Bundled once here; each worker process loads the file instead of running webpack itself.
  bundleDir = mkdtempSync(path.join(tmpdir(), 'nurture-crash-'));
  bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await workflowBundle()).code);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        async (mail) => {
          const touchKey = mail.headers.get('x-nurture-touch-key');
          received.push({
            touchKey: typeof touchKey === 'string' ? touchKey : undefined,
            messageId: mail.messageId,
          });
          const hook = onNextMessage;
          onNextMessage = undefined;
          if (hook !== undefined) await hook();
          callback();
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  });
  // The 250 after the kill goes to a socket whose peer is gone: expected, not a failure.
  smtp.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    smtp.listen(0, '127.0.0.1', resolve);
  });
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    smtp.close(resolve);
  });
  await db.close();
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
});

async function startWorker(taskQueue: string): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({
    temporalAddress: harness.env.address,
    namespace: harness.env.namespace ?? 'default',
    taskQueue,
    databaseUrl: db.url,
    embeddedDatabase: db.kind === 'pglite',
    smtpUrl: `smtp://127.0.0.1:${String(smtpPort)}`,
    emailFrom: EMAIL_FROM,
    workflowBundlePath: bundlePath,
    unsubscribe: TEST_UNSUBSCRIBE,
    maxCachedWorkflows: 0,
  });
  workers.push(worker);
  return worker;
}

/** The attempt number of each sendTouch start recorded in the history, in order. */
function sendTouchStarts(history: temporal.api.history.v1.IHistory) {
  const events = history.events ?? [];
  const sendTouchScheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendTouch')
      .map((e) => String(e.eventId)),
  );
  return events
    .map((e) => e.activityTaskStartedEventAttributes)
    .filter((a) => a != null && sendTouchScheduled.has(String(a.scheduledEventId)))
    .map((a) => ({ attempt: a?.attempt ?? 0 }));
}

test('a worker killed after the provider took the message and before the activity completed: after a restart the workflow finishes and the provider holds exactly one copy', async () => {
  const input = await insertLead(db.prisma);
  const taskQueue = `nurture-crash-${String(process.pid)}`;
  const first = await startWorker(taskQueue);

  // The crash: the provider has the whole message (it counts as received) and the
  // worker dies before it hears the 250, so the activity can neither record the
  // acceptance nor complete. Killing before answering makes the window certain;
  // answering first would race the worker's database write.
  const crashed = new Promise<void>((resolve) => {
    onNextMessage = async () => {
      await first.kill();
      resolve();
    };
  });
  const handle = await harness.env.client.workflow.start('nurtureWorkflow', {
    taskQueue,
    workflowId: workflowIdForLead(input.leadId),
    args: [input],
  });
  await crashed;
  expect(first.child.signalCode).toBe('SIGKILL');

  expect(received).toHaveLength(1);
  const welcomeKey = received[0]?.touchKey;
  if (welcomeKey === undefined) throw new Error('the message carried no X-Nurture-Touch-Key header');
  expect(received[0]?.messageId).toBe(emailMessageId(welcomeKey, SENDER));
  // What the dead worker left: the provider was being called, its outcome unknown to us.
  const left = await db.prisma.touch.findUniqueOrThrow({ where: { key: welcomeKey } });
  expect(left).toMatchObject({ leadId: input.leadId, step: 'welcome', status: 'calling', provider: 'smtp' });
  expect(left.providerMessageId).toBeNull();

  await startWorker(taskQueue);

  // Temporal declares the dead attempt lost (start-to-close timeout) and retries on
  // the new worker, which finds `calling` and asks the channel before sending.
  const recorded = await eventually(
    () => db.prisma.touch.findUniqueOrThrow({ where: { key: welcomeKey } }),
    (row) => row.status !== 'calling',
    { attempts: 1_200, intervalMs: 100 },
  );
  expect(recorded).toMatchObject({ status: 'sent', providerMessageId: emailMessageId(welcomeKey, SENDER) });

  // With the attempt closed, time skipping runs the rest of the plan to its end.
  expect(await handle.result()).toEqual({ status: 'completed' });

  const forWelcome = received.filter((r) => r.touchKey === welcomeKey);
  expect(forWelcome).toHaveLength(1);
  // The workflow moved on past that send: the later steps went out, each once, each recorded.
  const touches = await db.prisma.touch.findMany({
    where: { leadId: input.leadId },
    orderBy: { createdAt: 'asc' },
  });
  expect(touches.length).toBeGreaterThan(1);
  expect(touches.map((t) => t.status)).toEqual(touches.map(() => 'sent'));
  expect(received.map((r) => r.touchKey).sort()).toEqual(touches.map((t) => t.key).sort());

  // And it was Temporal's retry that got there: the dead worker never reported
  // back, so the second attempt follows the first one's start-to-close timeout.
  // (This server leaves the started event's lastFailure empty.) No later send was retried.
  const starts = sendTouchStarts(await handle.fetchHistory());
  expect(starts[0]?.attempt).toBe(2);
  expect(starts.slice(1).map((s) => s.attempt)).toEqual(starts.slice(1).map(() => 1));
});
