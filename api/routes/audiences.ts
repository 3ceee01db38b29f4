import { Router } from 'express';
import { z } from 'zod';
import { hashEmail, hashPhone } from '../../activities/audiences/audience-identifiers';
import {
  audienceHasHistory,
  audienceMemberCounts,
  audienceMembersPage,
} from '../../activities/audiences/audience-membership';
import type { AppDeps } from '../app-deps';
import { requireScope } from '../auth/authenticate';
import { notFound } from '../problem';
import { parseRequest } from '../validate';

export const audienceParamsSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be an audience name from a plan'),
});

/**
 * No query parameters. In particular no clear-text format: the platforms
 * take hashed lists, and an export of addresses would be a copy of personal
 * data outside the database that erasure can no longer reach.
 */
const membersQuerySchema = z.strictObject({});

export const audienceListSchema = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      members: z.number().int(),
      /** The plans that put leads in this audience (none: only leads from an older plan are in it). */
      plans: z.array(z.string()),
    }),
  ),
});

export const AUDIENCE_CSV_COLUMNS = ['lead_id', 'email_sha256', 'phone_sha256', 'joined_at'] as const;

const PAGE = 1_000;

/**
 * Retargeting audiences: what is in them now, and their members as the hashed
 * customer list the ad platforms take for a manual upload.
 */
export function audiencesRouter(deps: Pick<AppDeps, 'prisma' | 'plans'>): Router {
  const router = Router();

  /** Audience name to the plans that name it, from the latest version of each plan. */
  function plannedAudiences(): Map<string, string[]> {
    const byName = new Map<string, string[]>();
    for (const id of deps.plans.ids()) {
      const plan = deps.plans.latest(id);
      if (plan === undefined) continue;
      for (const name of new Set(Object.values(plan.retargeting.audiences))) {
        byName.set(name, [...(byName.get(name) ?? []), id]);
      }
    }
    return byName;
  }

  router.get('/v1/audiences', requireScope('read'), async (_req, res) => {
    const planned = plannedAudiences();
    const counts = await audienceMemberCounts(deps.prisma);
    const names = [...new Set([...planned.keys(), ...counts.keys()])].sort();
    res.json(
      audienceListSchema.parse({
        items: names.map((name) => ({
          name,
          members: counts.get(name) ?? 0,
          plans: planned.get(name) ?? [],
        })),
      }),
    );
  });

  /**
   * The current members, one row per lead: the lead id and SHA-256 of the
   * normalised email and phone (empty when the lead has none usable), and
   * when the lead joined. Streamed page by page, so any size fits.
   */
  router.get('/v1/audiences/:name/members.csv', requireScope('read'), async (req, res) => {
    const { name } = parseRequest(audienceParamsSchema, req, 'params');
    parseRequest(membersQuerySchema, req, 'query');
    if (!plannedAudiences().has(name) && !(await audienceHasHistory(deps.prisma, name))) {
      throw notFound(`No audience "${name}".`);
    }
    // The first page is read before the headers go out, so a database error is still a problem+json answer.
    let page = await audienceMembersPage(deps.prisma, name, null, PAGE);
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${name}-members.csv"`);
    // Hashes of personal data: not for shared caches.
    res.setHeader('cache-control', 'no-store');
    res.write(csvLine(AUDIENCE_CSV_COLUMNS));
    for (;;) {
      for (const member of page) {
        res.write(
          csvLine([
            member.leadId,
            member.email === null ? '' : (hashEmail(member.email) ?? ''),
            member.phone === null ? '' : (hashPhone(member.phone) ?? ''),
            member.joinedAt.toISOString(),
          ]),
        );
      }
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined) break;
      page = await audienceMembersPage(deps.prisma, name, last.leadId, PAGE);
    }
    res.end();
  });

  return router;
}

/** RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break. */
function csvLine(fields: readonly string[]): string {
  return `${fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')}\r\n`;
}
