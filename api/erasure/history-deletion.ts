import { isGrpcServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../../config/logger';
import type { PrismaClient } from '../../prisma/generated/client';
import { startPollLoop } from '../../background/poll-loop';
import { unavailableDependency } from '../dependency-unavailable';

/**
 * Deleting an erased lead's Temporal history (the signals carry event data).
 *
 * What `temporal server start-dev` (CLI 1.9, server 1.32) does with
 * DeleteWorkflowExecution, as measured: a running execution is terminated and
 * gone at once; a closed one (terminated just before, say) is only queued for
 * deletion and stays describable for tens of seconds or longer, and the call
 * answers OK either way. So the answer to the API call proves nothing: the
 * deletion is checked by describing every run until each says NotFound, and
 * asked again (by the cleanup loop, with a backoff) until it holds. A server
 * that cannot delete (the time-skipping test server) leaves the history to the
 * namespace's retention, and the record says so.
 */
export type HistoryOutcome = 'deleted' | 'deletion-pending' | 'retained';

type HistoryDeps = { prisma: PrismaClient; temporal: Client; logger: Logger };

/** Checks within an erasure request: a running nurture's delete shows at once. */
const VERIFY_IN_REQUEST_MS = 3_000;
const VERIFY_INTERVAL_MS = 250;
/** The cleanup loop's pause before asking again, doubled per attempt up to the maximum. */
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 10 * 60_000;
/** Past this the deletion is given up and recorded as retained: retention applies. */
const GIVE_UP_AFTER_MS = 7 * 24 * 60 * 60_000;

/** gRPC status codes read here: NOT_FOUND, and UNIMPLEMENTED (the server has no such call). */
const GRPC_NOT_FOUND = 5;
const GRPC_UNIMPLEMENTED = 12;

type PassResult = { kind: 'gone' } | { kind: 'still-there' } | { kind: 'refused'; reason: string };

/**
 * One pass: every run of the nurture the server knows of is asked to be
 * deleted (a running one is terminated by the delete itself), then each is
 * described until all say NotFound or `verifyMs` has passed.
 */
async function deleteAndVerify(temporal: Client, workflowId: string, verifyMs: number): Promise<PassResult> {
  const runIds = await knownRuns(temporal, workflowId);
  if (runIds.length === 0) return { kind: 'gone' };
  const namespace = temporal.options.namespace;
  for (const runId of runIds) {
    try {
      await temporal.workflowService.deleteWorkflowExecution({
        namespace,
        workflowExecution: { workflowId, runId },
      });
    } catch (error) {
      if (isNotFound(error)) continue;
      if (unavailableDependency(error) !== null) throw error;
      // The time-skipping server, or a server that forbids it: terminate so the nurture ends.
      await temporal.workflow
        .getHandle(workflowId)
        .terminate('lead erased')
        .catch((terminateError: unknown) => {
          if (!(terminateError instanceof WorkflowNotFoundError)) throw terminateError;
        });
      return { kind: 'refused', reason: refusalOf(error) };
    }
  }
  const deadline = Date.now() + verifyMs;
  for (;;) {
    if (await allGone(temporal, workflowId, runIds)) return { kind: 'gone' };
    if (Date.now() >= deadline) return { kind: 'still-there' };
    await new Promise((resolve) => setTimeout(resolve, VERIFY_INTERVAL_MS));
  }
}

/** The runs visibility lists and the latest one describe finds (visibility may lag behind). */
async function knownRuns(temporal: Client, workflowId: string): Promise<string[]> {
  const runIds = new Set<string>();
  try {
    const listed = await temporal.workflowService.listWorkflowExecutions({
      namespace: temporal.options.namespace,
      query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'`,
    });
    for (const execution of listed.executions) {
      const runId = execution.execution?.runId;
      if (runId != null) runIds.add(runId);
    }
  } catch (error) {
    // The time-skipping server has no visibility; describe still finds the latest run.
    if (unavailableDependency(error) !== null) throw error;
  }
  try {
    runIds.add((await temporal.workflow.getHandle(workflowId).describe()).runId);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  return [...runIds];
}

async function allGone(temporal: Client, workflowId: string, runIds: string[]): Promise<boolean> {
  for (const runId of runIds) {
    try {
      await temporal.workflow.getHandle(workflowId, runId).describe();
      return false;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return true;
}

/** The gRPC status of a service error, as a plain number (the SDK types it as grpc-js's enum). */
function grpcCode(error: unknown): number | null {
  if (!isGrpcServiceError(error)) return null;
  const code: number = error.code;
  return code;
}

function isNotFound(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || grpcCode(error) === GRPC_NOT_FOUND;
}

function refusalOf(error: unknown): string {
  const code = grpcCode(error);
  if (code !== null) {
    return code === GRPC_UNIMPLEMENTED
      ? 'the Temporal server does not delete executions'
      : `the Temporal server refused the deletion (gRPC ${String(code)})`;
  }
  return `the deletion failed (${error instanceof Error ? error.name : 'unknown error'})`;
}

function nextAttemptAt(attempts: number): Date {
  return new Date(Date.now() + Math.min(RETRY_BASE_MS * 2 ** attempts, RETRY_MAX_MS));
}

/**
 * Deletes the nurture's history as far as it can within the request and
 * records where that stands; what is not yet gone is the cleanup loop's.
 */
export async function deleteNurtureHistory(
  deps: HistoryDeps,
  lead: { id: string; workflowId: string },
): Promise<HistoryOutcome> {
  const recorded = await deps.prisma.historyErasure.findUnique({ where: { workflowId: lead.workflowId } });
  if (recorded?.status === 'deleted') return 'deleted';
  if (recorded?.status === 'retained') return 'retained';
  let pass: PassResult;
  try {
    pass = await deleteAndVerify(deps.temporal, lead.workflowId, VERIFY_IN_REQUEST_MS);
  } catch (error) {
    // Temporal is down: the personal data is already erased and sends are suppressed;
    // the history waits for the cleanup loop.
    deps.logger.warn({ workflowId: lead.workflowId, err: error }, 'history deletion deferred');
    pass = { kind: 'still-there' };
  }
  const attempts = (recorded?.attempts ?? 0) + 1;
  const data = recordOf(pass, attempts);
  await deps.prisma.historyErasure.upsert({
    where: { workflowId: lead.workflowId },
    create: { workflowId: lead.workflowId, leadId: lead.id, ...data },
    update: data,
  });
  return data.status === 'pending' ? 'deletion-pending' : data.status;
}

function recordOf(pass: PassResult, attempts: number) {
  switch (pass.kind) {
    case 'gone':
      return { status: 'deleted' as const, attempts, deletedAt: new Date(), detail: null };
    case 'refused':
      return { status: 'retained' as const, attempts, detail: `${pass.reason}; namespace retention applies` };
    case 'still-there':
      return {
        status: 'pending' as const,
        attempts,
        nextAttemptAt: nextAttemptAt(attempts),
        detail: 'the server accepted the deletion; not yet carried out',
      };
  }
}

/**
 * One pass of the cleanup loop over the deletions that are due: asks again,
 * checks again, records the outcome. Rows are taken with SKIP LOCKED and
 * pushed forward first, so several API processes never work on the same one.
 */
export async function retryHistoryDeletionsOnce(deps: HistoryDeps, limit = 20): Promise<number> {
  const due = await deps.prisma.$queryRaw<{ workflowId: string; attempts: number; requestedAt: Date }[]>`
    UPDATE history_erasures SET next_attempt_at = now() + interval '1 minute'
    WHERE workflow_id IN (
      SELECT workflow_id FROM history_erasures WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING workflow_id AS "workflowId", attempts, requested_at AS "requestedAt"`;
  for (const row of due) {
    let pass: PassResult;
    try {
      pass = await deleteAndVerify(deps.temporal, row.workflowId, 0);
    } catch (error) {
      deps.logger.warn({ workflowId: row.workflowId, err: error }, 'history deletion: will ask again');
      pass = { kind: 'still-there' };
    }
    const attempts = row.attempts + 1;
    const givenUp = pass.kind === 'still-there' && Date.now() - row.requestedAt.getTime() > GIVE_UP_AFTER_MS;
    await deps.prisma.historyErasure.update({
      where: { workflowId: row.workflowId },
      data: givenUp
        ? { status: 'retained', attempts, detail: 'not deleted within 7 days; namespace retention applies' }
        : recordOf(pass, attempts),
    });
  }
  return due.length;
}

/** Runs the cleanup loop until stopped; errors are logged and the loop goes on. */
export function startHistoryDeletionRetries(
  deps: HistoryDeps,
  intervalMs = 2_000,
): { stop: () => Promise<void> } {
  return startPollLoop({
    // One pass per interval: what it did not finish is due again only after its backoff.
    pass: async () => {
      await retryHistoryDeletionsOnce(deps);
      return 0;
    },
    intervalMs,
    logger: deps.logger,
    failure: 'history deletion pass failed; will retry',
  });
}
