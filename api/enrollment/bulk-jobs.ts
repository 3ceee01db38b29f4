import { randomUUID } from 'node:crypto';
import { Prisma, type BulkJob, type PrismaClient } from '../../prisma/generated/client';
import type { ProblemIssue } from '../problem';

/**
 * Bulk jobs: `receiving` while the upload streams in, `queued` once every row
 * is stored, `running` while the runner enrolls, then `completed`. An upload
 * cut off by a crash stays `receiving` and is failed by the runner.
 */
export type BulkJobStatus = 'receiving' | 'queued' | 'running' | 'completed' | 'failed';

export interface StoredRow {
  row: number;
  leadId: string | null;
  /**
   * The validated lead as JSON text: an upload of 100k rows is held until it
   * is all read, and text costs a fraction of the parsed objects.
   */
  payload: string | null;
  issues: ProblemIssue[] | null;
}

export async function createBulkJob(
  prisma: PrismaClient,
  input: { format: string; planId: string | null; createdBy: string | null },
): Promise<BulkJob> {
  return prisma.bulkJob.create({ data: { id: randomUUID(), status: 'receiving', ...input } });
}

/** Stores a batch of rows; rows that failed validation count as processed and failed at once. */
export async function storeRows(prisma: PrismaClient, jobId: string, rows: StoredRow[]): Promise<void> {
  if (rows.length === 0) return;
  const failed = rows.filter((r) => r.issues !== null).length;
  await prisma.$transaction([
    prisma.bulkJobRow.createMany({
      data: rows.map((r) => ({
        jobId,
        row: r.row,
        leadId: r.leadId,
        status: r.issues === null ? 'pending' : 'failed',
        payload: r.payload === null ? Prisma.DbNull : (JSON.parse(r.payload) as Prisma.InputJsonValue),
        issues: r.issues === null ? Prisma.DbNull : (r.issues as unknown as Prisma.InputJsonValue),
      })),
      skipDuplicates: true,
    }),
    prisma.bulkJob.update({
      where: { id: jobId },
      data: {
        total: { increment: rows.length },
        processed: { increment: failed },
        failed: { increment: failed },
      },
    }),
  ]);
}

export async function finishUpload(prisma: PrismaClient, jobId: string): Promise<BulkJob> {
  return prisma.bulkJob.update({ where: { id: jobId }, data: { status: 'queued' } });
}

export function jobView(job: BulkJob) {
  return {
    id: job.id,
    status: job.status as BulkJobStatus,
    format: job.format,
    planId: job.planId,
    counts: {
      total: job.total,
      processed: job.processed,
      enrolled: job.enrolled,
      existing: job.existing,
      failed: job.failed,
    },
    progress: job.total === 0 ? (job.status === 'completed' ? 1 : 0) : job.processed / job.total,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    links: { self: `/v1/jobs/${job.id}`, errors: `/v1/jobs/${job.id}/errors` },
  };
}

export async function listRowErrors(
  prisma: PrismaClient,
  jobId: string,
  options: { afterRow: number; limit: number },
): Promise<{ row: number; leadId: string | null; issues: unknown }[]> {
  const rows = await prisma.bulkJobRow.findMany({
    where: { jobId, status: 'failed', row: { gt: options.afterRow } },
    orderBy: { row: 'asc' },
    take: options.limit,
    select: { row: true, leadId: true, issues: true },
  });
  return rows;
}
