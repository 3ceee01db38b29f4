import { request, type IncomingHttpHeaders } from 'node:http';
import { createApp } from '../../api/app';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import { LEAD_EVENT_TYPES } from '../../workflows/lead-event';
import { mountedRoutes } from '../support/app-routes';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await openTestDatabase();
  api = await startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue: 'unused' });
});

afterAll(async () => {
  await api.close();
  await db.close();
});

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
  >;
}

async function document(): Promise<OpenApiDocument> {
  const response = await fetch(`${api.base}/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

describe('the OpenAPI document', () => {
  test('is served without a key and is a valid OpenAPI 3.1 document', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    // ESM-only package: loaded the way PGlite is, with a dynamic import.
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<typeof validator.validate>[0]);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  test('documents every route the app serves, and nothing it does not', async () => {
    const app = createApp({
      prisma: db.prisma,
      temporal: harness.env.client,
      plans: PlanCatalog.load(),
      taskQueue: 'unused',
      defaultPlanId: 'default',
      logger: createLogger('silent'),
    });
    const served = mountedRoutes(app)
      .filter((r) => !['/openapi.json'].includes(r.path))
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const doc = await document();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual([...new Set(served)].sort());
  });

  test('says that unknown fields are rejected (additionalProperties: false)', async () => {
    const doc = await document();
    const enroll = doc.paths['/v1/leads']?.post?.requestBody?.content['application/json']?.schema;
    expect(enroll?.additionalProperties).toBe(false);
  });

  test('shows each event type with its own data schema (oneOf by type)', async () => {
    const doc = (await document()) as OpenApiDocument & {
      components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
    };
    const body = doc.paths['/v1/leads/{id}/events']?.post?.requestBody?.content['application/json']?.schema;
    const branches = (body?.oneOf as { $ref: string }[] | undefined) ?? [];
    const byType = new Map(
      branches.map((b) => {
        const schema = doc.components.schemas[b.$ref.replace('#/components/schemas/', '')];
        return [schema?.properties?.type?.const, schema?.properties?.data] as const;
      }),
    );
    expect([...byType.keys()].sort()).toEqual([...LEAD_EVENT_TYPES].sort());
    const fields = (type: string) =>
      Object.keys((byType.get(type)?.properties as Record<string, unknown> | undefined) ?? {});
    expect(fields('email.bounced')).toContain('bounceType');
    expect(fields('email.unsubscribed')).toContain('scope');
    expect(fields('email.opened')).toContain('machineOpen');
    expect(fields('sms.failed')).toContain('errorCode');
    expect(fields('sms.opted_out')).toEqual(expect.arrayContaining(['reportedBy', 'errorCode']));
    expect(fields('web.page_visited')).toContain('path');
    expect(fields('email.replied')).toContain('returnDate');
    // Extra fields are kept: free-form JSON beside the known ones.
    expect(byType.get('email.opened')?.additionalProperties).toEqual({
      $ref: expect.stringContaining('JsonValue'),
    });
  });

  test('/docs renders it', async () => {
    const response = await fetch(`${api.base}/docs/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger-ui');
  });
});

/** Any method, TRACE included (fetch refuses to send it). */
function send(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = request(`${api.base}${path}`, { method, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once('error', reject);
    req.end();
  });
}

describe('what the document cannot state, tested directly', () => {
  test('a method a known path does not serve is 405 with Allow; an unknown path stays 404', async () => {
    const trace = await send('TRACE', '/v1/leads/some-lead', api.auth);
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('GET, DELETE, HEAD, OPTIONS');
    expect(trace.headers['content-type']).toContain('application/problem+json');

    // A literal path wins over the template it also matches.
    const bulk = await fetch(`${api.base}/v1/leads/bulk`, { method: 'PUT', headers: api.auth });
    expect(bulk.headers.get('allow')).toBe('POST, OPTIONS');
    const hook = await fetch(`${api.base}/webhooks/calcom`, { method: 'GET' });
    expect([hook.status, hook.headers.get('allow')]).toEqual([405, 'POST, OPTIONS']);

    expect((await send('TRACE', '/v1/nowhere', api.auth)).status).toBe(404);
  });

  test('U+0000 anywhere in a string is a 400 problem, never a 500', async () => {
    const inQuery = await fetch(`${api.base}/v1/events/unmatched?source=a%00b`, { headers: api.auth });
    expect(inQuery.status).toBe(400);
    expect(await inQuery.json()).toMatchObject({ type: expect.stringContaining('nul-character') as unknown });
    const inBody = await fetch(`${api.base}/v1/leads`, {
      method: 'POST',
      headers: { ...api.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'nul-lead', email: 'nul@example.com', firstName: 'A\u0000da' }),
    });
    expect(inBody.status).toBe(400);
  });

  test('a well-formed phone number no operator can have is 422, a malformed one 400', async () => {
    const enroll = (phone: string) =>
      fetch(`${api.base}/v1/leads`, {
        method: 'POST',
        headers: { ...api.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'phone-check', email: 'phone@example.com', phone }),
      });
    const unassignable = await enroll('+1 999 555 0100');
    expect(unassignable.status).toBe(422);
    expect(await unassignable.json()).toMatchObject({
      type: expect.stringContaining('unprocessable-content') as unknown,
      issues: [{ path: ['body', 'phone'] }],
    });
    expect((await enroll('call me')).status).toBe(400);
  });
});

describe('security headers', () => {
  test('every API answer carries them, with a CSP that allows nothing', async () => {
    for (const [path, init] of [
      ['/v1/plans', {}],
      ['/v1/plans', { headers: api.auth }],
      ['/healthz', {}],
      ['/nowhere', {}],
      ['/openapi.json', {}],
    ] as const) {
      const response = await fetch(`${api.base}${path}`, init);
      expect({
        path,
        nosniff: response.headers.get('x-content-type-options'),
        referrer: response.headers.get('referrer-policy'),
        frame: response.headers.get('x-frame-options'),
        csp: response.headers.get('content-security-policy'),
      }).toEqual({
        path,
        nosniff: 'nosniff',
        referrer: 'no-referrer',
        frame: 'DENY',
        csp: "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      });
    }
  });

  test('/docs gets a CSP Swagger UI runs under: scripts from this origin only', async () => {
    const response = await fetch(`${api.base}/docs/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).not.toContain('persistAuthorization":true');
  });
});
