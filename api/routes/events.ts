import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { requireScope } from '../auth/authenticate';
import { parseRequest } from '../validate';

export const unmatchedQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  source: z.string().min(1).max(32).optional(),
});

export function eventsRouter(deps: AppDeps): Router {
  const router = Router();

  /**
   * Provider events that matched no lead: kept, never dropped, so they can be
   * replayed once the lead exists. The match hints (email, phone) are personal
   * data: only their kind is shown here.
   */
  router.get('/v1/events/unmatched', requireScope('read'), async (req, res) => {
    const query = parseRequest(unmatchedQuerySchema, req, 'query');
    const rows = await deps.prisma.unmatchedEvent.findMany({
      where: query.source === undefined ? {} : { source: query.source },
      orderBy: { receivedAt: 'desc' },
      take: query.limit,
    });
    res.json({
      items: rows.map((row) => ({
        id: row.id,
        source: row.source,
        externalId: row.externalId,
        type: row.type,
        occurredAt: row.occurredAt.toISOString(),
        receivedAt: row.receivedAt.toISOString(),
        matchedBy: Object.keys(row.match as object),
      })),
    });
  });

  return router;
}
