/**
 * Defect 10 of issue 15: after `DELETE /v1/leads/:id` against the dev server
 * `npm start` runs, the terminated run was still describable minutes later.
 * Against a real `temporal server start-dev`: the history is checked gone
 * (describe, history and visibility all say so), a deletion the server queues
 * is asked again and checked until it holds, and the answer says which.
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createOutboxChannels } from '../../activities/outbox-channel';
import { recordOnlySink } from '../../activities/notification-sink';
import { retryHistoryDeletionsOnce } from '../../api/erasure/history-deletion';
import { createLogger } from '../../config/logger';
import { createNurtureWorker } from '../../worker/create-worker';
import { uniqueLeadId } from '../support/builders';
import { startTestDevServer, type TestDevServer } from '../support/dev-server';
import { eventually } from '../support/eventually';
import { TEST_UNSUBSCRIBE } from '../support/nurture-worker';
import { quietRuntime, workflowBundle } from '../support/temporal-test-env';
import { startTestApi, type TestApi } from '../support/test-api';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const TASK_QUEUE = 'erasure-history-test';

let dev: TestDevServer;
let db: TestDatabase;
let connection: Connection;
let temporal: Client;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let api: TestApi;

beforeAll(async () => {
  quietRuntime();
  [dev, db] = await Promise.all([startTestDevServer(), openTestDatabase()]);
  connection = await Connection.connect({ address: dev.address });
  temporal = new Client({ connection, namespace: dev.namespace });
  native = await NativeConnection.connect({ address: dev.address });
  const outbox = createOutboxChannels(db.prisma);
  worker = await createNurtureWorker({
    connection: native,
    namespace: dev.namespace,
    taskQueue: TASK_QUEUE,
    deps: {
      prisma: db.prisma,
      email: outbox.email,
      sms: outbox.sms,
      unsubscribe: TEST_UNSUBSCRIBE,
      crm: recordOnlySink,
      alerts: recordOnlySink,
    },
    bundle: await workflowBundle(),
  });
  running = worker.run();
  api = await startTestApi({ prisma: db.prisma, temporal, taskQueue: TASK_QUEUE });
}, 120_000);

afterAll(async () => {
  await api.close();
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await native.close();
  await connection.close();
  await dev.stop();
  await db.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: { ...api.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A demo-plan nurture that has sent its first email: a history with activities, timers, search attributes. */
async function enrolledNurture(prefix: string): Promise<{ id: string; workflowId: string; runId: string }> {
  const id = uniqueLeadId(prefix);
  const enrolled = await call('POST', '/v1/leads', {
    id,
    email: `${id}@example.test`,
    consent: { email: true },
    planId: 'demo',
  });
  expect(enrolled.status).toBe(201);
  await eventually(
    () => db.prisma.touch.count({ where: { leadId: id } }),
    (n) => n > 0,
    { attempts: 300, intervalMs: 100 },
  );
  const workflowId = `nurture-${id}`;
  const { runId } = await temporal.workflow.getHandle(workflowId).describe();
  return { id, workflowId, runId };
}

/** Nothing of the run is left to read: not by describe, not its history, not in visibility. */
async function expectHistoryGone(workflowId: string, runId: string): Promise<void> {
  await expect(temporal.workflow.getHandle(workflowId, runId).describe()).rejects.toBeInstanceOf(
    WorkflowNotFoundError,
  );
  await expect(
    temporal.workflowService.getWorkflowExecutionHistory({
      namespace: dev.namespace,
      execution: { workflowId, runId },
    }),
  ).rejects.toMatchObject({ code: 5 });
  const listed = await temporal.workflowService.listWorkflowExecutions({
    namespace: dev.namespace,
    query: `WorkflowId = '${workflowId}'`,
  });
  expect(listed.executions).toEqual([]);
}

describe('erasure deletes the Temporal history, checked', () => {
  test('a running nurture: the history is gone when the answer comes, and the answer says deleted', async () => {
    const { id, workflowId, runId } = await enrolledNurture('erase-running');
    const erased = await call('DELETE', `/v1/leads/${id}`);
    expect(erased).toMatchObject({ status: 200, body: { history: 'deleted' } });
    await expectHistoryGone(workflowId, runId);
    const record = await db.prisma.historyErasure.findUniqueOrThrow({ where: { workflowId } });
    expect(record).toMatchObject({ status: 'deleted', leadId: id });
    expect(record.deletedAt).toBeInstanceOf(Date);
  });

  test('a nurture that had already closed: the server queues the deletion; it is asked again and checked until the history is gone', async () => {
    const { id, workflowId, runId } = await enrolledNurture('erase-closed');
    // Ended before the erasure (a hand-off closed it, an operator terminated it).
    await temporal.workflow.getHandle(workflowId).terminate('closed before erasure');
    const erased = await call('DELETE', `/v1/leads/${id}`);
    expect(erased.status).toBe(200);
    expect(['deleted', 'deletion-pending']).toContain(erased.body.history);

    const logger = createLogger('silent');
    // The cleanup loop's passes, each made due at once instead of after its backoff; bounded.
    const record = await eventually(
      async () => {
        await db.prisma.historyErasure.updateMany({
          where: { workflowId, status: 'pending' },
          data: { nextAttemptAt: new Date() },
        });
        await retryHistoryDeletionsOnce({ prisma: db.prisma, temporal, logger });
        return db.prisma.historyErasure.findUniqueOrThrow({ where: { workflowId } });
      },
      (r) => r.status !== 'pending',
      { attempts: 120, intervalMs: 1_000 },
    );
    expect(record.status).toBe('deleted');
    await expectHistoryGone(workflowId, runId);
    // Asked again, the erasure answers what was checked, without asking the server.
    const again = await call('DELETE', `/v1/leads/${id}`);
    expect(again.body).toMatchObject({ alreadyErased: true, history: 'deleted' });
  });
});
