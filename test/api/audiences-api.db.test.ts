import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sha256Hex } from '../../activities/audiences/audience-identifiers';
import { createApiKey } from '../../api/auth/api-key-store';
import { authenticate } from '../../api/auth/authenticate';
import { errorHandler, notFoundHandler } from '../../api/error-handler';
import { audiencesRouter } from '../../api/routes/audiences';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import { workflowIdForLead } from '../../workflows/ids';
import { insertLead } from '../support/builders';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/*
 * The router behind the same authentication and error mapper as the real app,
 * on a real HTTP server. (Until the router is mounted in createApp; then this
 * can use startTestApi.)
 */
let db: TestDatabase;
let server: Server;
let base: string;
let reader: Record<string, string>;

beforeAll(async () => {
  db = await openTestDatabase();
  const app = express();
  app.set('query parser', 'simple');
  app.use('/v1', authenticate(db.prisma));
  app.use(audiencesRouter({ prisma: db.prisma, plans: PlanCatalog.load() }));
  app.use(notFoundHandler);
  app.use(errorHandler(createLogger(process.env.TEST_LOG ?? 'silent')));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  reader = await keyWith(['read']);
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeIdleConnections();
  });
  await db.close();
});

async function keyWith(scopes: ('read' | 'enroll')[]) {
  const { token } = await createApiKey(db.prisma, { name: `test ${scopes.join(',')}`, scopes });
  return { authorization: `Bearer ${token}` };
}

let seq = 0;
async function change(leadId: string, from: string | null, to: string | null, at: string) {
  seq += 1;
  await db.prisma.audienceChange.create({
    data: {
      key: `${workflowIdForLead(leadId)}:effect:${String(seq)}`,
      leadId,
      fromAudience: from,
      toAudience: to,
      changedAt: new Date(at),
    },
  });
}

async function lead(id: string, phone: string | null = '+14155550123') {
  await insertLead(db.prisma, { leadId: id, email: `${id}@Example.test`, phone });
  return id;
}

describe('audiences API', () => {
  beforeAll(async () => {
    // stays in awareness
    await change(await lead('a-stays'), null, 'awareness', '2026-03-01T09:00:00.000Z');
    // moves on to consideration
    const mover = await lead('b-moves');
    await change(mover, null, 'awareness', '2026-03-01T09:00:00.000Z');
    await change(mover, 'awareness', 'consideration', '2026-03-02T09:00:00.000Z');
    // leaves on suppression
    const leaver = await lead('c-leaves', null);
    await change(leaver, null, 'awareness', '2026-03-01T09:00:00.000Z');
    await change(leaver, 'awareness', null, '2026-03-03T09:00:00.000Z');
    // no phone, still in awareness
    await change(await lead('d-no-phone', null), null, 'awareness', '2026-03-04T09:00:00.000Z');
    // erased: a member of nothing
    const erased = await lead('e-erased');
    await change(erased, null, 'decision', '2026-03-01T09:00:00.000Z');
    // One engine step: joined and left at the same instant; effect 10 comes after effect 9.
    const sameStep = await lead('f-same-step');
    for (const [n, from, to] of [
      [9, null, 'awareness'],
      [10, 'awareness', null],
    ] as const) {
      await db.prisma.audienceChange.create({
        data: {
          key: `${workflowIdForLead(sameStep)}:effect:${String(n)}`,
          leadId: sameStep,
          fromAudience: from,
          toAudience: to,
          changedAt: new Date('2026-03-05T09:00:00.000Z'),
        },
      });
    }
    await db.prisma.lead.update({
      where: { id: erased },
      data: { email: null, phone: null, erasedAt: new Date() },
    });
  });

  test('lists every plan audience with its current member count, from the latest change of each lead', async () => {
    const response = await fetch(`${base}/v1/audiences`, { headers: reader });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as {
      items: { name: string; members: number; plans: string[] }[];
    };
    const byName = Object.fromEntries(items.map((i) => [i.name, i]));
    expect(byName.awareness).toEqual({
      name: 'awareness',
      members: 2,
      plans: expect.arrayContaining(['default']),
    });
    expect(byName.consideration?.members).toBe(1);
    expect(byName.decision?.members).toBe(0);
    expect(byName['re-engagement']?.members).toBe(0);
  });

  test('exports the members as a CSV of hashed identifiers, never in clear', async () => {
    const response = await fetch(`${base}/v1/audiences/awareness/members.csv`, { headers: reader });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="awareness-members.csv"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text.split('\r\n')).toEqual([
      'lead_id,email_sha256,phone_sha256,joined_at',
      `a-stays,${sha256Hex('a-stays@example.test')},${sha256Hex('14155550123')},2026-03-01T09:00:00.000Z`,
      `d-no-phone,${sha256Hex('d-no-phone@example.test')},,2026-03-04T09:00:00.000Z`,
      '',
    ]);
    expect(text).not.toContain('@');
  });

  test('an audience with no members is a header row only', async () => {
    const response = await fetch(`${base}/v1/audiences/decision/members.csv`, { headers: reader });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('lead_id,email_sha256,phone_sha256,joined_at\r\n');
  });

  test('there is no clear-text format: unknown query parameters are refused', async () => {
    const response = await fetch(`${base}/v1/audiences/awareness/members.csv?format=plain`, {
      headers: reader,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { type: string; issues: { path: string[] }[] };
    expect(problem.type).toBe('https://durable-nurture.dev/problems/validation-error');
    expect(problem.issues[0]?.path[0]).toBe('query');
  });

  test('an unknown audience is a 404 problem', async () => {
    const response = await fetch(`${base}/v1/audiences/nobody-has-this/members.csv`, { headers: reader });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  test('both routes need the read scope', async () => {
    const enrollOnly = await keyWith(['enroll']);
    for (const path of ['/v1/audiences', '/v1/audiences/awareness/members.csv']) {
      expect((await fetch(`${base}${path}`)).status).toBe(401);
      const forbidden = await fetch(`${base}${path}`, { headers: enrollOnly });
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as { type: string }).type).toBe(
        'https://durable-nurture.dev/problems/insufficient-scope',
      );
    }
  });

  test('a large audience streams page by page, every member once', async () => {
    const ids = Array.from({ length: 2_345 }, (_, i) => `bulk-${String(i).padStart(5, '0')}`);
    await db.prisma.lead.createMany({
      data: ids.map((id) => ({
        id,
        workflowId: workflowIdForLead(id),
        email: `${id}@example.test`,
        emailDomain: 'example.test',
        timezone: 'UTC',
        planId: 'default',
        planVersion: 2,
      })),
    });
    await db.prisma.audienceChange.createMany({
      data: ids.map((id) => ({
        key: `${workflowIdForLead(id)}:effect:1`,
        leadId: id,
        fromAudience: null,
        toAudience: 'bulk-audience',
        changedAt: new Date('2026-03-05T00:00:00Z'),
      })),
    });
    const response = await fetch(`${base}/v1/audiences/bulk-audience/members.csv`, { headers: reader });
    expect(response.status).toBe(200);
    const lines = (await response.text()).split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(ids.length + 1);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids);
  });
});
