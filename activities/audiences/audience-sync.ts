import { z } from 'zod';
import { startPollLoop } from '../../background/poll-loop';
import type { Logger } from '../../config/logger';
import type { PrismaClient } from '../../prisma/generated/client';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../providers/provider-errors';
import { hashedIdentifiersSchema, identifiersOf, type HashedIdentifiers } from './audience-identifiers';
import { currentAudiences } from './audience-membership';
import type { AudiencePlatform } from './audience-platform';

/**
 * Pushes retargeting membership to the ad platforms. The engine records each
 * change of a lead's audience in `audience_changes`; this runner turns every
 * change into one `audience_syncs` row per platform and action (a move from A
 * to B is a remove from A and an add to B; a change to none is a remove:
 * leaving on suppression or conversion matters as much as joining), then
 * pushes pending rows in batches and records the outcome on each row.
 *
 * - Idempotent: row keys are `${platform}:${change key}:${action}`, inserted
 *   with ON CONFLICT DO NOTHING, so planning the same change twice adds nothing.
 * - Safe in several processes at once: rows are claimed by one UPDATE over a
 *   `FOR UPDATE SKIP LOCKED` selection, which hands each row to one claimer
 *   (on PGlite, which runs one statement at a time, the single statement is
 *   what makes the claim atomic).
 * - Order-free: a row is pushed only if it still agrees with the lead's
 *   membership at push time (an add only while the lead is in that audience,
 *   a remove only while it is not); the others are skipped as superseded. A
 *   join and a leave synced in one pass therefore never leave the lead in.
 * - Emails are read from `leads` at push time and sent hashed; an erased
 *   lead or one without a usable email is skipped with the reason.
 */

export type AudienceSyncAction = 'add' | 'remove';

/** `sending` = claimed by a runner that is talking to the platform. */
export type AudienceSyncStatus = 'pending' | 'sending' | 'synced' | 'failed' | 'skipped';

export interface AudienceChangeRow {
  key: string;
  leadId: string;
  fromAudience: string | null;
  toAudience: string | null;
  /** Only on the leave written at erasure (the lead's own address is gone by then). */
  hashedIdentifiers?: HashedIdentifiers | null;
}

export interface PlannedSyncRow {
  key: string;
  platform: string;
  audience: string;
  leadId: string;
  action: AudienceSyncAction;
  status: Extract<AudienceSyncStatus, 'pending' | 'skipped'>;
  error: string | null;
  hashedIdentifiers?: HashedIdentifiers;
}

/** Far longer than any push takes: a claim this old belongs to a runner that died. */
const STALE_CLAIM_MS = 10 * 60_000;

export function audienceSyncKey(platform: string, changeKey: string, action: AudienceSyncAction): string {
  return `${platform}:${changeKey}:${action}`;
}

/**
 * The rows one membership change makes for one platform. An audience the
 * platform has no id for is recorded as skipped, with the reason, so the
 * change counts as planned and an operator can see why nothing was sent.
 */
export function syncRowsFor(
  change: AudienceChangeRow,
  platform: Pick<AudiencePlatform, 'name' | 'handles'>,
): PlannedSyncRow[] {
  if (change.fromAudience === change.toAudience) return [];
  const wanted: [AudienceSyncAction, string | null][] = [
    ['remove', change.fromAudience],
    ['add', change.toAudience],
  ];
  return wanted.flatMap(([action, audience]) => {
    if (audience === null) return [];
    const handled = platform.handles(audience);
    return [
      {
        key: audienceSyncKey(platform.name, change.key, action),
        platform: platform.name,
        audience,
        leadId: change.leadId,
        action,
        status: handled ? 'pending' : 'skipped',
        error: handled ? null : `no ${platform.name} audience configured for "${audience}"`,
        ...(action === 'remove' && change.hashedIdentifiers != null
          ? { hashedIdentifiers: change.hashedIdentifiers }
          : {}),
      },
    ];
  });
}

export interface AudienceSyncDeps {
  prisma: PrismaClient;
  platforms: readonly AudiencePlatform[];
  logger: Logger;
  now?: () => number;
  /** Attempts before a row that keeps failing transiently is marked failed. */
  maxAttempts?: number;
  /** Most rows claimed at once per platform (capped by the platform's batch size). */
  batchSize?: number;
  /** Most changes planned per platform and pass. */
  planLimit?: number;
}

export interface AudienceSyncPass {
  planned: number;
  synced: number;
  failed: number;
  skipped: number;
  /** Rows put back to pending after a transient failure. */
  retrying: number;
  /** Platforms left alone this pass because they asked us to wait. */
  deferred: string[];
}

/** Per platform, the time (epoch ms) before which it is not called again; kept between passes by the loop. */
export type AudienceSyncBackoff = Map<string, number>;

const DEFAULT_MAX_ATTEMPTS = 10;
const DEFAULT_BATCH_SIZE = 1_000;
const DEFAULT_PLAN_LIMIT = 1_000;
/** Rounds of claim-and-push per platform and pass: enough to drain a backlog, bounded so a pass ends. */
const MAX_ROUNDS = 20;
/** Bad credentials need a person; asking every few seconds only fills the platform's logs. */
const CONFIGURATION_BACKOFF_MS = 5 * 60_000;

/** Without a Retry-After: 30 s, doubling per attempt, at most 30 min. */
function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

/** One pass: plan new changes, then push what is pending, for every platform. */
export async function runAudienceSyncOnce(
  deps: AudienceSyncDeps,
  backoff: AudienceSyncBackoff = new Map(),
): Promise<AudienceSyncPass> {
  const now = deps.now ?? Date.now;
  const pass: AudienceSyncPass = { planned: 0, synced: 0, failed: 0, skipped: 0, retrying: 0, deferred: [] };
  // Rows a runner took and never finished (its process died mid-push) go back to the queue.
  await deps.prisma.audienceSync.updateMany({
    where: { status: 'sending', claimedAt: { lt: new Date(now() - STALE_CLAIM_MS) } },
    data: { status: 'pending', claimedAt: null },
  });
  for (const platform of deps.platforms) {
    pass.planned += await planChanges(deps, platform);
    const until = backoff.get(platform.name);
    if (until !== undefined && until > now()) {
      pass.deferred.push(platform.name);
      continue;
    }
    backoff.delete(platform.name);
    await pushPending(deps, platform, backoff, pass);
  }
  return pass;
}

const changeRowSchema = z.object({
  key: z.string(),
  leadId: z.string(),
  fromAudience: z.string().nullable(),
  toAudience: z.string().nullable(),
  hashedIdentifiers: hashedIdentifiersSchema.nullable(),
});

/** Inserts the sync rows of changes that have none yet for this platform. */
async function planChanges(deps: AudienceSyncDeps, platform: AudiencePlatform): Promise<number> {
  const prefix = `${platform.name}:`;
  const rows: unknown[] = await deps.prisma.$queryRaw`
    SELECT c.key, c.lead_id AS "leadId", c.from_audience AS "fromAudience", c.to_audience AS "toAudience",
      c.hashed_identifiers AS "hashedIdentifiers"
    FROM audience_changes c
    WHERE c.from_audience IS DISTINCT FROM c.to_audience
      AND NOT EXISTS (
        SELECT 1 FROM audience_syncs s
        WHERE s.key IN (${prefix}::text || c.key || ':remove', ${prefix}::text || c.key || ':add'))
    ORDER BY c.changed_at, c.key
    LIMIT ${deps.planLimit ?? DEFAULT_PLAN_LIMIT}::int`;
  const planned = rows.map((row) => changeRowSchema.parse(row)).flatMap((c) => syncRowsFor(c, platform));
  if (planned.length === 0) return 0;
  // One INSERT: a change's remove and add rows appear together or not at all.
  const data = planned.map(({ hashedIdentifiers, ...row }) => ({
    ...row,
    ...(hashedIdentifiers === undefined ? {} : { hashedIdentifiers: { ...hashedIdentifiers } }),
  }));
  const { count } = await deps.prisma.audienceSync.createMany({ data, skipDuplicates: true });
  return count;
}

const claimedRowSchema = z.object({
  key: z.string(),
  audience: z.string(),
  leadId: z.string(),
  action: z.enum(['add', 'remove']),
  attempts: z.number().int(),
  hashedIdentifiers: hashedIdentifiersSchema.nullable(),
});

type ClaimedRow = z.output<typeof claimedRowSchema>;

async function claim(
  deps: AudienceSyncDeps,
  platform: AudiencePlatform,
  limit: number,
): Promise<ClaimedRow[]> {
  const rows: unknown[] = await deps.prisma.$queryRaw`
    UPDATE audience_syncs SET status = 'sending', attempts = attempts + 1, claimed_at = now()
    WHERE status = 'pending' AND key IN (
      SELECT key FROM audience_syncs
      WHERE platform = ${platform.name} AND status = 'pending'
      ORDER BY created_at, key
      LIMIT ${limit}::int
      FOR UPDATE SKIP LOCKED)
    RETURNING key, audience, lead_id AS "leadId", action, attempts, hashed_identifiers AS "hashedIdentifiers"`;
  return rows.map((row) => claimedRowSchema.parse(row));
}

interface Batch {
  audience: string;
  action: AudienceSyncAction;
  rows: ClaimedRow[];
  members: HashedIdentifiers[];
}

async function pushPending(
  deps: AudienceSyncDeps,
  platform: AudiencePlatform,
  backoff: AudienceSyncBackoff,
  pass: AudienceSyncPass,
): Promise<void> {
  const limit = Math.max(1, Math.min(deps.batchSize ?? DEFAULT_BATCH_SIZE, platform.maxBatchSize));
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const claimed = await claim(deps, platform, limit);
    if (claimed.length === 0) return;
    const batches = await prepare(deps, claimed, pass);
    for (const [index, batch] of batches.entries()) {
      const stop = await send(deps, platform, batch, backoff, pass);
      if (stop) {
        // The platform asked us to wait: rows not tried yet go back untouched.
        await release(
          deps,
          batches.slice(index + 1).flatMap((b) => b.rows),
          null,
        );
        return;
      }
    }
    if (claimed.length < limit) return;
  }
}

/**
 * Reads the leads of the claimed rows, skips the rows that cannot or need no
 * longer be sent (with the reason), and groups the rest by audience and action.
 */
async function prepare(
  deps: AudienceSyncDeps,
  claimed: ClaimedRow[],
  pass: AudienceSyncPass,
): Promise<Batch[]> {
  const leadIds = [...new Set(claimed.map((row) => row.leadId))];
  const leads = new Map(
    (
      await deps.prisma.lead.findMany({
        where: { id: { in: leadIds } },
        select: { id: true, email: true, phone: true, erasedAt: true },
      })
    ).map((lead) => [lead.id, lead]),
  );
  const current = await currentAudiences(deps.prisma, leadIds);
  const skipped = new Map<string, string[]>();
  const batches = new Map<string, Batch>();
  for (const row of claimed) {
    const reason = skipReason(row, leads.get(row.leadId), current.get(row.leadId) ?? null);
    if (typeof reason === 'string') {
      skipped.set(reason, [...(skipped.get(reason) ?? []), row.key]);
      continue;
    }
    const id = `${row.action}\u0000${row.audience}`;
    const batch = batches.get(id) ?? { audience: row.audience, action: row.action, rows: [], members: [] };
    batch.rows.push(row);
    batch.members.push(reason);
    batches.set(id, batch);
  }
  for (const [reason, keys] of skipped) {
    await finish(deps, keys, { status: 'skipped', error: reason });
    pass.skipped += keys.length;
  }
  return [...batches.values()];
}

/** The member to send for a row, or why the row is skipped. */
function skipReason(
  row: ClaimedRow,
  lead: { email: string | null; phone: string | null; erasedAt: Date | null } | undefined,
  currentAudience: string | null,
): HashedIdentifiers | string {
  // Leaving at erasure: the address is gone, the hashes taken before it went are not.
  if (row.action === 'remove' && row.hashedIdentifiers !== null) {
    return currentAudience === row.audience
      ? `superseded: the lead is in "${row.audience}" again`
      : row.hashedIdentifiers;
  }
  if (lead === undefined) return 'lead not found';
  const identifiers = identifiersOf(lead);
  if (!identifiers.ok) return identifiers.problem;
  if (row.action === 'add' && currentAudience !== row.audience) {
    return `superseded: the lead has left "${row.audience}" since`;
  }
  if (row.action === 'remove' && currentAudience === row.audience) {
    return `superseded: the lead is in "${row.audience}" again`;
  }
  return identifiers.identifiers;
}

/** Sends one batch and records the outcome; true when the platform must not be called again this pass. */
async function send(
  deps: AudienceSyncDeps,
  platform: AudiencePlatform,
  batch: Batch,
  backoff: AudienceSyncBackoff,
  pass: AudienceSyncPass,
): Promise<boolean> {
  const now = deps.now ?? Date.now;
  const log = { platform: platform.name, audience: batch.audience, action: batch.action };
  try {
    const result =
      batch.action === 'add'
        ? await platform.addMembers(batch.audience, batch.members)
        : await platform.removeMembers(batch.audience, batch.members);
    const rejected = new Map(result.rejected.map((r) => [r.index, r.reason]));
    const accepted = batch.rows.filter((_, index) => !rejected.has(index)).map((row) => row.key);
    await finish(deps, accepted, { status: 'synced', error: null, syncedAt: new Date(now()) });
    pass.synced += accepted.length;
    for (const [index, reason] of rejected) {
      const row = batch.rows[index];
      if (row === undefined) continue;
      await finish(deps, [row.key], { status: 'failed', error: reason });
      pass.failed += 1;
    }
    if (result.invalid > 0) {
      // Meta reports how many hashes it found invalid, not which: the rows stay synced.
      deps.logger.warn(
        { ...log, received: result.received, invalid: result.invalid },
        'platform found invalid entries',
      );
    }
    deps.logger.info({ ...log, count: accepted.length }, 'audience batch synced');
    return false;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ProviderConfigurationError) {
      // Our credentials, not the rows: they wait, uncounted, until an operator fixes the configuration.
      deps.logger.error({ ...log, err: error }, 'audience platform refused our credentials');
      await release(deps, batch.rows, message);
      pass.retrying += batch.rows.length;
      backoff.set(platform.name, now() + CONFIGURATION_BACKOFF_MS);
      return true;
    }
    if (error instanceof PermanentProviderError) {
      deps.logger.warn({ ...log, err: error }, 'audience platform refused the batch');
      await finish(
        deps,
        batch.rows.map((row) => row.key),
        { status: 'failed', error: message },
      );
      pass.failed += batch.rows.length;
      return false;
    }
    // Transient, or an error we do not know (a bug, a new platform answer): retried later.
    const retryAfterMs = error instanceof TransientProviderError ? error.retryAfterMs : undefined;
    const attempts = Math.max(...batch.rows.map((row) => row.attempts));
    const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const exhausted = batch.rows.filter((row) => row.attempts >= maxAttempts).map((row) => row.key);
    const again = batch.rows.filter((row) => row.attempts < maxAttempts).map((row) => row.key);
    await finish(deps, exhausted, {
      status: 'failed',
      error: `gave up after ${maxAttempts} attempts: ${message}`,
    });
    await finish(deps, again, { status: 'pending', error: message });
    pass.failed += exhausted.length;
    pass.retrying += again.length;
    backoff.set(platform.name, now() + (retryAfterMs ?? backoffMs(attempts)));
    deps.logger.warn({ ...log, err: error, retryAfterMs }, 'audience platform failed; will retry');
    return true;
  }
}

/** Records the outcome of rows this runner claimed (and only while it still holds them). */
async function finish(
  deps: AudienceSyncDeps,
  keys: string[],
  data: { status: AudienceSyncStatus; error: string | null; syncedAt?: Date },
): Promise<void> {
  if (keys.length === 0) return;
  await deps.prisma.audienceSync.updateMany({ where: { key: { in: keys }, status: 'sending' }, data });
}

/** Hands claimed rows back without counting an attempt (they were not tried, or not their fault). */
async function release(deps: AudienceSyncDeps, rows: ClaimedRow[], error: string | null): Promise<void> {
  if (rows.length === 0) return;
  await deps.prisma.audienceSync.updateMany({
    where: { key: { in: rows.map((row) => row.key) }, status: 'sending' },
    data: { status: 'pending', attempts: { decrement: 1 }, ...(error === null ? {} : { error }) },
  });
}

/**
 * Runs a pass every `intervalMs` until stopped, on the shared poll loop: one
 * pass at a time per process, errors logged and retried on the next tick. The
 * platforms' Retry-After waits are kept here between passes.
 */
export function startAudienceSync(
  deps: AudienceSyncDeps,
  intervalMs = 30_000,
): { stop: () => Promise<void>; runOnce: () => Promise<AudienceSyncPass> } {
  const backoff: AudienceSyncBackoff = new Map();
  const runOnce = () => runAudienceSyncOnce(deps, backoff);
  const loop = startPollLoop({
    // One pass per interval, never again at once: a pass already pushes every
    // batch it can, and what is left is waiting on a platform's backoff.
    pass: async () => {
      const pass = await runOnce();
      if (pass.planned + pass.synced + pass.failed + pass.skipped + pass.retrying > 0) {
        deps.logger.info({ ...pass }, 'audience sync pass');
      }
      return 0;
    },
    intervalMs,
    logger: deps.logger,
    failure: 'audience sync pass failed; will retry',
    passAtStart: false,
  });
  return { runOnce, stop: loop.stop };
}
