import type { Scope } from '../../api/auth/scopes';
import { CARRIER_OPT_OUT_SOURCE } from '../../api/webhooks/carrier-opt-out';
import { debugFullStateQuery } from '../../workflows/definitions';
import { instantOfLocal, localDateTime } from '../../workflows/rules/local-time';
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
let keyWith: (scopes: Scope[]) => Promise<Record<string, string>>;

beforeAll(async () => {
  db = await openTestDatabase();
  const { taskQueue } = await harness.startWorker(db.prisma);
  ({
    base,
    auth,
    keyWith,
    close: closeApi,
  } = await startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue }));
});

afterAll(async () => {
  await closeApi();
  await db.close();
});

interface Reply {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown, raw?: string): Promise<Reply> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...auth,
      ...(body === undefined && raw === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

function lead(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    email: 'ada@example.com',
    firstName: 'Ada',
    timezone: 'America/Chicago',
    ownerId: 'rep-7',
    consent: { email: true, sms: { granted: false, source: 'signup-form' } },
    ...extra,
  };
}

describe('POST /v1/leads', () => {
  test('enrolls once: 201 then 200 with the same workflow id, one workflow, one touch', async () => {
    const id = uniqueLeadId('api');
    const first = await call('POST', '/v1/leads', lead(id));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      leadId: id,
      workflowId: `nurture-${id}`,
      planId: 'default',
      created: true,
    });
    const firstRun = (await harness.env.client.workflow.getHandle(`nurture-${id}`).describe()).runId;
    const second = await call('POST', '/v1/leads', lead(id, { email: 'other@example.com' }));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ workflowId: first.body.workflowId, created: false });

    const touches = await eventually(
      () => db.prisma.touch.findMany({ where: { leadId: id } }),
      (rows) => rows.some((t) => t.status === 'sent'),
    );
    expect(touches).toHaveLength(1);
    const stored = await db.prisma.lead.findUniqueOrThrow({ where: { id } });
    expect(stored.email).toBe('ada@example.com');
    const consents = await db.prisma.consentChange.findMany({
      where: { leadId: id },
      orderBy: { channel: 'asc' },
    });
    expect(consents.map((c) => [c.channel, c.granted, c.source])).toEqual([
      ['email', true, 'enrollment'],
      ['sms', false, 'signup-form'],
    ]);
    // The repeat signalled the same run instead of starting another.
    const described = await harness.env.client.workflow.getHandle(`nurture-${id}`).describe();
    expect(described.runId).toBe(firstRun);
    expect(described.status.name).toBe('RUNNING');
  });

  test('invalid bodies get 400 problem+json listing the issues without echoing values', async () => {
    const reply = await call('POST', '/v1/leads', {
      id: 'someone@example.com',
      email: 'not-an-email',
      timezone: 'Mars/Olympus',
      surprise: true,
    });
    expect(reply.status).toBe(400);
    expect(reply.type).toContain('application/problem+json');
    expect(reply.body).toMatchObject({
      type: 'https://durable-nurture.dev/problems/validation-error',
      status: 400,
      instance: '/v1/leads',
    });
    const paths = (reply.body.issues as { path: string[] }[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.email', 'body.timezone', 'body']));
    expect(JSON.stringify(reply.body)).not.toContain('someone@example.com');
  });

  test('ids that look like phone numbers are refused', async () => {
    const reply = await call('POST', '/v1/leads', lead('+14155550123'));
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body.issues)).toContain('phone number');
  });

  test('an unknown plan is a 400 that names the known plans', async () => {
    const reply = await call('POST', '/v1/leads', lead(uniqueLeadId('api'), { planId: 'nope' }));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ type: 'https://durable-nurture.dev/problems/unknown-plan' });
    expect(reply.body.detail).toContain('default');
  });

  test('malformed JSON is a 400 problem, an oversized body a 413 problem', async () => {
    const malformed = await call('POST', '/v1/leads', undefined, '{"id": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('https://durable-nurture.dev/problems/malformed-json');
    const huge = await call(
      'POST',
      '/v1/leads',
      undefined,
      JSON.stringify({ id: 'x', pad: 'x'.repeat(300_000) }),
    );
    expect(huge.status).toBe(413);
    expect(huge.type).toContain('application/problem+json');
  });
});

describe('POST /v1/leads/:id/events', () => {
  test('applies an event once: a repeat is acknowledged as a duplicate and not counted again', async () => {
    const id = uniqueLeadId('api');
    await call('POST', '/v1/leads', lead(id));
    await eventually(
      () => call('GET', `/v1/leads/${id}`),
      (r) => (r.body.nurture as { phase?: string } | null)?.phase === 'awaiting-open',
    );
    const event = { id: 'evt-1', type: 'email.opened', occurredAt: '2026-11-24T10:00:00Z' };
    const first = await call('POST', `/v1/leads/${id}/events`, event);
    expect(first).toMatchObject({ status: 202, body: { duplicate: false, delivered: true } });
    const second = await call('POST', `/v1/leads/${id}/events`, event);
    expect(second).toMatchObject({ status: 202, body: { duplicate: true, delivered: true } });

    const state = await eventually(
      () => call('GET', `/v1/leads/${id}`),
      (r) => (r.body.nurture as { opens?: number } | null)?.opens === 1,
    );
    expect(state.body.nurture).toMatchObject({ opens: 1, currentStep: 'case-study', phase: 'scheduled' });
    expect(await db.prisma.event.count({ where: { leadId: id } })).toBe(1);

    const timeline = await call('GET', `/v1/leads/${id}/timeline`);
    const items = timeline.body.items as { kind: string; reason?: string; type?: string }[];
    expect(items.map((i) => i.kind)).toEqual(expect.arrayContaining(['event', 'touch', 'decision']));
    expect(items.filter((i) => i.kind === 'decision').map((i) => i.reason)).toContain(
      'email "welcome" opened within the 48h open window',
    );
  });

  test("an out-of-office reply posted with its subject and text postpones to the return date it gives, in the lead's zone", async () => {
    const id = uniqueLeadId('api');
    await call('POST', '/v1/leads', lead(id));
    await eventually(
      () => call('GET', `/v1/leads/${id}`),
      (r) => (r.body.nurture as { phase?: string } | null)?.phase === 'awaiting-open',
    );
    const now = Date.now();
    const back = new Date(now + 10 * 86_400_000);
    const written = back.toLocaleDateString('en-US', {
      month: 'long',
      day: 'numeric',
      year: 'numeric',
      timeZone: 'America/Chicago',
    });
    const reply = {
      id: `ooo-${id}`,
      type: 'email.replied',
      occurredAt: new Date(now).toISOString(),
      data: {
        subject: 'Automatic reply: Re: Welcome',
        text: `Thank you for your message. I am out of the office and will be back on ${written}.\n\nOn Monday, Acme wrote:\n> Welcome, Ada`,
      },
    };
    expect((await call('POST', `/v1/leads/${id}/events`, reply)).status).toBe(202);

    const [stored] = await db.prisma.event.findMany({ where: { leadId: id, type: 'email.replied' } });
    const local = localDateTime(back.getTime(), 'America/Chicago');
    const returnDate = new Date(
      instantOfLocal(
        { year: local.year, month: local.month, day: local.day, hour: 0, minute: 0 },
        'America/Chicago',
      ),
    ).toISOString();
    expect(stored?.data).toEqual({
      subject: 'Automatic reply: Re: Welcome',
      excerpt: `Thank you for your message. I am out of the office and will be back on ${written}.`,
      autoReply: true,
      returnDate,
    });
    const decision = await eventually(
      () => db.prisma.decision.findMany({ where: { leadId: id } }),
      (rows) => rows.some((d) => d.reason.startsWith('auto-reply')),
    );
    expect(decision.map((d) => d.reason)).toContain(
      `auto-reply on email is not a reply: next touch postponed to ${returnDate} (return date)`,
    );
    expect(await db.prisma.handoff.count({ where: { leadId: id } })).toBe(0);
  });

  test('an event id reused for another lead is a 409, not silently dropped', async () => {
    const a = uniqueLeadId('api');
    const b = uniqueLeadId('api');
    await call('POST', '/v1/leads', lead(a));
    await call('POST', '/v1/leads', lead(b));
    const event = { id: `shared-${a}`, type: 'email.clicked', occurredAt: '2026-11-24T10:00:00Z' };
    expect((await call('POST', `/v1/leads/${a}/events`, event)).status).toBe(202);
    const conflict = await call('POST', `/v1/leads/${b}/events`, event);
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toBe('https://durable-nurture.dev/problems/event-id-conflict');
  });

  test("each type's data is checked: a known field of the wrong shape is a 400 naming it; extra fields are kept", async () => {
    const id = uniqueLeadId('api');
    await call('POST', '/v1/leads', lead(id));
    const refused = await call('POST', `/v1/leads/${id}/events`, {
      id: `bounce-${id}`,
      type: 'email.bounced',
      occurredAt: '2026-11-24T10:00:00Z',
      data: { bounceType: 'soft', note: 'mailbox full' },
    });
    expect(refused.status).toBe(400);
    expect(refused.type).toContain('application/problem+json');
    const issues = refused.body.issues as { path: string[] }[];
    expect(issues.map((i) => i.path.join('.'))).toEqual(['body.data.bounceType']);
    expect(JSON.stringify(refused.body)).not.toContain('soft');
    expect(await db.prisma.event.count({ where: { leadId: id } })).toBe(0);

    const data = { bounceType: 'blocked', note: 'mailbox full', crm: { ticket: 42 } };
    const accepted = await call('POST', `/v1/leads/${id}/events`, {
      id: `bounce-${id}`,
      type: 'email.bounced',
      occurredAt: '2026-11-24T10:00:00Z',
      data,
    });
    expect(accepted.status).toBe(202);
    const [stored] = await db.prisma.event.findMany({ where: { leadId: id } });
    expect(stored?.data).toEqual(data);
  });

  test('an sms.failed with Twilio 21610 is recorded as sms.opted_out from the carrier and withdraws SMS consent', async () => {
    const id = uniqueLeadId('api');
    await call(
      'POST',
      '/v1/leads',
      lead(id, { consent: { email: true, sms: { granted: true, source: 'signup-form' } } }),
    );
    const failed = {
      id: `failed-${id}`,
      type: 'sms.failed',
      occurredAt: '2026-11-24T10:00:00Z',
      data: { status: 'undelivered', errorCode: '21610' },
    };
    expect((await call('POST', `/v1/leads/${id}/events`, failed)).status).toBe(202);
    const [stored] = await db.prisma.event.findMany({ where: { leadId: id, externalId: failed.id } });
    expect(stored).toMatchObject({
      type: 'sms.opted_out',
      data: {
        status: 'undelivered',
        errorCode: '21610',
        reportedBy: 'carrier',
        source: CARRIER_OPT_OUT_SOURCE,
      },
    });
    const withdrawn = await eventually(
      () => db.prisma.consentChange.findMany({ where: { leadId: id, channel: 'sms', granted: false } }),
      (rows) => rows.length === 1,
    );
    expect(withdrawn[0]?.source).toBe(CARRIER_OPT_OUT_SOURCE);
  });

  test('an unknown lead is 404, an unknown event type 400', async () => {
    const missing = await call('POST', '/v1/leads/nobody-here/events', {
      id: 'e',
      type: 'email.opened',
      occurredAt: '2026-11-24T10:00:00Z',
    });
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');
    const bad = await call('POST', '/v1/leads/nobody-here/events', {
      id: 'e',
      type: 'email.teleported',
      occurredAt: 'yesterday',
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body.issues as { path: string[] }[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['body.type', 'body.occurredAt']));
  });
});

describe('GET /v1/outbox and the unsubscribe link in it', () => {
  test('the embedded provider shows the email it sent; its one-click link unsubscribes the lead', async () => {
    const id = uniqueLeadId('outbox');
    const enrolled = await call(
      'POST',
      '/v1/leads',
      lead(id, { phone: '+44 20 7946 0958', ownerName: 'Sam Carter' }),
    );
    expect(enrolled.status).toBe(201);
    // Stored in E.164 whatever the notation it came in.
    expect((await db.prisma.lead.findUniqueOrThrow({ where: { id } })).phone).toBe('+442079460958');

    const outbox = await eventually(
      () => call('GET', `/v1/outbox?leadId=${id}&channel=email`),
      (reply) => (reply.body.items as unknown[]).length > 0,
    );
    const [message] = outbox.body.items as {
      leadId: string;
      recipient: string;
      subject: string;
      body: string;
    }[];
    expect(message).toMatchObject({ leadId: id, recipient: 'ada@example.com' });
    expect(message?.body).toContain('Ada');
    // Signed by the rep's name, not the CRM id of the owner.
    expect(message?.body).toContain('Sam Carter');
    expect(message?.body).not.toContain('rep-7');
    const link = /https:\/\/nurture\.example\.com(\/u\/[\w.-]+)/.exec(message?.body ?? '')?.[1];
    expect(link).toBeDefined();

    // A mail scanner following the link changes nothing; the RFC 8058 POST unsubscribes.
    expect((await fetch(`${base}${String(link)}`)).status).toBe(200);
    expect(await db.prisma.event.count({ where: { leadId: id, type: 'email.unsubscribed' } })).toBe(0);
    const oneClick = await fetch(`${base}${String(link)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const state = await eventually(
      () => harness.env.client.workflow.getHandle(`nurture-${id}`).query(debugFullStateQuery),
      (full) => full.emailBlocked === 'unsubscribed',
    );
    expect(state.emailBlocked).toBe('unsubscribed');
  });

  test('needs the read scope; a bad filter is a 400 problem', async () => {
    expect((await call('GET', '/v1/outbox?channel=fax')).status).toBe(400);
    const noRead = await fetch(`${base}/v1/outbox`, { headers: await keyWith(['enroll']) });
    expect(noRead.status).toBe(403);
  });
});

describe('GET /v1/leads/:id', () => {
  test('returns the lead and its live state from the workflow', async () => {
    const id = uniqueLeadId('api');
    await call('POST', '/v1/leads', lead(id));
    const reply = await eventually(
      () => call('GET', `/v1/leads/${id}`),
      (r) => (r.body.nurture as { phase?: string } | null)?.phase === 'awaiting-open',
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      lead: { id, timezone: 'America/Chicago', ownerId: 'rep-7' },
      nurture: { status: 'new', currentStep: 'welcome', waitingFor: 'email.opened', planId: 'default' },
    });
    expect(typeof (reply.body.nurture as { waitUntil: unknown }).waitUntil).toBe('string');
  });

  test('an unknown lead is 404, an unknown route 404, both problem+json', async () => {
    expect((await call('GET', '/v1/leads/ghost')).status).toBe(404);
    const route = await call('GET', '/v2/nothing');
    expect(route.status).toBe(404);
    expect(route.type).toContain('application/problem+json');
  });
});

describe('health', () => {
  test('/healthz and /readyz answer 200 when Temporal and the database do', async () => {
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } },
    });
  });
});

describe('one writer: the routes signal, the engine writes', () => {
  test('POST /handoff then /handoff/ack: the row is opened and acknowledged by the engine', async () => {
    const id = uniqueLeadId('api');
    expect((await call('POST', '/v1/leads', lead(id))).status).toBe(201);
    const opened = await call('POST', `/v1/leads/${id}/handoff`, { by: 'rep-7', note: 'asked for a call' });
    expect(opened.status).toBe(200);
    expect((await db.prisma.handoff.findMany({ where: { leadId: id } })).map((h) => h.status)).toEqual([
      'open',
    ]);
    const acked = await call('POST', `/v1/leads/${id}/handoff/ack`, { by: 'rep-7' });
    expect(acked.status).toBe(200);
    // The update answers after the effect: no waiting needed.
    const rows = await db.prisma.handoff.findMany({ where: { leadId: id } });
    expect(rows.map((h) => [h.status, h.acknowledgedBy])).toEqual([['acknowledged', 'rep-7']]);
  });

  test('POST /suppress on a running nurture: the engine records the suppression once', async () => {
    const id = uniqueLeadId('api');
    await call('POST', '/v1/leads', lead(id));
    const reply = await call('POST', `/v1/leads/${id}/suppress`, { reason: 'asked to stop', source: 'ops' });
    expect(reply).toMatchObject({ status: 202, body: { suppressed: true, delivered: true } });
    const rows = await eventually(
      () => db.prisma.suppression.findMany({ where: { leadId: id } }),
      (found) => found.length > 0,
    );
    expect(rows.map((r) => [r.reason, r.source])).toEqual([['suppressed by ops: asked to stop', 'ops']]);
    await harness.env.client.workflow.getHandle(`nurture-${id}`).result();
  });

  test('POST /suppress when no nurture runs: the route records it, as no engine can', async () => {
    const id = uniqueLeadId('api');
    await call('POST', '/v1/leads', lead(id));
    await harness.env.client.workflow.getHandle(`nurture-${id}`).terminate('test: nurture gone');
    const reply = await call('POST', `/v1/leads/${id}/suppress`, { reason: 'asked to stop', source: 'ops' });
    expect(reply).toMatchObject({ status: 202, body: { suppressed: true, delivered: false } });
    expect((await db.prisma.suppression.findMany({ where: { leadId: id } })).map((r) => r.reason)).toEqual([
      'suppressed by ops: asked to stop',
    ]);
  });
});
