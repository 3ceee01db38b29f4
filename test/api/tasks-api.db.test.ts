import { cancelOpenTasksForLead } from '../../prisma/repositories/linkedin-task-repository';
import { debugFullStateQuery, nurtureStateQuery } from '../../workflows/definitions';
import { workflowIdForLead } from '../../workflows/ids';
import { insertLead } from '../support/builders';
import { eventually } from '../support/eventually';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const HOUR = 3_600_000;

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let taskQueue: string;
let api: TestApi;

beforeAll(async () => {
  db = await openTestDatabase();
  ({ taskQueue } = await harness.startWorker(db.prisma));
  api = await startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue });
});

afterAll(async () => {
  await api.close();
  await db.close();
});

interface Reply {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = api.auth,
): Promise<Reply> {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const taskPath = (key: string, action: 'complete' | 'skip') =>
  `/v1/tasks/${encodeURIComponent(key)}/${action}`;

interface TaskItem {
  id: string;
  leadId: string;
  leadName: string | null;
  company: string | null;
  kind: string;
  text: string;
  status: string;
  createdAt: string;
  closedAt: string | null;
  reason: string | null;
}

async function listTasks(repId: string, query = ''): Promise<TaskItem[]> {
  const reply = await call('GET', `/v1/reps/${repId}/tasks${query}`);
  expect(reply.status).toBe(200);
  return reply.body.items as TaskItem[];
}

let repCounter = 0;
function uniqueRep(): string {
  repCounter += 1;
  return `rep-${String(process.pid)}-${String(repCounter)}`;
}

/** A lead (Ada at Acme) with one task row written directly, as the engine writes it; no workflow. */
async function leadWithTask(
  ownerId: string,
  task: { status?: string; createdAt?: Date; note?: string } = {},
): Promise<{ leadId: string; key: string }> {
  const { leadId } = await insertLead(db.prisma, { ownerId });
  const key = `${workflowIdForLead(leadId)}:v2:connect:linkedin:a`;
  await db.prisma.linkedInTask.create({
    data: {
      key,
      leadId,
      ownerId,
      kind: 'connection-request',
      note: task.note ?? 'Hi Ada, happy to connect.',
      status: task.status ?? 'open',
      ...(task.createdAt === undefined ? {} : { createdAt: task.createdAt }),
    },
  });
  return { leadId, key };
}

/** A running nurture (rep assigned, email consent), waiting for the welcome email to be opened. */
async function startNurture(ownerId: string) {
  const input = await insertLead(db.prisma, { ownerId });
  const handle = await harness.env.client.workflow.start('nurtureWorkflow', {
    taskQueue,
    workflowId: workflowIdForLead(input.leadId),
    args: [input],
  });
  harness.track(handle.workflowId);
  await eventually(
    () => handle.query(nurtureStateQuery),
    (s) => s.phase === 'awaiting-open',
  );
  return { leadId: input.leadId, handle };
}

/** Lets the 48h open window pass unopened: the plan asks the rep for a connection request. */
async function engineTask(leadId: string) {
  await harness.env.sleep(48 * HOUR + 1000);
  const [task] = await eventually(
    () => db.prisma.linkedInTask.findMany({ where: { leadId } }),
    (rows) => rows.length === 1,
  );
  if (task === undefined) throw new Error('no LinkedIn task was created');
  return task;
}

describe('GET /v1/reps/:repId/tasks', () => {
  test("lists the rep's open tasks oldest first, with the lead's name, company and the exact text", async () => {
    const rep = uniqueRep();
    const newer = await leadWithTask(rep, { createdAt: new Date('2026-03-02T10:00:00Z'), note: 'newer' });
    const older = await leadWithTask(rep, { createdAt: new Date('2026-03-01T10:00:00Z'), note: 'older' });
    await leadWithTask(rep, { status: 'skipped' });
    await leadWithTask(uniqueRep());

    const items = await listTasks(rep);
    expect(items.map((t) => t.id)).toEqual([older.key, newer.key]);
    expect(items[0]).toEqual({
      id: older.key,
      leadId: older.leadId,
      leadName: 'Ada',
      company: 'Acme',
      ownerId: rep,
      kind: 'connection-request',
      text: 'older',
      status: 'open',
      createdAt: '2026-03-01T10:00:00.000Z',
      closedAt: null,
      reason: null,
    });
    expect((await listTasks(rep, '?status=skipped')).map((t) => t.status)).toEqual(['skipped']);
    expect((await listTasks(rep, '?limit=1')).map((t) => t.id)).toEqual([older.key]);
  });

  test('an unknown status, a bad limit or an unknown parameter is a 400 problem', async () => {
    const reply = await call('GET', '/v1/reps/rep-1/tasks?status=done&limit=0&page=2');
    expect(reply.status).toBe(400);
    expect(reply.type).toContain('application/problem+json');
    const paths = (reply.body.issues as { path: string[] }[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['query.status', 'query.limit', 'query']));
  });
});

describe('POST /v1/tasks/:id/complete', () => {
  test('a task the nurture created is listed; completing it reaches the workflow as one event, even when posted twice', async () => {
    const rep = uniqueRep();
    const { leadId, handle } = await startNurture(rep);
    const task = await engineTask(leadId);
    const [listed] = await listTasks(rep);
    expect(listed).toMatchObject({ id: task.key, leadId, status: 'open', kind: 'connection-request' });
    // The plan's connection note, rendered for this lead.
    expect(listed?.text).toContain('Hi Ada');

    const first = await call('POST', taskPath(task.key, 'complete'), { by: rep, outcome: 'accepted' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      outcome: 'accepted',
      event: { id: `${task.key}:complete`, type: 'linkedin.connection_accepted' },
      task: { id: task.key, status: 'completed', reason: `completed by ${rep}: accepted` },
    });
    const second = await call('POST', taskPath(task.key, 'complete'), { by: rep, outcome: 'accepted' });
    expect(second).toEqual(first);

    const events = await db.prisma.event.findMany({ where: { leadId } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'tasks',
      externalId: `${task.key}:complete`,
      type: 'linkedin.connection_accepted',
      data: { taskKey: task.key, outcome: 'accepted', by: rep },
    });
    expect(events[0]?.signaledAt).not.toBeNull();
    // The workflow applied it like any other event: once, under the inbox's id.
    const state = await eventually(
      () => handle.query(debugFullStateQuery),
      (s) => s.seenEventIds.includes(`tasks:${task.key}:complete`),
    );
    expect(state.seenEventIds.filter((id) => id.startsWith('tasks:'))).toHaveLength(1);
    const accepted = await eventually(
      () => db.prisma.decision.findMany({ where: { leadId, reason: 'linkedin connection accepted' } }),
      (rows) => rows.length > 0,
    );
    expect(accepted).toHaveLength(1);
    expect(await listTasks(rep)).toEqual([]);
  });

  test('without an outcome the rep reports "sent"; a later, different report is a 409 and records nothing', async () => {
    const rep = uniqueRep();
    const { leadId, key } = await leadWithTask(rep);
    const sent = await call('POST', taskPath(key, 'complete'), { by: rep });
    expect(sent).toMatchObject({ status: 200, body: { outcome: 'sent', task: { status: 'completed' } } });
    const different = await call('POST', taskPath(key, 'complete'), { by: rep, outcome: 'replied' });
    expect(different.status).toBe(409);
    expect(different.type).toContain('application/problem+json');
    expect(different.body).toMatchObject({ type: 'https://durable-nurture.dev/problems/task-closed' });
    expect(different.body.detail).toContain('"sent"');
    const events = await db.prisma.event.findMany({ where: { leadId } });
    expect(events.map((e) => e.data)).toEqual([{ taskKey: key, outcome: 'sent', by: rep }]);
  });

  test('completing a skipped or cancelled task is a 409 problem and records no event', async () => {
    const rep = uniqueRep();
    for (const status of ['skipped', 'cancelled']) {
      const { leadId, key } = await leadWithTask(rep, { status });
      const reply = await call('POST', taskPath(key, 'complete'), { by: rep });
      expect(reply.status).toBe(409);
      expect(reply.type).toContain('application/problem+json');
      expect(reply.body).toMatchObject({
        type: 'https://durable-nurture.dev/problems/task-closed',
        detail: expect.stringContaining(`is ${status}`),
      });
      expect(await db.prisma.event.count({ where: { leadId } })).toBe(0);
      const stored = await db.prisma.linkedInTask.findUniqueOrThrow({ where: { key } });
      expect(stored.status).toBe(status);
    }
  });

  test('an unknown task is 404; unknown fields and unknown outcomes are 400', async () => {
    const missing = await call('POST', taskPath('no-such-task', 'complete'), { by: 'rep-1' });
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');
    const { key } = await leadWithTask(uniqueRep());
    const bad = await call('POST', taskPath(key, 'complete'), { by: 'rep-1', outcome: 'liked', extra: 1 });
    expect(bad.status).toBe(400);
    const paths = (bad.body.issues as { path: string[] }[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['body.outcome', 'body']));
    expect((await db.prisma.linkedInTask.findUniqueOrThrow({ where: { key } })).status).toBe('open');
  });
});

describe('POST /v1/tasks/:id/skip', () => {
  test('needs a reason; a skip is kept with who and why, a repeat answers the same, and the task cannot then be completed', async () => {
    const rep = uniqueRep();
    const { leadId, key } = await leadWithTask(rep);
    const noReason = await call('POST', taskPath(key, 'skip'), { by: rep });
    expect(noReason.status).toBe(400);
    expect((noReason.body.issues as { path: string[] }[]).map((i) => i.path.join('.'))).toEqual([
      'body.reason',
    ]);
    const empty = await call('POST', taskPath(key, 'skip'), { by: rep, reason: '' });
    expect(empty.status).toBe(400);

    const skipped = await call('POST', taskPath(key, 'skip'), { by: rep, reason: 'not on LinkedIn' });
    expect(skipped).toMatchObject({
      status: 200,
      body: { task: { id: key, status: 'skipped', reason: `skipped by ${rep}: not on LinkedIn` } },
    });
    expect((skipped.body.task as TaskItem).closedAt).not.toBeNull();
    expect(await call('POST', taskPath(key, 'skip'), { by: rep, reason: 'not on LinkedIn' })).toEqual(
      skipped,
    );
    const otherReason = await call('POST', taskPath(key, 'skip'), { by: rep, reason: 'changed my mind' });
    expect(otherReason.status).toBe(409);

    const complete = await call('POST', taskPath(key, 'complete'), { by: rep });
    expect(complete.status).toBe(409);
    expect(complete.body.type).toBe('https://durable-nurture.dev/problems/task-closed');
    expect(await db.prisma.event.count({ where: { leadId } })).toBe(0);
    expect(await call('POST', taskPath('no-such-task', 'skip'), { by: rep, reason: 'x' })).toMatchObject({
      status: 404,
    });
  });
});

describe('suppression cancels open tasks', () => {
  test("suppressing a lead cancels the task the nurture created; the rep's list drops it", async () => {
    const rep = uniqueRep();
    const { leadId } = await startNurture(rep);
    const task = await engineTask(leadId);
    const reply = await call('POST', `/v1/leads/${leadId}/suppress`, { reason: 'asked to stop' });
    expect(reply.status).toBe(202);
    const [cancelled] = await eventually(
      () => db.prisma.linkedInTask.findMany({ where: { leadId } }),
      (rows) => rows[0]?.status === 'cancelled',
    );
    expect(cancelled?.reason).toContain('asked to stop');
    expect(cancelled?.closedAt).not.toBeNull();
    expect(await listTasks(rep)).toEqual([]);
    const complete = await call('POST', taskPath(task.key, 'complete'), { by: rep });
    expect(complete.status).toBe(409);
  });

  test("an open task the nurture's state does not know of is cancelled by the suppression too", async () => {
    const rep = uniqueRep();
    const { leadId } = await startNurture(rep);
    // Not created by this run (an earlier run, or written by hand): the engine asks to cancel
    // only the task it knows; recording the suppression cancels whatever is still open.
    await db.prisma.linkedInTask.create({
      data: { key: `${leadId}:manual`, leadId, ownerId: rep, kind: 'inmail', note: 'Hi', status: 'open' },
    });
    expect((await call('POST', `/v1/leads/${leadId}/suppress`, { reason: 'asked to stop' })).status).toBe(
      202,
    );
    const [task] = await eventually(
      () => db.prisma.linkedInTask.findMany({ where: { leadId } }),
      (rows) => rows[0]?.status === 'cancelled',
    );
    expect(task?.reason).toContain('asked to stop');
  });

  test('cancelOpenTasksForLead (for the suppress route) cancels open tasks only, with the reason', async () => {
    const rep = uniqueRep();
    const { leadId, key } = await leadWithTask(rep);
    const done = `${key}:done`;
    await db.prisma.linkedInTask.create({
      data: { key: done, leadId, ownerId: rep, kind: 'inmail', note: 'x', status: 'completed' },
    });
    const at = new Date('2026-03-05T12:00:00Z');
    expect(await cancelOpenTasksForLead(db.prisma, leadId, 'suppressed by api: asked to stop', at)).toBe(1);
    expect(await cancelOpenTasksForLead(db.prisma, leadId, 'again', at)).toBe(0);
    const rows = await db.prisma.linkedInTask.findMany({ where: { leadId }, orderBy: { key: 'asc' } });
    expect(rows.map((r) => [r.key, r.status, r.reason, r.closedAt])).toEqual([
      [key, 'cancelled', 'suppressed by api: asked to stop', at],
      [done, 'completed', null, null],
    ]);
  });
});

describe('authentication and scopes', () => {
  test('401 without a key; 403 with a key lacking the scope', async () => {
    const { key } = await leadWithTask(uniqueRep());
    const anonymous = await call('GET', '/v1/reps/rep-1/tasks', undefined, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
    expect((await call('POST', taskPath(key, 'complete'), { by: 'r' }, {})).status).toBe(401);

    const eventsOnly = await api.keyWith(['events']);
    const list = await call('GET', '/v1/reps/rep-1/tasks', undefined, eventsOnly);
    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({ type: 'https://durable-nurture.dev/problems/insufficient-scope' });

    const readOnly = await api.keyWith(['read']);
    expect((await call('GET', '/v1/reps/rep-1/tasks', undefined, readOnly)).status).toBe(200);
    for (const action of ['complete', 'skip'] as const) {
      const reply = await call('POST', taskPath(key, action), { by: 'r', reason: 'x' }, readOnly);
      expect(reply.status).toBe(403);
      expect(reply.body.detail).toContain('"handoff"');
    }
    expect((await db.prisma.linkedInTask.findUniqueOrThrow({ where: { key } })).status).toBe('open');
    const handoff = await api.keyWith(['handoff']);
    expect((await call('POST', taskPath(key, 'complete'), { by: 'r' }, handoff)).status).toBe(200);
  });
});
