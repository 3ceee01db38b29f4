import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { requireScope } from '../auth/authenticate';
import { leadIdSchema } from '../schemas/lead-schemas';
import { parseRequest } from '../validate';

export const outboxQuerySchema = z.strictObject({
  channel: z.enum(['email', 'sms']).optional(),
  leadId: leadIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const outboxListSchema = z.object({
  items: z.array(
    z.object({
      touchKey: z.string(),
      leadId: z.string().nullable(),
      channel: z.string(),
      recipient: z.string(),
      subject: z.string().nullable(),
      body: z.string(),
      createdAt: z.iso.datetime(),
    }),
  ),
});

/**
 * What the embedded provider "delivered", newest first: the inbox of a
 * service running with no provider accounts. Real providers keep their own.
 */
export function outboxRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/v1/outbox', requireScope('read'), async (req, res) => {
    const query = parseRequest(outboxQuerySchema, req, 'query');
    const touchKeys =
      query.leadId === undefined
        ? undefined
        : (await deps.prisma.touch.findMany({ where: { leadId: query.leadId }, select: { key: true } })).map(
            (t) => t.key,
          );
    const rows = await deps.prisma.outboxMessage.findMany({
      where: {
        ...(query.channel === undefined ? {} : { channel: query.channel }),
        ...(touchKeys === undefined ? {} : { touchKey: { in: touchKeys } }),
      },
      orderBy: [{ createdAt: 'desc' }, { touchKey: 'asc' }],
      take: query.limit,
    });
    const touches = await deps.prisma.touch.findMany({
      where: { key: { in: rows.map((r) => r.touchKey) } },
      select: { key: true, leadId: true },
    });
    const leadOf = new Map(touches.map((t) => [t.key, t.leadId]));
    res.json(
      outboxListSchema.parse({
        items: rows.map((row) => ({
          touchKey: row.touchKey,
          leadId: leadOf.get(row.touchKey) ?? null,
          channel: row.channel,
          recipient: row.recipient,
          subject: row.subject,
          body: row.body,
          createdAt: row.createdAt.toISOString(),
        })),
      }),
    );
  });
  return router;
}
