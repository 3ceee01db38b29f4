import { registerDatabaseGauges } from '../../api/routes/metrics';
import { startMetricsServer } from '../../metrics/metrics-server';
import { uniqueLeadId } from '../support/builders';
import { eventually } from '../support/eventually';
import { startTestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let closeApi: () => Promise<void>;
let base: string;
let auth: Record<string, string>;
let keyWith: (scopes: ('read' | 'enroll')[]) => Promise<Record<string, string>>;

beforeAll(async () => {
  db = await openTestDatabase();
  const { taskQueue } = await harness.startWorker(db.prisma);
  ({
    base,
    auth,
    keyWith,
    close: closeApi,
  } = await startTestApi({
    prisma: db.prisma,
    temporal: harness.env.client,
    taskQueue,
    webhookSecrets: { postmarkUser: 'hooks', postmarkPassword: 'correct horse' },
  }));
  registerDatabaseGauges(db.prisma);
});

afterAll(async () => {
  await closeApi();
  await db.close();
});

async function scrape(headers: Record<string, string> = auth): Promise<string> {
  const response = await fetch(`${base}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The sum of the series that carry `labels`, 0 when none exists yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((label) => present.includes(label))) sum += Number(match[3]);
  }
  return sum;
}

describe('GET /metrics', () => {
  test('needs a key with the read scope', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: await keyWith(['enroll']) })).status).toBe(403);
    await scrape(await keyWith(['read']));
  });

  test('an enrollment and an event move the touch, decision, event and HTTP series once', async () => {
    const before = await scrape();
    const id = uniqueLeadId('metrics');
    const enrolled = await fetch(`${base}/v1/leads`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ id, email: 'ada@example.com', timezone: 'UTC', consent: { email: true } }),
    });
    expect(enrolled.status).toBe(201);
    await eventually(
      () => db.prisma.touch.findMany({ where: { leadId: id, status: 'sent' } }),
      (rows) => rows.length === 1,
    );
    const event = { id: `click-${id}`, type: 'email.clicked', occurredAt: new Date().toISOString() };
    for (let i = 0; i < 2; i += 1) {
      // The second post is a duplicate: recorded once, counted once.
      await fetch(`${base}/v1/leads/${id}/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
    }
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('nurture_touches_total', { channel: 'email', outcome: 'sent' })).toBe(1);
    expect(delta('nurture_events_total', { type: 'email.clicked', source: 'api' })).toBe(1);
    expect(sample(after, 'nurture_decisions_total')).toBeGreaterThan(
      sample(before, 'nurture_decisions_total'),
    );
    expect(
      delta('nurture_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/leads',
        status: '201',
      }),
    ).toBe(1);
    // Ids never become labels: the route pattern stands for every lead.
    expect(after).not.toContain(id);
    expect(after).toContain('route="/v1/leads/:id/events"');
    expect(after).toMatch(/^nurture_inbox_backlog \d+$/m);
    expect(after).toMatch(/^nurture_bulk_rows_pending \d+$/m);
  });

  test('a webhook that cannot be verified is counted by provider and reason', async () => {
    const before = sample(await scrape(), 'nurture_webhook_verification_failures_total', {
      provider: 'postmark',
    });
    const wrong = `Basic ${Buffer.from('hooks:guess').toString('base64')}`;
    for (const headers of [{}, { authorization: wrong }] as Record<string, string>[]) {
      const refused = await fetch(`${base}/webhooks/postmark`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
      expect(refused.status).toBe(401);
    }
    const text = await scrape();
    const after = sample(text, 'nurture_webhook_verification_failures_total', { provider: 'postmark' });
    expect(after - before).toBe(2);
    expect(
      sample(text, 'nurture_webhook_verification_failures_total', {
        provider: 'postmark',
        reason: 'credentials-invalid',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  test('METRICS_PORT serves the same text without a key, and nothing else', async () => {
    const server = await startMetricsServer(0, '127.0.0.1');
    try {
      const { port } = server.address();
      const open = await fetch(`http://127.0.0.1:${String(port)}/metrics`);
      expect(open.status).toBe(200);
      expect(await open.text()).toContain('# TYPE nurture_touches_total counter');
      expect((await fetch(`http://127.0.0.1:${String(port)}/v1/leads`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
