/**
 * Defect 4 of issue 15: a bulk job stopped at 1,996 of 2,000 rows after a
 * Prisma interactive-transaction timeout (P2028) on the embedded database,
 * and four rows were neither enrolled nor reported. Whatever fails on the way
 * (the database timing out a statement before or after it ran, Temporal
 * refusing a start, the runner's process dying with rows claimed), every row
 * must end enrolled, existing or failed with its reason, each counted once,
 * and the job must finish.
 */
import type { Client } from '@temporalio/client';
import { MAX_ROW_ATTEMPTS, startBulkJobRunner } from '../../api/enrollment/bulk-job-runner';
import { createBulkJob, finishUpload, storeRows } from '../../api/enrollment/bulk-jobs';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import type { PrismaClient } from '../../prisma/database';
import { workflowIdForLead } from '../../workflows/ids';
import { eventually } from '../support/eventually';
import { flakyPrisma } from '../support/flaky-prisma';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

// No worker: enrollment only starts nurtures.
const TASK_QUEUE = 'bulk-claims-test';
const ROWS = 300;

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
});

afterAll(async () => {
  await db.close();
});

let jobCounter = 0;

/** A queued job of `rows` valid leads, stored the way an upload stores them. */
async function queuedJob(rows: number): Promise<{ jobId: string; leadIds: string[] }> {
  jobCounter += 1;
  const prefix = `claims-${Date.now().toString(36)}-${String(jobCounter)}`;
  const job = await createBulkJob(db.prisma, { format: 'jsonl', planId: null, createdBy: null });
  const leadIds = Array.from({ length: rows }, (_, i) => `${prefix}-${String(i + 1)}`);
  await storeRows(
    db.prisma,
    job.id,
    leadIds.map((id, i) => ({
      row: i + 1,
      leadId: id,
      payload: JSON.stringify({ id, email: `${id}@example.test`, consent: { email: true } }),
      issues: null,
    })),
  );
  await finishUpload(db.prisma, job.id);
  return { jobId: job.id, leadIds };
}

function runner(prisma: PrismaClient, temporal: Client) {
  return startBulkJobRunner(
    {
      prisma,
      temporal,
      plans: PlanCatalog.load(),
      taskQueue: TASK_QUEUE,
      defaultPlanId: 'default',
      logger: createLogger('silent'),
    },
    { intervalMs: 50, leaseMs: 1_500 },
  );
}

/** The test's Temporal client, whose signal-with-start throws where `fails` says so (by workflow id). */
function failingStarts(fails: (workflowId: string) => boolean): Client {
  const workflow = new Proxy(harness.env.client.workflow, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== 'signalWithStart' || typeof value !== 'function') return value;
      return async (workflowType: unknown, options: { workflowId: string }) => {
        if (fails(options.workflowId)) throw new Error('the start was refused (injected)');
        return (value as (...a: unknown[]) => Promise<unknown>).call(target, workflowType, options);
      };
    },
  });
  return new Proxy(harness.env.client, {
    get: (target, key, receiver): unknown =>
      key === 'workflow' ? workflow : Reflect.get(target, key, receiver),
  });
}

/** The job ends `completed` and every row is accounted for exactly once. */
async function expectAccountedFor(jobId: string, leadIds: string[]): Promise<void> {
  const job = await eventually(
    () => db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId } }),
    (j) => j.status === 'completed',
    { attempts: 600, intervalMs: 50 },
  );
  const rows = await db.prisma.bulkJobRow.groupBy({ by: ['status'], where: { jobId }, _count: true });
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r._count]));
  expect(byStatus).toEqual(
    Object.fromEntries(
      Object.entries({ enrolled: job.enrolled, existing: job.existing, failed: job.failed }).filter(
        ([, n]) => n > 0,
      ),
    ),
  );
  expect(job.total).toBe(leadIds.length);
  expect(job.processed).toBe(leadIds.length);
  expect(job.enrolled + job.existing + job.failed).toBe(leadIds.length);
  // The injected failures are all transient: no row may end failed because of them.
  expect(job.failed).toBe(0);
  expect(await db.prisma.lead.count({ where: { id: { in: leadIds } } })).toBe(leadIds.length);
}

describe('bulk job runner under failures', () => {
  test('database statements time out (P2028) before and after they ran: the job still finishes, every row counted once', async () => {
    const { jobId, leadIds } = await queuedJob(ROWS);
    // Every 37th call fails before reaching the database, every 53rd after it committed.
    const flaky = flakyPrisma(db.prisma, (call) =>
      call % 53 === 0 ? 'after' : call % 37 === 0 ? 'before' : null,
    );
    const running = runner(flaky.prisma, harness.env.client);
    try {
      await expectAccountedFor(jobId, leadIds);
    } finally {
      await running.stop();
    }
    expect(flaky.injected()).toBeGreaterThan(5);
  });

  test('Temporal refuses some starts: those rows are tried again, not left claimed', async () => {
    const { jobId, leadIds } = await queuedJob(60);
    let starts = 0;
    const temporal = failingStarts(() => {
      starts += 1;
      return starts % 7 === 0;
    });
    const running = runner(db.prisma, temporal);
    try {
      await expectAccountedFor(jobId, leadIds);
    } finally {
      await running.stop();
    }
  });

  test('a row that fails every time ends failed with its reason, and the job finishes', async () => {
    const { jobId, leadIds } = await queuedJob(5);
    const doomed = workflowIdForLead(leadIds[2] ?? '');
    const temporal = failingStarts((workflowId) => workflowId === doomed);
    const running = runner(db.prisma, temporal);
    try {
      const job = await eventually(
        () => db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId } }),
        (j) => j.status === 'completed',
        { attempts: 600, intervalMs: 50 },
      );
      expect(job).toMatchObject({ total: 5, processed: 5, enrolled: 4, failed: 1 });
      const row = await db.prisma.bulkJobRow.findUniqueOrThrow({ where: { jobId_row: { jobId, row: 3 } } });
      expect(row.status).toBe('failed');
      expect(row.attempts).toBe(MAX_ROW_ATTEMPTS - 1);
      expect(row.issues).toEqual([
        {
          path: [],
          code: 'enrollment_failed',
          message: `enrollment failed ${String(MAX_ROW_ATTEMPTS)} times; last error: Error`,
        },
      ]);
    } finally {
      await running.stop();
    }
  });

  test('rows claimed by a runner that died are claimed again once their lease ends', async () => {
    const { jobId, leadIds } = await queuedJob(20);
    // A runner claimed the first 10 rows, then its process was killed.
    await db.prisma.$executeRaw`UPDATE bulk_job_rows SET status = 'claimed', claimed_at = now(),
        claim_token = gen_random_uuid(), lease_expires_at = now() + interval '1 second'
      WHERE job_id = ${jobId}::uuid AND row <= 10`;
    await db.prisma.bulkJob.update({ where: { id: jobId }, data: { status: 'running' } });
    const running = runner(db.prisma, harness.env.client);
    try {
      await expectAccountedFor(jobId, leadIds);
    } finally {
      await running.stop();
    }
  });
});
