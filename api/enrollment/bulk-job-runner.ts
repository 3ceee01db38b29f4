import type { Logger } from '../../config/logger';
import { Prisma } from '../../prisma/generated/client';
import type { AppDeps } from '../app-deps';
import { ProblemError, type ProblemIssue } from '../problem';
import { enrollLeadSchema } from '../schemas/lead-schemas';
import { enrollLead } from './enroll-lead';

type RunnerDeps = Pick<AppDeps, 'prisma' | 'temporal' | 'plans' | 'taskQueue' | 'defaultPlanId'> & {
  logger: Logger;
};

const BATCH = 200;
const CONCURRENCY = 16;
/** An upload that has not finished in this long was cut off (the API process died). */
const STALE_UPLOAD_MS = 15 * 60_000;
/** Rows claimed by a process that died are handed out again after this long. */
const STALE_CLAIM_MS = 5 * 60_000;

type RowOutcome = { status: 'enrolled' | 'existing' } | { status: 'failed'; issues: ProblemIssue[] };

/**
 * Enrolls the stored rows of queued jobs. Rows are claimed with SKIP LOCKED,
 * so several API processes share the work; enrollment is idempotent, so a row
 * handed out twice after a crash is harmless (it reports `existing`).
 */
export async function runBulkJobsOnce(deps: RunnerDeps): Promise<number> {
  const { prisma } = deps;
  await prisma.bulkJob.updateMany({
    where: { status: 'receiving', createdAt: { lt: new Date(Date.now() - STALE_UPLOAD_MS) } },
    data: { status: 'failed', finishedAt: new Date() },
  });
  await prisma.bulkJobRow.updateMany({
    where: { status: 'claimed', claimedAt: { lt: new Date(Date.now() - STALE_CLAIM_MS) } },
    data: { status: 'pending', claimedAt: null },
  });

  const job = await prisma.bulkJob.findFirst({
    where: { status: { in: ['queued', 'running'] } },
    orderBy: { createdAt: 'asc' },
  });
  if (job === null) return 0;
  if (job.status === 'queued') {
    await prisma.bulkJob.updateMany({ where: { id: job.id, status: 'queued' }, data: { status: 'running' } });
  }

  const claimed = await prisma.$queryRaw<{ row: number; payload: unknown; claimedAt: Date }[]>`
    UPDATE bulk_job_rows SET status = 'claimed', claimed_at = now()
    WHERE job_id = ${job.id}::uuid AND row IN (
      SELECT row FROM bulk_job_rows WHERE job_id = ${job.id}::uuid AND status = 'pending'
      ORDER BY row LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING row, payload, claimed_at AS "claimedAt"`;

  if (claimed.length === 0) {
    const unfinished = await prisma.bulkJobRow.count({
      where: { jobId: job.id, status: { in: ['pending', 'claimed'] } },
    });
    if (unfinished === 0) {
      await prisma.bulkJob.updateMany({
        where: { id: job.id, status: 'running' },
        data: { status: 'completed', finishedAt: new Date() },
      });
    }
    return 0;
  }

  const queue = [...claimed];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const outcome = await enrollRow(deps, next.payload);
      // Only the runner that still holds the claim records the row: a claim handed
      // out again after a stall must not count the row twice.
      await prisma.$transaction(async (tx) => {
        const { count } = await tx.bulkJobRow.updateMany({
          where: { jobId: job.id, row: next.row, status: 'claimed', claimedAt: next.claimedAt },
          data: {
            status: outcome.status,
            claimedAt: null,
            // The lead's data now lives in `leads`; the copy here is not kept.
            payload: Prisma.DbNull,
            issues:
              outcome.status === 'failed'
                ? (outcome.issues as unknown as Prisma.InputJsonValue)
                : Prisma.DbNull,
          },
        });
        if (count === 1) {
          await tx.bulkJob.update({
            where: { id: job.id },
            data: { processed: { increment: 1 }, [outcome.status]: { increment: 1 } },
          });
        }
      });
    }
  });
  await Promise.all(workers);
  return claimed.length;
}

async function enrollRow(deps: RunnerDeps, payload: unknown): Promise<RowOutcome> {
  // Validated at upload; parsed again because the stored JSON is untyped.
  const parsed = enrollLeadSchema.safeParse(payload);
  if (!parsed.success) {
    return {
      status: 'failed',
      issues: [{ path: [], code: 'invalid_row', message: 'stored row is invalid' }],
    };
  }
  try {
    const result = await enrollLead(deps, parsed.data);
    return { status: result.created ? 'enrolled' : 'existing' };
  } catch (error) {
    if (error instanceof ProblemError && error.status < 500) {
      return {
        status: 'failed',
        issues: error.issues ?? [{ path: [], code: error.problemType, message: error.detail ?? error.title }],
      };
    }
    throw error;
  }
}

/** Runs jobs in the background until stopped; an error is logged and retried later, never lost. */
export function startBulkJobRunner(deps: RunnerDeps, intervalMs = 1000): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = (async () => {
      try {
        while (!stopped && (await runBulkJobsOnce(deps)) > 0) {
          // keep going while there is work
        }
      } catch (error) {
        deps.logger.error({ err: error }, 'bulk enrollment runner failed; retrying');
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
