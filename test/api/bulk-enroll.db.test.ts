import { startBulkJobRunner } from '../../api/enrollment/bulk-job-runner';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import { eventually } from '../support/eventually';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

// No worker: enrollment only starts nurtures; what they do is tested elsewhere.
const TASK_QUEUE = 'bulk-test';

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;
let runner: { stop: () => Promise<void> };

beforeAll(async () => {
  db = await openTestDatabase();
  api = await startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue: TASK_QUEUE });
  runner = startBulkJobRunner(
    {
      prisma: db.prisma,
      temporal: harness.env.client,
      plans: PlanCatalog.load(),
      taskQueue: TASK_QUEUE,
      defaultPlanId: 'default',
      logger: createLogger('silent'),
    },
    { intervalMs: 50 },
  );
});

afterAll(async () => {
  await runner.stop();
  await api.close();
  await db.close();
});

interface JobView {
  id: string;
  status: string;
  counts: { total: number; processed: number; enrolled: number; existing: number; failed: number };
  progress: number;
}

async function upload(body: string, contentType: string, query = '') {
  const response = await fetch(`${api.base}/v1/leads/bulk${query}`, {
    method: 'POST',
    headers: { ...api.auth, 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    location: response.headers.get('location'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function job(id: string): Promise<JobView> {
  const response = await fetch(`${api.base}/v1/jobs/${id}`, { headers: api.auth });
  return (await response.json()) as JobView;
}

async function finished(id: string): Promise<JobView> {
  return eventually(
    () => job(id),
    (view) => view.status === 'completed',
  );
}

const stamp = Date.now().toString(36);

describe('POST /v1/leads/bulk', () => {
  test('JSON lines: good rows are enrolled, bad rows are reported by number, the batch goes on', async () => {
    const lines = [
      JSON.stringify({ id: `bulk-${stamp}-1`, email: 'one@example.com', consent: { email: true } }),
      JSON.stringify({ id: `bulk-${stamp}-2`, email: 'not-an-email' }),
      '{ this is not json',
      '',
      JSON.stringify({ id: 'ada@example.com', email: 'ada@example.com' }),
      JSON.stringify({ id: `bulk-${stamp}-3`, email: 'three@example.com', extra: 'field' }),
      JSON.stringify({ id: `bulk-${stamp}-4`, email: 'four@example.com', timezone: 'Europe/Paris' }),
      JSON.stringify({ id: `bulk-${stamp}-1`, email: 'one@example.com' }),
    ];
    const reply = await upload(lines.join('\n'), 'application/x-ndjson');
    expect(reply.status).toBe(202);
    const id = String(reply.body.id);
    expect(reply.location).toBe(`/v1/jobs/${id}`);
    expect(reply.body).toMatchObject({ status: 'queued', counts: { total: 7, failed: 4 } });

    const done = await finished(id);
    expect(done.counts).toEqual({ total: 7, processed: 7, enrolled: 2, existing: 1, failed: 4 });
    expect(done.progress).toBe(1);

    const errors = (await (
      await fetch(`${api.base}/v1/jobs/${id}/errors`, { headers: api.auth })
    ).json()) as {
      items: { row: number; leadId: string | null; issues: { path: unknown[]; code: string }[] }[];
    };
    expect(errors.items.map((e) => e.row)).toEqual([2, 3, 4, 5]);
    expect(errors.items[0]).toMatchObject({ leadId: `bulk-${stamp}-2` });
    expect(errors.items[0]?.issues[0]?.path).toEqual(['email']);
    expect(errors.items[1]?.issues[0]?.code).toBe('unreadable_row');
    // An id that looks like an email address is refused, and not kept.
    expect(errors.items[2]?.leadId).toBeNull();
    expect(errors.items[3]?.issues[0]?.code).toBe('unrecognized_keys');

    const stored = await db.prisma.lead.findMany({ where: { id: { startsWith: `bulk-${stamp}-` } } });
    expect(stored.map((l) => l.id).sort()).toEqual([`bulk-${stamp}-1`, `bulk-${stamp}-4`]);
    // The job's copy of each lead is dropped once enrolled.
    const rows = await db.prisma.bulkJobRow.findMany({ where: { jobId: id } });
    expect(rows.every((r) => r.payload === null)).toBe(true);
    const started = await harness.env.client.workflow.getHandle(`nurture-bulk-${stamp}-4`).describe();
    expect(started.status.name).toBe('RUNNING');
  });

  test('CSV: columns by name, consent as yes/no, a plan for the whole upload', async () => {
    const csv = [
      'id,email,firstName,timezone,consent.email,consent.sms,phone',
      `csv-${stamp}-1,c1@example.com,Ada,America/Chicago,yes,no,`,
      `csv-${stamp}-2,c2@example.com,"Lovelace, Ada",Mars/Olympus,yes,,`,
      `csv-${stamp}-3,c3@example.com,Grace,UTC,maybe,,`,
      `csv-${stamp}-4,c4@example.com,Bo,UTC,1,1,+14155550123`,
    ].join('\r\n');
    const reply = await upload(csv, 'text/csv; charset=utf-8', '?planId=demo');
    expect(reply.status).toBe(202);
    const done = await finished(String(reply.body.id));
    expect(done.counts).toMatchObject({ total: 4, enrolled: 2, failed: 2 });
    const lead = await db.prisma.lead.findUniqueOrThrow({ where: { id: `csv-${stamp}-4` } });
    expect(lead).toMatchObject({ planId: 'demo', phone: '+14155550123' });
    const consents = await db.prisma.consentChange.findMany({ where: { leadId: `csv-${stamp}-1` } });
    expect(consents.map((c) => [c.channel, c.granted]).sort()).toEqual([
      ['email', true],
      ['sms', false],
    ]);
  });

  test('an unknown CSV column refuses the upload; so does an unknown content type and an unknown plan', async () => {
    const unknown = await upload('id,email,favouriteColour\nx,x@example.com,blue\n', 'text/csv');
    expect(unknown.status).toBe(422);
    expect(unknown.type).toContain('application/problem+json');
    expect(unknown.body.detail).toContain('favouriteColour');

    expect((await upload('{}', 'text/plain')).status).toBe(415);
    expect((await upload('{}\n', 'application/x-ndjson', '?planId=nope')).status).toBe(400);
  });

  test('more than 100,000 rows is a 413, and nothing is stored or enrolled', async () => {
    const line = `${JSON.stringify({ id: `big-${stamp}`, email: 'big@example.com' })}\n`;
    const jobsBefore = await db.prisma.bulkJob.count();
    const reply = await upload(line.repeat(100_001), 'application/x-ndjson');
    expect(reply.status).toBe(413);
    expect(reply.type).toContain('application/problem+json');
    expect(await db.prisma.bulkJob.count()).toBe(jobsBefore);
    expect(await db.prisma.lead.count({ where: { id: `big-${stamp}` } })).toBe(0);
  });

  test('needs the enroll scope to upload; a job is readable with enroll or read', async () => {
    const reader = await api.keyWith(['read']);
    const refused = await fetch(`${api.base}/v1/leads/bulk`, {
      method: 'POST',
      headers: { ...reader, 'content-type': 'application/x-ndjson' },
      body: '{}\n',
    });
    expect(refused.status).toBe(403);
    const missing = await fetch(`${api.base}/v1/jobs/00000000-0000-4000-8000-000000000000`, {
      headers: reader,
    });
    expect(missing.status).toBe(404);
  });
});
