import { armRecordFor } from '../../experiments/assignment/lead-arm-record';
import { GLOBAL_CONTROL_ARM } from '../../experiments/assignment/arm-assignment';
import { buildExperimentReport } from '../../experiments/report/experiment-report';
import type { ExperimentCountsInput } from '../../experiments/report/experiment-counts';
import { sampleRatioMismatch } from '../../experiments/statistics/sample-ratio-mismatch';
import { shippedPlan, uniqueLeadId } from '../support/builders';
import { eventually } from '../support/eventually';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The experiment routes over leads, touches, events and conversions written
 * straight into the database, so every count is known exactly: the answer
 * must be what the pure report builder makes of those counts. The last test
 * enrolls through the API with a worker running, so the arms are the ones
 * assignment draws and the conversions the ones the inbox records.
 */
const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;

const plan = shippedPlan('experiment');
const experiment = (() => {
  if (plan.experiment === undefined) throw new Error('the experiment plan has no experiment');
  return plan.experiment;
})();
const ENROLLED = new Date('2026-11-02T09:00:00.000Z');
const DAY = 86_400_000;

beforeAll(async () => {
  db = await openTestDatabase();
  const { taskQueue } = await harness.startWorker(db.prisma);
  api = await startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue });
});

afterAll(async () => {
  await api.close();
  await db.close();
});

interface Reply {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

async function get(
  path: string,
  headers: Record<string, string> = api.auth,
  base = api.base,
): Promise<Reply> {
  const response = await fetch(`${base}${path}`, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

interface LeadGroup {
  arm: string | null;
  experimentId?: string | null;
  planId?: string;
  count: number;
}

/** Inserts leads as enrollment stores them; returns their ids in order. */
async function addLeads(group: LeadGroup): Promise<string[]> {
  const ids = Array.from({ length: group.count }, () => uniqueLeadId(`x-${group.arm ?? 'none'}`));
  const experimentId =
    group.experimentId !== undefined ? group.experimentId : group.arm === null ? null : experiment.id;
  await db.prisma.lead.createMany({
    data: ids.map((id) => ({
      id,
      workflowId: `nurture-${id}`,
      timezone: 'UTC',
      emailDomain: 'example.com',
      planId: group.planId ?? plan.id,
      planVersion: plan.version,
      arm: group.arm,
      experimentId,
      armChannels: [],
      createdAt: ENROLLED,
    })),
  });
  return ids;
}

/** A goal event and the conversion the inbox would record for it, `after` ms past enrollment. */
async function convert(ids: readonly string[], options: { goal?: string; after?: number } = {}) {
  for (const leadId of ids) {
    const lead = await db.prisma.lead.findUniqueOrThrow({ where: { id: leadId } });
    const occurredAt = new Date(ENROLLED.getTime() + (options.after ?? DAY));
    const type = options.goal ?? 'meeting.booked';
    const event = await db.prisma.event.create({
      data: { leadId, source: 'api', externalId: `goal-${leadId}-${type}`, type, occurredAt },
    });
    await db.prisma.conversion.create({
      data: {
        leadId,
        goal: type,
        planId: lead.planId,
        experimentId: lead.experimentId,
        arm: lead.arm,
        eventId: event.id,
        occurredAt,
      },
    });
  }
}

/** Sent (or failed) email touches of one step and variant; returns the touch keys by lead. */
async function send(ids: readonly string[], step: string, variant: string, status = 'sent') {
  await db.prisma.touch.createMany({
    data: ids.map((leadId) => ({
      key: `${leadId}:${step}:${variant}`,
      leadId,
      workflowId: `nurture-${leadId}`,
      channel: 'email',
      step,
      variant,
      planId: plan.id,
      planVersion: plan.version,
      status,
      provider: 'outbox',
    })),
  });
}

let eventCounter = 0;
/** Provider events answering a touch (data.touchKey), or none when `touchKey` is null. */
async function answer(ids: readonly string[], type: string, step: string, variant: string | null) {
  await db.prisma.event.createMany({
    data: ids.map((leadId) => {
      eventCounter += 1;
      return {
        leadId,
        source: 'sendgrid',
        externalId: `e-${String(eventCounter)}`,
        type,
        occurredAt: new Date(ENROLLED.getTime() + 3_600_000),
        data: variant === null ? {} : { touchKey: `${leadId}:${step}:${variant}` },
      };
    }),
  });
}

/** The builder's steps for the plan with every count 0, then the given ones. */
function steps(
  given: Record<
    string,
    Record<string, Partial<Record<'sent' | 'opened' | 'clicked' | 'replied' | 'converted', number>>>
  >,
): NonNullable<ExperimentCountsInput['steps']> {
  return plan.emailSteps.map((step) => ({
    step: step.id,
    variants: step.variants.map((v) => ({
      id: v.id,
      weight: 1,
      sent: 0,
      opened: 0,
      clicked: 0,
      replied: 0,
      converted: 0,
      ...given[step.id]?.[v.id],
    })),
  }));
}

describe('GET /v1/experiments/:planId', () => {
  beforeEach(async () => {
    // Cascades to events, touches and conversions.
    await db.prisma.lead.deleteMany({});
  });

  test('answers what the pure builder makes of the exact counts, and nothing else is counted', async () => {
    const full = await addLeads({ arm: 'full', count: 45 });
    const emailOnly = await addLeads({ arm: 'email-only', count: 45 });
    const control = await addLeads({ arm: 'control', count: 10 });
    // Not of this experiment: an earlier experiment's arm, and leads of a plan without one.
    const earlier = await addLeads({ arm: 'full', experimentId: 'earlier-test', count: 5 });
    const otherPlan = await addLeads({ arm: null, planId: 'default', count: 7 });
    await convert([...full.slice(0, 5), ...full.slice(20, 24)]);
    await convert(full.slice(44), { after: 91 * DAY }); // past the 90-day window
    await convert(emailOnly.slice(0, 4));
    await convert(emailOnly.slice(4, 5), { goal: 'trial.started' }); // not one of the plan's goals
    await convert(control.slice(0, 1));
    await convert([...earlier, ...otherPlan]);

    await send(full.slice(0, 20), 'welcome', 'a');
    await send(full.slice(20, 40), 'welcome', 'b');
    await send(full.slice(40, 42), 'welcome', 'a', 'failed'); // never reached anyone
    await send(emailOnly.slice(0, 3), 'case-study', 'a');
    await answer(full.slice(0, 8), 'email.opened', 'welcome', 'a');
    await answer(full.slice(0, 2), 'email.opened', 'welcome', 'a'); // opened twice: one lead each
    await answer(full.slice(8, 12), 'email.opened', 'welcome', null); // names no touch: not attributed
    await answer(full.slice(0, 3), 'email.clicked', 'welcome', 'a');
    await answer(full.slice(5, 6), 'email.replied', 'welcome', 'a');
    await answer(full.slice(20, 25), 'email.opened', 'welcome', 'b');
    await answer(full.slice(20, 24), 'email.clicked', 'welcome', 'b');
    await answer(emailOnly.slice(0, 1), 'email.opened', 'case-study', 'a');

    const reply = await get('/v1/experiments/experiment');
    expect(reply.status).toBe(200);
    const expected = buildExperimentReport({
      planId: 'experiment',
      experimentId: experiment.id,
      arms: [
        { id: 'full', share: 0.45, leads: 45, conversions: 9 },
        { id: 'email-only', share: 0.45, leads: 45, conversions: 4 },
        { id: 'control', share: 0.1, leads: 10, conversions: 1 },
      ],
      steps: steps({
        welcome: {
          a: { sent: 20, opened: 8, clicked: 3, replied: 1, converted: 5 },
          b: { sent: 20, opened: 5, clicked: 4, replied: 0, converted: 4 },
        },
        'case-study': { a: { sent: 3, opened: 1, converted: 3 } },
      }),
    });
    expect(reply.body).toEqual(JSON.parse(JSON.stringify(expected)));
    // The figures a reader checks first, spelled out.
    expect(reply.body.arms).toEqual([
      expect.objectContaining({ id: 'full', leads: 45, conversions: 9, rate: 0.2 }),
      expect.objectContaining({ id: 'email-only', leads: 45, conversions: 4, rate: 4 / 45 }),
      expect.objectContaining({ id: 'control', leads: 10, conversions: 1, rate: 0.1 }),
    ]);
    expect(reply.body.srm).toMatchObject({ chiSquare: 0, pValue: 1, flagged: false });
    const pairs = (reply.body.comparisons as { arm: string; against: string }[]).map(
      (c) => `${c.arm}-${c.against}`,
    );
    expect(pairs).toEqual(['full-control', 'email-only-control', 'full-email-only']);

    // The plan's only goal, named: the same report.
    const named = await get('/v1/experiments/experiment?goal=meeting.booked');
    expect(named.body).toEqual(reply.body);
  });

  test('flags a skewed split (sample-ratio mismatch)', async () => {
    await addLeads({ arm: 'full', count: 300 });
    await addLeads({ arm: 'email-only', count: 100 });
    await addLeads({ arm: 'control', count: 10 });
    const reply = await get('/v1/experiments/experiment');
    expect(reply.status).toBe(200);
    const expected = sampleRatioMismatch([300, 100, 10], [0.45, 0.45, 0.1]);
    expect(expected.flagged).toBe(true);
    expect(reply.body.srm).toEqual(expected);
  });

  test('an empty experiment has arms at 0, null rates and no verdict', async () => {
    const reply = await get('/v1/experiments/experiment');
    expect(reply.status).toBe(200);
    expect(reply.body.arms).toEqual([
      { id: 'full', share: 0.45, leads: 0, conversions: 0, rate: null, interval: null },
      { id: 'email-only', share: 0.45, leads: 0, conversions: 0, rate: null, interval: null },
      { id: 'control', share: 0.1, leads: 0, conversions: 0, rate: null, interval: null },
    ]);
    for (const comparison of reply.body.comparisons as Record<string, unknown>[]) {
      expect(comparison).toMatchObject({ uplift: null, pValue: null, verdict: 'undecided' });
    }
  });

  test('with GLOBAL_CONTROL_SHARE the global holdout is an arm, and the plan arms share the rest', async () => {
    const withHoldout = await startTestApi({
      prisma: db.prisma,
      temporal: harness.env.client,
      taskQueue: 'unused',
      overrides: { globalControlShare: 0.2 },
    });
    try {
      await addLeads({ arm: GLOBAL_CONTROL_ARM, experimentId: null, count: 20 });
      await addLeads({ arm: 'full', count: 36 });
      await addLeads({ arm: 'email-only', count: 36 });
      await addLeads({ arm: 'control', count: 8 });
      const report = await get('/v1/experiments/experiment', withHoldout.auth, withHoldout.base);
      expect(report.status).toBe(200);
      const arms = report.body.arms as { id: string; share: number; leads: number }[];
      expect(arms.map((a) => [a.id, a.leads])).toEqual([
        ['full', 36],
        ['email-only', 36],
        ['control', 8],
        [GLOBAL_CONTROL_ARM, 20],
      ]);
      expect(arms.map((a) => a.share)).toEqual([0.45 * 0.8, 0.45 * 0.8, 0.1 * 0.8, 0.2]);
      expect(report.body.srm).toMatchObject({ flagged: false });
      const list = await get('/v1/experiments', withHoldout.auth, withHoldout.base);
      expect(list.body).toMatchObject({ items: [{ planId: 'experiment', leads: 100 }] });
    } finally {
      await withHoldout.close();
    }
  });

  test('unknown plan, plan without an experiment and a goal the plan lacks are problems', async () => {
    const unknown = await get('/v1/experiments/no-such-plan');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ type: 'https://durable-nurture.dev/problems/not-found' });

    const none = await get('/v1/experiments/default');
    expect(none.status).toBe(404);
    expect(none.type).toContain('application/problem+json');
    expect(none.body).toMatchObject({ type: 'https://durable-nurture.dev/problems/no-experiment' });

    const otherGoal = await get('/v1/experiments/experiment?goal=trial.started');
    expect(otherGoal.status).toBe(422);
    expect(otherGoal.body).toMatchObject({
      type: 'https://durable-nurture.dev/problems/unprocessable-content',
      issues: [{ path: ['query', 'goal'] }],
    });
    const noGoal = await get('/v1/experiments/experiment?goal=nothing');
    expect(noGoal.status).toBe(400);
    const extra = await get('/v1/experiments/experiment?since=yesterday');
    expect(extra.status).toBe(400);
    expect(extra.body).toMatchObject({ type: 'https://durable-nurture.dev/problems/validation-error' });
  });
});

describe('GET /v1/experiments', () => {
  beforeEach(async () => {
    await db.prisma.lead.deleteMany({});
  });

  test('lists the plans with an experiment, their arms and leads per arm', async () => {
    await addLeads({ arm: 'full', count: 4 });
    await addLeads({ arm: 'email-only', count: 3 });
    await addLeads({ arm: 'full', experimentId: 'earlier-test', count: 2 });
    await addLeads({ arm: null, planId: 'default', count: 2 });
    const reply = await get('/v1/experiments');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      items: [
        {
          planId: 'experiment',
          experimentId: experiment.id,
          leads: 7,
          arms: [
            { id: 'full', share: 0.45, channels: ['email', 'sms', 'linkedin', 'retargeting'], leads: 4 },
            { id: 'email-only', share: 0.45, channels: ['email'], leads: 3 },
            { id: 'control', share: 0.1, channels: [], leads: 0 },
          ],
          conversions: { goals: ['meeting.booked'], windowMs: 90 * DAY },
        },
      ],
    });
  });
});

describe('scopes', () => {
  test.each(['/v1/experiments', '/v1/experiments/experiment'])(
    '%s: 401 without a key, 403 without read',
    async (path) => {
      const anonymous = await get(path, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.type).toContain('application/problem+json');
      const enrollOnly = await get(path, await api.keyWith(['enroll', 'events']));
      expect(enrollOnly.status).toBe(403);
      expect(enrollOnly.type).toContain('application/problem+json');
      const reader = await get(path, await api.keyWith(['read']));
      expect(reader.status).toBe(200);
    },
  );
});

describe('through the API, with a worker running', () => {
  beforeAll(async () => {
    await db.prisma.lead.deleteMany({});
  });

  test('the report counts the arms assignment drew and the conversions the inbox recorded', async () => {
    // Fixed ids, so the draw is the same on every run: 10 full, 13 email-only, 1 control.
    const ids = Array.from({ length: 24 }, (_, i) => `crm-e2e-${String(i + 1)}`);
    for (const id of ids) {
      const response = await fetch(`${api.base}/v1/leads`, {
        method: 'POST',
        headers: { ...api.auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          id,
          email: `${id}@example.com`,
          timezone: 'UTC',
          planId: 'experiment',
          consent: { email: true },
        }),
      });
      expect(response.status).toBe(201);
    }
    const drawn = new Map(ids.map((id) => [id, armRecordFor(id, plan, 0).arm]));
    const inArm = (arm: string) => ids.filter((id) => drawn.get(id) === arm);
    expect(experiment.arms.map((arm) => inArm(arm.id).length)).toEqual([10, 13, 1]);
    // Every lead whose arm has email gets the welcome email, control leads a ghost; the bookings
    // come after it, since a booked meeting ends the nurture before a welcome still due.
    const touched = ids.filter((id) => drawn.get(id) !== 'control');
    await eventually(
      () => db.prisma.touch.count({ where: { step: 'welcome', status: 'sent', leadId: { in: ids } } }),
      (sent) => sent === touched.length,
    );

    const booked = [...inArm('full').slice(0, 2), ...inArm('control').slice(0, 1)];
    for (const id of booked) {
      const response = await fetch(`${api.base}/v1/leads/${id}/events`, {
        method: 'POST',
        headers: { ...api.auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: `booked-${id}`,
          type: 'meeting.booked',
          occurredAt: new Date().toISOString(),
          data: {},
        }),
      });
      expect(response.status).toBe(202);
    }

    const reply = await get('/v1/experiments/experiment');
    expect(reply.status).toBe(200);
    const arms = reply.body.arms as { id: string; leads: number; conversions: number }[];
    expect(arms.map((a) => [a.id, a.leads, a.conversions])).toEqual(
      experiment.arms.map((arm) => [
        arm.id,
        inArm(arm.id).length,
        booked.filter((id) => drawn.get(id) === arm.id).length,
      ]),
    );
    const welcome = (reply.body.variants as { step: string; variants: { sent: number }[] }[]).find(
      (s) => s.step === 'welcome',
    );
    expect(welcome?.variants.reduce((sum, v) => sum + v.sent, 0)).toBe(touched.length);
  });
});
