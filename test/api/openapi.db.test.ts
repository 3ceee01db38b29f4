import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import { mountedRoutes } from '../support/app-routes';
import { startTestApi, type TestApi } from '../support/test-api';
import { createTimeSkippingEnv } from '../support/temporal-test-env';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  [env, db] = await Promise.all([createTimeSkippingEnv(), openTestDatabase()]);
  api = await startTestApi({ prisma: db.prisma, temporal: env.client, taskQueue: 'unused' });
});

afterAll(async () => {
  await api.close();
  await env.teardown();
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
      temporal: env.client,
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

  test('/docs renders it', async () => {
    const response = await fetch(`${api.base}/docs/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger-ui');
  });
});
