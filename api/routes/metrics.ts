import { Router } from 'express';
import { metricsRegistry, registerBacklogGauges } from '../../metrics/service-metrics';
import type { PrismaClient } from '../../prisma/generated/client';
import { requireScope } from '../auth/authenticate';

/** Reads the backlog gauges from this process's database at scrape time. */
export function registerDatabaseGauges(prisma: PrismaClient): void {
  registerBacklogGauges({
    inboxBacklog: () => prisma.event.count({ where: { signaledAt: null } }),
    bulkRowsPending: () => prisma.bulkJobRow.count({ where: { status: 'pending' } }),
  });
}

/** `GET /metrics` in Prometheus text format; `guarded` adds the API key check (read scope). */
export function metricsRouter(options: { guarded: boolean }): Router {
  const router = Router();
  router.get('/metrics', ...(options.guarded ? [requireScope('read')] : []), async (_req, res) => {
    const text = await metricsRegistry.metrics();
    res.type(metricsRegistry.contentType).send(text);
  });
  return router;
}
