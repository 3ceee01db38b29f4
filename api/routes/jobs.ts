import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { authenticatedKey, requireScope } from '../auth/authenticate';
import {
  createBulkJob,
  finishUpload,
  jobView,
  listRowErrors,
  storeRows,
  type StoredRow,
} from '../enrollment/bulk-jobs';
import { BULK_MAX_ROWS, readUpload, uploadFormatOf } from '../enrollment/bulk-upload';
import { issuesOf, notFound, ProblemError } from '../problem';
import { enrollLeadSchema, leadIdSchema } from '../schemas/lead-schemas';
import { parseRequest } from '../validate';

const STORE_BATCH = 1000;

export const bulkQuerySchema = z.strictObject({ planId: z.string().min(1).max(64).optional() });
// Any UUID syntax (as the document's `format: uuid` says); ours are random v4, others name no job (404).
export const jobParamsSchema = z.strictObject({ id: z.guid() });
export const jobErrorsQuerySchema = z.strictObject({
  // Row numbers never pass BULK_MAX_ROWS; the bound keeps `after` inside the column's int4 too.
  after: z.coerce.number().int().min(0).max(BULK_MAX_ROWS).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function jobsRouter(deps: AppDeps): Router {
  const router = Router();

  /**
   * Bulk enrollment from JSON lines or CSV (up to 100k rows). Every row is
   * validated and stored before the 202, so an accepted upload survives a
   * restart; the runner then enrolls the rows and the job shows the progress.
   */
  router.post('/v1/leads/bulk', requireScope('enroll'), async (req, res) => {
    const query = parseRequest(bulkQuerySchema, req, 'query');
    const format = uploadFormatOf(req.get('content-type'));
    if (format === null) {
      throw new ProblemError(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'Send JSON lines as application/x-ndjson or CSV as text/csv.',
      );
    }
    if (query.planId !== undefined && deps.plans.latest(query.planId) === undefined) {
      throw new ProblemError(400, 'unknown-plan', 'Unknown plan', `No plan "${query.planId}".`, [
        { path: ['query', 'planId'], code: 'unknown_plan', message: `no plan "${query.planId}"` },
      ]);
    }
    // The whole upload is read and validated before anything is stored: an
    // upload refused for its size (413) or its columns leaves no trace.
    const rows: StoredRow[] = [];
    try {
      for await (const line of readUpload(req, format)) rows.push(toStoredRow(line, query.planId));
    } catch (error) {
      // The client may still be sending: stop reading, the answer says why.
      req.unpipe();
      res.setHeader('connection', 'close');
      throw error;
    }
    const job = await createBulkJob(deps.prisma, {
      format,
      planId: query.planId ?? null,
      createdBy: authenticatedKey(res)?.id ?? null,
    });
    for (let start = 0; start < rows.length; start += STORE_BATCH) {
      await storeRows(deps.prisma, job.id, rows.slice(start, start + STORE_BATCH));
    }
    const queued = await finishUpload(deps.prisma, job.id);
    res.status(202).location(`/v1/jobs/${job.id}`).json(jobView(queued));
  });

  router.get('/v1/jobs/:id', requireScope('enroll', 'read'), async (req, res) => {
    const { id } = parseRequest(jobParamsSchema, req, 'params');
    const job = await deps.prisma.bulkJob.findUnique({ where: { id } });
    if (job === null) throw notFound(`No job "${id}".`);
    res.json(jobView(job));
  });

  /** The rows that failed, in order; page with `after` (the last row number seen). */
  router.get('/v1/jobs/:id/errors', requireScope('enroll', 'read'), async (req, res) => {
    const { id } = parseRequest(jobParamsSchema, req, 'params');
    const query = parseRequest(jobErrorsQuerySchema, req, 'query');
    const job = await deps.prisma.bulkJob.findUnique({ where: { id } });
    if (job === null) throw notFound(`No job "${id}".`);
    const items = await listRowErrors(deps.prisma, id, { afterRow: query.after, limit: query.limit });
    const last = items.at(-1);
    res.json({
      jobId: id,
      items,
      next:
        items.length === query.limit && last !== undefined
          ? `/v1/jobs/${id}/errors?after=${String(last.row)}&limit=${String(query.limit)}`
          : null,
    });
  });

  return router;
}

function toStoredRow(
  line: { row: number; value: unknown } | { row: number; unreadable: string },
  planId?: string,
): StoredRow {
  if ('unreadable' in line) {
    return {
      row: line.row,
      leadId: null,
      payload: null,
      issues: [{ path: [], code: 'unreadable_row', message: line.unreadable }],
    };
  }
  const withPlan =
    planId !== undefined && typeof line.value === 'object' && line.value !== null && !('planId' in line.value)
      ? { ...line.value, planId }
      : line.value;
  const parsed = enrollLeadSchema.safeParse(withPlan);
  // An id that fails validation may be an email address: it is not kept.
  const candidate =
    typeof withPlan === 'object' && withPlan !== null && 'id' in withPlan ? withPlan.id : undefined;
  const leadId = leadIdSchema.safeParse(candidate).data ?? null;
  if (!parsed.success) return { row: line.row, leadId, payload: null, issues: issuesOf(parsed.error) };
  return { row: line.row, leadId: parsed.data.id, payload: JSON.stringify(parsed.data), issues: null };
}
