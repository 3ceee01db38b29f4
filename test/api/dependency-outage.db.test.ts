/**
 * Defect 3 of issue 15: when Temporal or the database goes away, the API
 * stays up and says so: 503 problem+json with Retry-After (never a 500),
 * /readyz names what is missing, and the same request succeeds once it is
 * back, with nothing it stored before lost.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { parseEnv } from '../../config/env';
import { createPrismaClient, type PrismaClient } from '../../prisma/database';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../prisma/embedded-database';
import { migrate } from '../../prisma/migrate';
import { apiTemporalInterceptors } from '../../api/server';
import { uniqueLeadId } from '../support/builders';
import { startTestDevServer, type TestDevServer } from '../support/dev-server';
import { startTestApi, type TestApi } from '../support/test-api';

const TASK_QUEUE = 'outage-test';
const configuredPostgres = parseEnv(process.env).DATABASE_URL;

let dev: TestDevServer;
let connection: Connection;
let prisma: PrismaClient;
let embedded: EmbeddedDatabase | undefined;
let postgres: { admin: PgClient; schema: string; applicationName: string } | undefined;
let api: TestApi;

beforeAll(async () => {
  dev = await startTestDevServer();
  connection = await Connection.connect({ address: dev.address, interceptors: apiTemporalInterceptors() });
  let url: string;
  if (configuredPostgres === undefined) {
    embedded = await startEmbeddedDatabase({ port: 0 });
    url = embedded.url;
  } else {
    // A schema of its own, and a name on its connections so the test can cut exactly those.
    const schema = `outage_${randomBytes(6).toString('hex')}`;
    const admin = new PgClient({ connectionString: configuredPostgres });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const withSchema = new URL(configuredPostgres);
    withSchema.searchParams.set('schema', schema);
    withSchema.searchParams.set('application_name', schema);
    url = withSchema.toString();
    postgres = { admin, schema, applicationName: schema };
  }
  await migrate(url);
  prisma = createPrismaClient(url, { embedded: embedded !== undefined });
  api = await startTestApi({
    prisma,
    temporal: new Client({ connection, namespace: dev.namespace }),
    taskQueue: TASK_QUEUE,
  });
}, 120_000);

afterAll(async () => {
  await api.close();
  await prisma.$disconnect();
  await embedded?.stop();
  if (postgres !== undefined) {
    await postgres.admin.query(`DROP SCHEMA "${postgres.schema}" CASCADE`);
    await postgres.admin.end();
  }
  await connection.close();
  await dev.stop();
});

async function enroll(id: string) {
  const response = await fetch(`${api.base}/v1/leads`, {
    method: 'POST',
    headers: { ...api.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ id, email: `${id}@example.test`, consent: { email: true } }),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function readiness() {
  const response = await fetch(`${api.base}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { checks: Record<string, { ok: boolean }> },
  };
}

function expectUnavailable(answer: Awaited<ReturnType<typeof enroll>>, dependency: string): void {
  expect(answer).toMatchObject({
    status: 503,
    type: expect.stringContaining('application/problem+json') as unknown,
    body: {
      status: 503,
      type: `https://durable-nurture.dev/problems/${dependency}-unavailable`,
    },
  });
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
}

describe('the API while a dependency is down', () => {
  test('Temporal killed: enrollment is 503 with Retry-After, /readyz names Temporal; after the restart the same request enrolls, and the earlier nurture is still there', async () => {
    const before = uniqueLeadId('outage-before');
    expect((await enroll(before)).status).toBe(201);

    await dev.kill();
    const during = uniqueLeadId('outage-during');
    const started = Date.now();
    const refused = await enroll(during);
    expectUnavailable(refused, 'temporal');
    // A client is told quickly, not after the SDK's 20 s of retries.
    expect(Date.now() - started).toBeLessThan(10_000);
    const ready = await readiness();
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ temporal: { ok: false }, database: { ok: true } });

    await dev.restart();
    // The client retries after Retry-After: the lead was stored, the nurture starts now.
    const retried = await enroll(during);
    expect(retried.status).toBe(200);
    const temporal = new Client({ connection, namespace: dev.namespace });
    await expect(temporal.workflow.getHandle(`nurture-${during}`).describe()).resolves.toMatchObject({
      status: { name: 'RUNNING' },
    });
    // The dev server came back on its SQLite file: the nurture from before the kill is there.
    await expect(temporal.workflow.getHandle(`nurture-${before}`).describe()).resolves.toMatchObject({
      status: { name: 'RUNNING' },
    });
    expect((await readiness()).status).toBe(200);
  });

  test('the database cut: /v1 is 503 with Retry-After (never 500), /readyz names the database, and it recovers', async () => {
    const id = uniqueLeadId('outage-db');
    if (embedded !== undefined) {
      await embedded.stopServing();
      try {
        expectUnavailable(await enroll(id), 'database');
        const ready = await readiness();
        expect(ready.status).toBe(503);
        expect(ready.body.checks).toMatchObject({ database: { ok: false }, temporal: { ok: true } });
      } finally {
        await embedded.serveAgain();
      }
    } else if (postgres !== undefined) {
      // PostgreSQL drops the pool's connections (a failover, a restart): requests in the
      // way get 503 at worst, and the pool connects again by itself.
      const cut = async (): Promise<void> => {
        await postgres?.admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [postgres.applicationName],
        );
      };
      const answers: { status: number; type: unknown }[] = [];
      for (let i = 0; i < 10; i += 1) {
        await cut();
        const answer = await enroll(uniqueLeadId('outage-pg'));
        answers.push({ status: answer.status, type: answer.body.type });
      }
      expect(answers.filter(({ status }) => status !== 201 && status !== 503)).toEqual([]);
    }
    expect((await enroll(id)).status).toBe(201);
    expect((await readiness()).status).toBe(200);
  });
});
