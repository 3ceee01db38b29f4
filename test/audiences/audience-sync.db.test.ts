import { hashEmail } from '../../activities/audiences/audience-identifiers';
import type { AudienceBatchResult, AudiencePlatform } from '../../activities/audiences/audience-platform';
import {
  runAudienceSyncOnce,
  syncRowsFor,
  type AudienceSyncBackoff,
  type AudienceSyncDeps,
} from '../../activities/audiences/audience-sync';
import { createApplyEffects } from '../../activities/apply-effects';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../../activities/providers/provider-errors';
import { createLogger } from '../../config/logger';
import { workflowIdForLead } from '../../workflows/ids';
import { insertLead } from '../support/builders';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

interface Call {
  action: 'add' | 'remove';
  audience: string;
  emailSha256: string;
}

let platforms = 0;

/**
 * An in-memory platform that records every member it is sent. Each test has
 * its own (a new name), so rows of other tests never reach it... except that a
 * new platform plans every change ever recorded: assertions look at the
 * test's own leads only.
 */
function fakePlatform(audiences: string[]) {
  platforms += 1;
  const calls: Call[] = [];
  // Failures wait for a batch holding the lead they were queued for: other tests' leads go through.
  const failures = new Map<string | null, Error[]>();
  let reject: (emailSha256: string) => string | null = () => null;
  function record(action: Call['action'], audience: string, members: readonly { emailSha256: string }[]) {
    for (const m of members) {
      const failure = failures.get(m.emailSha256)?.shift();
      if (failure !== undefined) return Promise.reject(failure);
    }
    const rejected: AudienceBatchResult['rejected'][number][] = [];
    members.forEach((m, index) => {
      const reason = reject(m.emailSha256);
      if (reason === null) calls.push({ action, audience, emailSha256: m.emailSha256 });
      else rejected.push({ index, reason });
    });
    return Promise.resolve({ received: members.length, invalid: rejected.length, rejected });
  }
  const platform: AudiencePlatform = {
    name: `fake-${String(platforms)}`,
    maxBatchSize: 50,
    handles: (audience) => audiences.includes(audience),
    addMembers: (audience, members) => record('add', audience, members),
    removeMembers: (audience, members) => record('remove', audience, members),
  };
  return {
    platform,
    failFor(lead: { email: string }, ...errors: Error[]) {
      failures.set(hashEmail(lead.email), errors);
    },
    rejectWhen(fn: (emailSha256: string) => string | null) {
      reject = fn;
    },
    /** What this lead was sent, as "add awareness", in order. */
    callsFor(lead: { email: string }) {
      const hash = hashEmail(lead.email);
      return calls.filter((c) => c.emailSha256 === hash).map((c) => `${c.action} ${c.audience}`);
    },
  };
}

const applyEffects = () => createApplyEffects({ prisma: db.prisma });
let effectSeq = 0;

/** Records audience changes exactly as the nurture workflow does, through apply-effects. */
async function changeAudience(
  leadId: string,
  from: string | null,
  to: string | null,
  at: Date,
  suppress = false,
) {
  effectSeq += 1;
  const workflowId = workflowIdForLead(leadId);
  await applyEffects()({
    leadId,
    workflowId,
    at: at.toISOString(),
    decisions: [],
    effects: [
      { key: `${workflowId}:effect:${String(effectSeq)}`, type: 'set-audience', from, to },
      ...(suppress
        ? [
            {
              key: `${workflowId}:effect:${String(effectSeq)}b`,
              type: 'record-suppression' as const,
              reason: 'meeting booked',
              source: 'calcom',
            },
          ]
        : []),
    ],
  });
}

async function newLead() {
  const input = await insertLead(db.prisma);
  const lead = await db.prisma.lead.findUniqueOrThrow({ where: { id: input.leadId } });
  if (lead.email === null) throw new Error('lead stored without email');
  return { id: lead.id, email: lead.email };
}

function depsFor(platform: AudiencePlatform, extra: Partial<AudienceSyncDeps> = {}): AudienceSyncDeps {
  return { prisma: db.prisma, platforms: [platform], logger: createLogger('silent'), ...extra };
}

async function rowsOf(platform: AudiencePlatform, leadId: string) {
  return db.prisma.audienceSync.findMany({
    where: { platform: platform.name, leadId },
    orderBy: { key: 'asc' },
    select: { key: true, audience: true, action: true, status: true, attempts: true, error: true },
  });
}

const t0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);

describe('sync rows of one change', () => {
  const platform = { name: 'meta', handles: (a: string) => a !== 'unmapped' };
  const change = (from: string | null, to: string | null) => ({
    key: 'wf-1:effect:4',
    leadId: 'l1',
    fromAudience: from,
    toAudience: to,
  });

  test('a join is one add, a move a remove and an add, a leave one remove', () => {
    expect(syncRowsFor(change(null, 'a'), platform).map((r) => r.key)).toEqual(['meta:wf-1:effect:4:add']);
    expect(syncRowsFor(change('a', 'b'), platform).map((r) => [r.action, r.audience])).toEqual([
      ['remove', 'a'],
      ['add', 'b'],
    ]);
    expect(syncRowsFor(change('b', null), platform).map((r) => [r.key, r.status])).toEqual([
      ['meta:wf-1:effect:4:remove', 'pending'],
    ]);
    expect(syncRowsFor(change('a', 'a'), platform)).toEqual([]);
  });

  test('an audience the platform has no id for is planned as skipped, with the reason', () => {
    expect(syncRowsFor(change(null, 'unmapped'), platform)).toEqual([
      expect.objectContaining({ status: 'skipped', error: 'no meta audience configured for "unmapped"' }),
    ]);
  });
});

describe('audience sync runner', () => {
  test('join, move and leave on suppression reach the platform exactly once, however often and concurrently it runs', async () => {
    const fake = fakePlatform(['awareness', 'consideration', 'decision']);
    const lead = await newLead();
    const deps = depsFor(fake.platform);

    await changeAudience(lead.id, null, 'awareness', at(0));
    await runAudienceSyncOnce(deps);
    await runAudienceSyncOnce(deps);
    expect(fake.callsFor(lead)).toEqual(['add awareness']);

    await changeAudience(lead.id, 'awareness', 'consideration', at(10));
    await Promise.all([runAudienceSyncOnce(deps), runAudienceSyncOnce(deps), runAudienceSyncOnce(deps)]);
    expect(fake.callsFor(lead).slice(1).sort()).toEqual(['add consideration', 'remove awareness']);

    // Suppression (a meeting booked): the engine leaves the audience in the same step.
    await changeAudience(lead.id, 'consideration', null, at(20), true);
    await Promise.all([runAudienceSyncOnce(deps), runAudienceSyncOnce(deps)]);
    await runAudienceSyncOnce(deps);
    expect(fake.callsFor(lead).slice(3)).toEqual(['remove consideration']);
    expect(fake.callsFor(lead)).toHaveLength(4);

    const rows = await rowsOf(fake.platform, lead.id);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.status === 'synced' && r.attempts === 1 && r.error === null)).toBe(true);
  });

  test('a join and a leave synced in one pass never leave the lead in the audience', async () => {
    const fake = fakePlatform(['awareness']);
    const lead = await newLead();
    await changeAudience(lead.id, null, 'awareness', at(0));
    await changeAudience(lead.id, 'awareness', null, at(5), true);
    await runAudienceSyncOnce(depsFor(fake.platform));
    expect(fake.callsFor(lead)).toEqual(['remove awareness']);
    expect(await rowsOf(fake.platform, lead.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'add',
          status: 'skipped',
          error: 'superseded: the lead has left "awareness" since',
        }),
        expect.objectContaining({ action: 'remove', status: 'synced' }),
      ]),
    );
  });

  test('an erased lead and a lead without email are skipped with the reason, and nothing is sent', async () => {
    const fake = fakePlatform(['awareness']);
    const erased = await newLead();
    const noEmail = await newLead();
    await db.prisma.lead.update({
      where: { id: erased.id },
      data: { email: null, phone: null, erasedAt: at(1) },
    });
    await db.prisma.lead.update({ where: { id: noEmail.id }, data: { email: null } });
    await changeAudience(erased.id, null, 'awareness', at(0));
    await changeAudience(noEmail.id, null, 'awareness', at(0));
    await runAudienceSyncOnce(depsFor(fake.platform));
    expect(await rowsOf(fake.platform, erased.id)).toEqual([
      expect.objectContaining({ status: 'skipped', error: 'lead erased' }),
    ]);
    expect(await rowsOf(fake.platform, noEmail.id)).toEqual([
      expect.objectContaining({ status: 'skipped', error: 'lead has no email' }),
    ]);
  });

  test('an audience the platform does not map is recorded as skipped, never sent', async () => {
    const fake = fakePlatform(['awareness']);
    const lead = await newLead();
    await changeAudience(lead.id, null, 'decision', at(0));
    await runAudienceSyncOnce(depsFor(fake.platform));
    expect(fake.callsFor(lead)).toEqual([]);
    expect(await rowsOf(fake.platform, lead.id)).toEqual([
      expect.objectContaining({
        status: 'skipped',
        error: `no ${fake.platform.name} audience configured for "decision"`,
      }),
    ]);
  });

  test('a transient failure keeps the row pending with its attempt and error, and Retry-After is honoured', async () => {
    const fake = fakePlatform(['awareness']);
    const lead = await newLead();
    let clock = t0;
    const deps = depsFor(fake.platform, { now: () => clock });
    const backoff: AudienceSyncBackoff = new Map();
    await changeAudience(lead.id, null, 'awareness', at(0));
    fake.failFor(lead, new TransientProviderError('meta: HTTP 429', 60_000));

    const first = await runAudienceSyncOnce(deps, backoff);
    expect(first.retrying).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(fake.platform, lead.id)).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 1, error: 'meta: HTTP 429' }),
    ]);

    clock += 30_000;
    const early = await runAudienceSyncOnce(deps, backoff);
    expect(early.deferred).toEqual([fake.platform.name]);
    expect(fake.callsFor(lead)).toEqual([]);

    clock += 31_000;
    await runAudienceSyncOnce(deps, backoff);
    expect(fake.callsFor(lead)).toEqual(['add awareness']);
    expect(await rowsOf(fake.platform, lead.id)).toEqual([
      expect.objectContaining({ status: 'synced', attempts: 2, error: null }),
    ]);
  });

  test('a transient failure that never passes gives up after the attempts allowed', async () => {
    const fake = fakePlatform(['awareness']);
    const lead = await newLead();
    let clock = t0;
    const deps = depsFor(fake.platform, { now: () => clock, maxAttempts: 2 });
    await changeAudience(lead.id, null, 'awareness', at(0));
    fake.failFor(lead, new TransientProviderError('HTTP 503'), new TransientProviderError('HTTP 503'));
    await runAudienceSyncOnce(deps);
    clock += 3_600_000;
    await runAudienceSyncOnce(deps);
    expect(await rowsOf(fake.platform, lead.id)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 2, error: 'gave up after 2 attempts: HTTP 503' }),
    ]);
  });

  test('a permanent failure marks the rows failed with the platform error', async () => {
    const fake = fakePlatform(['awareness']);
    const lead = await newLead();
    await changeAudience(lead.id, null, 'awareness', at(0));
    fake.failFor(lead, new PermanentProviderError('meta: HTTP 400: code 100 Invalid parameter'));
    await runAudienceSyncOnce(depsFor(fake.platform));
    expect(await rowsOf(fake.platform, lead.id)).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        error: 'meta: HTTP 400: code 100 Invalid parameter',
      }),
    ]);
  });

  test('refused credentials keep the rows pending, without spending their attempts', async () => {
    const fake = fakePlatform(['awareness']);
    const lead = await newLead();
    await changeAudience(lead.id, null, 'awareness', at(0));
    fake.failFor(lead, new ProviderConfigurationError('linkedin: HTTP 401'));
    const backoff: AudienceSyncBackoff = new Map();
    await runAudienceSyncOnce(depsFor(fake.platform, { now: () => t0 }), backoff);
    expect(await rowsOf(fake.platform, lead.id)).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 0, error: 'linkedin: HTTP 401' }),
    ]);
    expect(backoff.get(fake.platform.name)).toBeGreaterThan(t0);
  });

  test('an entry the platform refuses alone fails alone; the rest of the batch is synced', async () => {
    const fake = fakePlatform(['awareness']);
    const good = await newLead();
    const bad = await newLead();
    const badHash = hashEmail(bad.email);
    fake.rejectWhen((hash) => (hash === badHash ? 'linkedin refused the entry: 400' : null));
    await changeAudience(good.id, null, 'awareness', at(0));
    await changeAudience(bad.id, null, 'awareness', at(0));
    await runAudienceSyncOnce(depsFor(fake.platform));
    expect(await rowsOf(fake.platform, good.id)).toEqual([expect.objectContaining({ status: 'synced' })]);
    expect(await rowsOf(fake.platform, bad.id)).toEqual([
      expect.objectContaining({ status: 'failed', error: 'linkedin refused the entry: 400' }),
    ]);
  });
});
