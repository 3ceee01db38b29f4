import { randomUUID } from 'node:crypto';
import type { Logger } from '../../config/logger';
import type { AppDeps } from '../app-deps';
import { startPollLoop } from '../../background/poll-loop';
import { unavailableDependency } from '../dependency-unavailable';
import { ProblemError, type ProblemIssue } from '../problem';
import { enrollLeadSchema } from '../schemas/lead-schemas';
import { enrollLead } from './enroll-lead';

type RunnerDeps = Pick<AppDeps, 'prisma' | 'temporal' | 'plans' | 'taskQueue' | 'defaultPlanId'> &
  Partial<Pick<AppDeps, 'globalControlShare'>> & {
    logger: Logger;
  };

export interface BulkRunnerOptions {
  /** Pause between passes when there is no work (or the work could not be done). */
  intervalMs?: number;
  /** How long a claim holds a row without being renewed; then another runner may take it. */
  leaseMs?: number;
}

const BATCH = 200;
const CONCURRENCY = 16;
const DEFAULT_LEASE_MS = 60_000;
/** An upload that has not finished in this long was cut off (the API process died). */
const STALE_UPLOAD_MS = 15 * 60_000;
/** Failures of one row that were not a dependency's unavailability, before the row fails with its reason. */
export const MAX_ROW_ATTEMPTS = 5;
/** Recording a row's outcome is retried this often before the lease is left to hand the row out again. */
const RECORD_TRIES = 3;

type RowOutcome = { status: 'enrolled' | 'existing' } | { status: 'failed'; issues: ProblemIssue[] };

/** Why a row could not be finished this time: a dependency is down (try later), or the row itself failed. */
type RowSetback = { kind: 'unavailable' } | { kind: 'error'; reason: string };

interface ClaimedRow {
  row: number;
  payload: unknown;
  attempts: number;
}

/**
 * Enrolls the stored rows of queued jobs. A runner claims a batch of rows
 * with a token and a lease (SKIP LOCKED, so several API processes share the
 * work), renews the lease while it works, and records each row's outcome
 * together with the job's counts in one statement that only matches while
 * it still holds the claim: a row is counted once, whoever enrolls it. A row
 * whose runner died, or whose claim or outcome was lost on the way back, is
 * handed out again when its lease ends; enrollment is idempotent, so it then
 * reports `existing`. Returns how many rows it claimed.
 */
export async function runBulkJobsOnce(deps: RunnerDeps, options: BulkRunnerOptions = {}): Promise<number> {
  const { prisma } = deps;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  await prisma.bulkJob.updateMany({
    where: { status: 'receiving', createdAt: { lt: new Date(Date.now() - STALE_UPLOAD_MS) } },
    data: { status: 'failed', finishedAt: new Date() },
  });
  // The database's clock decides leases: every runner compares against the same one.
  await prisma.$executeRaw`UPDATE bulk_job_rows
    SET status = 'pending', claim_token = NULL, lease_expires_at = NULL
    WHERE status = 'claimed' AND (lease_expires_at IS NULL OR lease_expires_at < now())`;
  await prisma.$executeRaw`UPDATE bulk_jobs SET status = 'completed', finished_at = now()
    WHERE status IN ('queued', 'running') AND NOT EXISTS (
      SELECT 1 FROM bulk_job_rows r WHERE r.job_id = bulk_jobs.id AND r.status IN ('pending', 'claimed'))`;

  // The oldest job with rows to hand out; one whose rows are all claimed does not hold up the next.
  const job = await prisma.bulkJob.findFirst({
    where: { status: { in: ['queued', 'running'] }, rows: { some: { status: 'pending' } } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, status: true },
  });
  if (job === null) return 0;
  if (job.status === 'queued') {
    await prisma.bulkJob.updateMany({ where: { id: job.id, status: 'queued' }, data: { status: 'running' } });
  }

  const token = randomUUID();
  const claimed = await prisma.$queryRaw<ClaimedRow[]>`
    UPDATE bulk_job_rows SET status = 'claimed', claim_token = ${token}::uuid, claimed_at = now(),
      lease_expires_at = now() + ${leaseMs}::int * interval '1 millisecond'
    WHERE job_id = ${job.id}::uuid AND row IN (
      SELECT row FROM bulk_job_rows WHERE job_id = ${job.id}::uuid AND status = 'pending'
      ORDER BY row LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING row, payload, attempts`;
  if (claimed.length === 0) return 0;

  const claim = { deps, jobId: job.id, token, leaseMs };
  const renewal = setInterval(() => {
    renewLease(claim).catch((error: unknown) => {
      deps.logger.warn(
        { err: error, jobId: job.id },
        'bulk enrollment: lease not renewed; it may be handed out',
      );
    });
  }, leaseMs / 3);
  // Set by a worker that found a dependency down; the others stop taking rows.
  const batch = { halted: false };
  try {
    const queue = claimed.sort((a, b) => a.row - b.row);
    const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let next = queue.shift(); next !== undefined && !batch.halted; next = queue.shift()) {
        const result = await enrollRow(deps, next.payload);
        if ('kind' in result) {
          if (result.kind === 'unavailable') batch.halted = true;
          await setBack(claim, next, result);
        } else {
          await recordOutcome(claim, next.row, result);
        }
      }
    });
    await Promise.all(workers);
  } finally {
    clearInterval(renewal);
    // Whatever this runner still holds (not reached after a halt, or an outcome it could not
    // record) goes back now instead of waiting for the lease.
    await releaseClaim(claim).catch((error: unknown) => {
      deps.logger.warn(
        { err: error, jobId: job.id },
        'bulk enrollment: claim not released; its lease will end',
      );
    });
  }
  // A dependency is down: the rows wait in `pending`, and the caller pauses before the next pass.
  return batch.halted ? 0 : claimed.length;
}

interface Claim {
  deps: RunnerDeps;
  jobId: string;
  token: string;
  leaseMs: number;
}

async function renewLease({ deps, jobId, token, leaseMs }: Claim): Promise<void> {
  await deps.prisma.$executeRaw`UPDATE bulk_job_rows
    SET lease_expires_at = now() + ${leaseMs}::int * interval '1 millisecond'
    WHERE job_id = ${jobId}::uuid AND claim_token = ${token}::uuid AND status = 'claimed'`;
}

async function releaseClaim({ deps, jobId, token }: Claim): Promise<void> {
  await deps.prisma.$executeRaw`UPDATE bulk_job_rows
    SET status = 'pending', claim_token = NULL, lease_expires_at = NULL
    WHERE job_id = ${jobId}::uuid AND claim_token = ${token}::uuid AND status = 'claimed'`;
}

/**
 * The row's outcome and the job's counts, in one statement (no interactive
 * transaction to time out), matched only while this claim holds the row.
 * Tried a few times; if every try fails, the row stays claimed and is handed
 * out again when the lease ends.
 */
async function recordOutcome(claim: Claim, row: number, outcome: RowOutcome): Promise<void> {
  const { deps, jobId, token } = claim;
  const issues = outcome.status === 'failed' ? JSON.stringify(outcome.issues) : null;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await deps.prisma.$executeRaw`WITH recorded AS (
          UPDATE bulk_job_rows
          SET status = ${outcome.status}::text, claim_token = NULL, lease_expires_at = NULL,
            payload = NULL, issues = ${issues}::jsonb
          WHERE job_id = ${jobId}::uuid AND row = ${row}::int AND claim_token = ${token}::uuid AND status = 'claimed'
          RETURNING status)
        UPDATE bulk_jobs SET
          processed = processed + 1,
          enrolled = enrolled + CASE WHEN ${outcome.status}::text = 'enrolled' THEN 1 ELSE 0 END,
          existing = existing + CASE WHEN ${outcome.status}::text = 'existing' THEN 1 ELSE 0 END,
          failed = failed + CASE WHEN ${outcome.status}::text = 'failed' THEN 1 ELSE 0 END
        WHERE id = ${jobId}::uuid AND EXISTS (SELECT 1 FROM recorded)`;
      return;
    } catch (error) {
      deps.logger.warn({ err: error, jobId, row, attempt }, 'bulk enrollment: outcome not recorded');
      if (attempt >= RECORD_TRIES) return;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/**
 * A row that could not be finished: back to `pending` for a later pass, or,
 * after MAX_ROW_ATTEMPTS failures of its own, `failed` with the reason.
 * Unavailability never counts: those rows wait for the dependency.
 */
async function setBack(claim: Claim, row: ClaimedRow, setback: RowSetback): Promise<void> {
  const { deps, jobId, token } = claim;
  if (setback.kind === 'error') {
    deps.logger.warn(
      { jobId, row: row.row, attempt: row.attempts + 1, reason: setback.reason },
      'bulk row failed',
    );
    if (row.attempts + 1 >= MAX_ROW_ATTEMPTS) {
      const message = `enrollment failed ${String(MAX_ROW_ATTEMPTS)} times; last error: ${setback.reason}`;
      await recordOutcome(claim, row.row, {
        status: 'failed',
        issues: [{ path: [], code: 'enrollment_failed', message }],
      });
      return;
    }
  }
  const counted = setback.kind === 'error' ? 1 : 0;
  try {
    await deps.prisma.$executeRaw`UPDATE bulk_job_rows
      SET status = 'pending', claim_token = NULL, lease_expires_at = NULL, attempts = attempts + ${counted}::int
      WHERE job_id = ${jobId}::uuid AND row = ${row.row}::int AND claim_token = ${token}::uuid AND status = 'claimed'`;
  } catch (error) {
    deps.logger.warn(
      { err: error, jobId, row: row.row },
      'bulk enrollment: row not released; its lease will end',
    );
  }
}

async function enrollRow(deps: RunnerDeps, payload: unknown): Promise<RowOutcome | RowSetback> {
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
    if (unavailableDependency(error) !== null) return { kind: 'unavailable' };
    return { kind: 'error', reason: reasonOf(error) };
  }
}

/** The error's kind and code, not its message: messages can quote the row's data. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? `${error.name} ${String(code)}` : error.name;
}

/** Runs jobs in the background until stopped; an error is logged and retried later, never lost. */
export function startBulkJobRunner(
  deps: RunnerDeps,
  options: BulkRunnerOptions = {},
): { stop: () => Promise<void> } {
  return startPollLoop({
    pass: () => runBulkJobsOnce(deps, options),
    intervalMs: options.intervalMs ?? 1000,
    logger: deps.logger,
    failure: 'bulk enrollment runner failed; retrying',
  });
}
