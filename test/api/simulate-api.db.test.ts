import { startTestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let closeApi: () => Promise<void>;
let base: string;
let auth: Record<string, string>;

beforeAll(async () => {
  db = await openTestDatabase();
  ({
    base,
    auth,
    close: closeApi,
  } = await startTestApi({
    prisma: db.prisma,
    temporal: harness.env.client,
    taskQueue: 'unused',
  }));
});

afterAll(async () => {
  await closeApi();
  await db.close();
});

async function simulate(planId: string, script: unknown) {
  const response = await fetch(`${base}/v1/plans/${planId}/simulate`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(script),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /v1/plans/:id/simulate', () => {
  test('a scripted lead on the default plan: 90 days of decisions, nothing written to the database', async () => {
    const { status, body } = await simulate('default', {
      lead: { timezone: 'America/Chicago', consent: { email: true, sms: true } },
      events: [
        { at: '+6h', type: 'email.opened' },
        { at: '+9d', type: 'web.page_visited', data: { path: '/pricing' } },
        { at: '+20d', type: 'meeting.booked' },
      ],
    });
    expect(status).toBe(200);
    // The engine ran in the API process: no Temporal server was started for it.
    expect(body.mode).toBe('in-process');
    expect(body.finalStatus).toBe('converted');
    const reasons = (body.timeline as { reason: string }[]).map((t) => t.reason);
    expect(reasons).toContain('email "welcome" opened within the 48h open window');
    expect(reasons).toContain('meeting booked: every channel stops');
    expect((body.touches as { channel: string }[]).some((t) => t.channel === 'sms')).toBe(true);
    expect(await db.prisma.decision.count()).toBe(0);
    expect(await db.prisma.touch.count()).toBe(0);
  });

  test("a start in the past runs: the in-process clock is the script's own", async () => {
    const { status, body } = await simulate('default', { start: '2020-01-01T09:00:00Z', days: 3 });
    expect(status).toBe(200);
    expect(body.start).toBe('2020-01-01T09:00:00.000Z');
    expect((body.touches as { at: string }[])[0]?.at).toBe('2020-01-01T09:00:00.000Z');
  });

  test('an invalid script is a 400 problem; an unknown plan a 404; an event outside the period or an unknown zone a 422', async () => {
    const bad = await simulate('default', { events: [{ at: 'tomorrow', type: 'email.opened' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.issues)).toContain('events');
    expect((await simulate('nope', {})).status).toBe(404);
    const outside = await simulate('default', { days: 1, events: [{ at: '+2d', type: 'email.opened' }] });
    expect(outside.status).toBe(422);
    expect(outside.body.type).toContain('simulation-refused');
    expect(outside.body.detail).toContain('outside the simulated period');
    const zone = await simulate('default', { lead: { timezone: 'Mars/Olympus' } });
    expect(zone.status).toBe(422);
    expect(JSON.stringify(zone.body.issues)).toContain('timezone');
  });
});
