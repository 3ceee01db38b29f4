import { z } from 'zod';
import { Prisma, type PrismaClient } from '../generated/client';

/**
 * The counts experiment reports are built from, aggregated in SQL (GROUP
 * BY over the leads, touches, events and conversions tables): a report
 * over 100,000 leads moves a few dozen rows into the process, never the
 * leads themselves. Erased leads are counted: their arm, touches and
 * conversions are not personal data, and dropping them would bias the
 * split by whoever asked to be forgotten.
 */

/** Which conversions count: the goal events, within the window from enrollment. */
export interface ConversionRule {
  goals: readonly string[];
  /** Milliseconds from the lead's enrollment. */
  window: number;
}

const count = z.number().int().min(0);

/**
 * The conversion `c` of lead `l` counts: one of the goals, from enrollment to the end of the window.
 * A fragment of bound parameters (Prisma.sql), never text pasted into the query.
 */
function countsUnder(rule: ConversionRule): Prisma.Sql {
  return Prisma.sql`c.goal = ANY(${[...rule.goals]}::text[])
    AND c.occurred_at >= l.created_at
    AND c.occurred_at <= l.created_at + make_interval(secs => ${rule.window / 1000}::float8)`;
}

const armLeadRowSchema = z.object({
  planId: z.string(),
  arm: z.string(),
  experimentId: z.string().nullable(),
  leads: count,
});

export type ArmLeadRow = z.output<typeof armLeadRowSchema>;

/** Leads per plan, arm and experiment, for the plans asked about; leads without an arm are left out. */
export async function armLeadCounts(prisma: PrismaClient, planIds: readonly string[]): Promise<ArmLeadRow[]> {
  if (planIds.length === 0) return [];
  const rows: unknown[] = await prisma.$queryRaw`
    SELECT plan_id AS "planId", arm, experiment_id AS "experimentId", count(*)::int AS "leads"
    FROM leads
    WHERE plan_id = ANY(${[...planIds]}::text[]) AND arm IS NOT NULL
    GROUP BY plan_id, arm, experiment_id`;
  return rows.map((row) => armLeadRowSchema.parse(row));
}

const armRowSchema = z.object({
  arm: z.string(),
  experimentId: z.string().nullable(),
  leads: count,
  conversions: count,
});

export type ArmCountRow = z.output<typeof armRowSchema>;

/**
 * Leads and converted leads per arm of one plan. A lead converts once
 * however many goals it reached (conversions are unique per lead and
 * goal); the window is checked again here, against the rule asked about,
 * so a narrower `goal` or a plan's later window is honoured.
 */
export async function armCounts(
  prisma: PrismaClient,
  planId: string,
  rule: ConversionRule,
): Promise<ArmCountRow[]> {
  const rows: unknown[] = await prisma.$queryRaw`
    SELECT l.arm, l.experiment_id AS "experimentId", count(*)::int AS "leads",
      count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM conversions c
        WHERE c.lead_id = l.id
          AND c.plan_id = l.plan_id
          AND ${countsUnder(rule)}
      ))::int AS "conversions"
    FROM leads l
    WHERE l.plan_id = ${planId} AND l.arm IS NOT NULL
    GROUP BY l.arm, l.experiment_id`;
  return rows.map((row) => armRowSchema.parse(row));
}

const variantRowSchema = z.object({
  step: z.string(),
  variant: z.string(),
  sent: count,
  opened: count,
  clicked: count,
  replied: count,
  converted: count,
});

export type VariantCountRow = z.output<typeof variantRowSchema>;

/**
 * Per email step and variant of one plan: the leads it was sent to, and of
 * those, who opened, clicked or replied to that very touch and who
 * converted. An event counts for a touch when it names it (`data.touchKey`,
 * which provider webhooks carry back): an open without one cannot be told
 * apart between the steps and is left out rather than guessed.
 */
export async function variantCounts(
  prisma: PrismaClient,
  planId: string,
  rule: ConversionRule,
): Promise<VariantCountRow[]> {
  const rows: unknown[] = await prisma.$queryRaw`
    WITH sent AS (
      SELECT t.key, t.lead_id, t.step, t.variant
      FROM touches t
      WHERE t.plan_id = ${planId} AND t.channel = 'email' AND t.status = 'sent'
    ),
    answered AS (
      SELECT s.key,
        bool_or(e.type = 'email.opened') AS opened,
        bool_or(e.type = 'email.clicked') AS clicked,
        bool_or(e.type = 'email.replied') AS replied
      FROM sent s
      JOIN events e ON e.lead_id = s.lead_id AND e.data->>'touchKey' = s.key
      WHERE e.type IN ('email.opened', 'email.clicked', 'email.replied')
      GROUP BY s.key
    ),
    converted AS (
      SELECT DISTINCT c.lead_id
      FROM conversions c
      JOIN leads l ON l.id = c.lead_id
      WHERE c.plan_id = ${planId}
        AND l.plan_id = ${planId}
        AND ${countsUnder(rule)}
    )
    SELECT s.step, s.variant,
      count(DISTINCT s.lead_id)::int AS "sent",
      count(DISTINCT s.lead_id) FILTER (WHERE a.opened)::int AS "opened",
      count(DISTINCT s.lead_id) FILTER (WHERE a.clicked)::int AS "clicked",
      count(DISTINCT s.lead_id) FILTER (WHERE a.replied)::int AS "replied",
      count(DISTINCT s.lead_id) FILTER (WHERE cv.lead_id IS NOT NULL)::int AS "converted"
    FROM sent s
    LEFT JOIN answered a ON a.key = s.key
    LEFT JOIN converted cv ON cv.lead_id = s.lead_id
    GROUP BY s.step, s.variant`;
  return rows.map((row) => variantRowSchema.parse(row));
}
