/**
 * Bulk enrollment: how long a 100k-row upload takes to read, validate and
 * store before its 202, and how many rows a second the runner then enrolls
 * against a Temporal server (time-skipping test server; no worker, so this
 * is the API's own cost: insert the lead, signal-with-start its nurture).
 * Run: npx tsx bench/bulk-enroll.bench.ts [uploadRows=100000] [enrollRows=2000]
 * DATABASE_URL set = that PostgreSQL; unset = embedded PGlite in memory.
 */
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../api/app';
import { createApiKey } from '../api/auth/api-key-store';
import { runBulkJobsOnce } from '../api/enrollment/bulk-job-runner';
import { parseEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { PlanCatalog } from '../plans/plan-catalog';
import { createPrismaClient } from '../prisma/database';
import { startEmbeddedDatabase } from '../prisma/embedded-database';
import { migrate } from '../prisma/migrate';
import { testServerPath } from '../scripts/temporal-tools';
import { registerSearchAttributes } from '../worker/register-search-attributes';

const UPLOAD_ROWS = Number(process.argv[2] ?? 100_000);
const ENROLL_ROWS = Number(process.argv[3] ?? 2_000);

function jsonl(rows: number, prefix: string): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i += 1) {
    lines.push(
      JSON.stringify({
        id: `${prefix}-${String(i)}`,
        email: `lead${String(i)}@example.com`,
        firstName: 'Ada',
        company: 'Acme',
        timezone: 'Europe/London',
        consent: { email: true },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const configured = parseEnv(process.env).DATABASE_URL;
  const embedded = configured === undefined ? await startEmbeddedDatabase({ port: 0 }) : null;
  const url = configured ?? embedded?.url ?? '';
  await migrate(url);
  const prisma = createPrismaClient(url, { embedded: embedded !== null });
  const path = testServerPath();
  if (path === undefined) throw new Error('run npm run setup -- --for-tests first');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  await registerSearchAttributes(env.connection, 'default');
  const deps = {
    prisma,
    temporal: env.client,
    plans: PlanCatalog.load(),
    taskQueue: 'bulk-bench',
    defaultPlanId: 'default',
    logger: createLogger('silent'),
  };
  const server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const { token } = await createApiKey(prisma, { name: 'bench', scopes: ['enroll'] });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' };
  const stamp = Date.now().toString(36);

  const body = jsonl(UPLOAD_ROWS, `up-${stamp}`);
  const rssBefore = process.memoryUsage().rss;
  let started = performance.now();
  const upload = await fetch(`${base}/v1/leads/bulk`, { method: 'POST', headers, body });
  const uploadMs = performance.now() - started;
  const rssAfter = process.memoryUsage().rss;
  if (upload.status !== 202) throw new Error(`upload answered ${String(upload.status)}`);
  const uploaded = (await upload.json()) as { id: string };
  // The big job is left unenrolled: only its upload is measured.
  await prisma.bulkJob.update({ where: { id: uploaded.id }, data: { status: 'completed' } });

  const enrollJob = await fetch(`${base}/v1/leads/bulk`, {
    method: 'POST',
    headers,
    body: jsonl(ENROLL_ROWS, `en-${stamp}`),
  });
  if (enrollJob.status !== 202) throw new Error(`upload answered ${String(enrollJob.status)}`);
  started = performance.now();
  while ((await runBulkJobsOnce(deps)) > 0) {
    // until the job's rows are all enrolled
  }
  const enrollMs = performance.now() - started;

  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  process.stdout.write(
    [
      `database: ${embedded === null ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}`,
      `upload of ${String(UPLOAD_ROWS)} rows (${mb(Buffer.byteLength(body))} MiB JSONL): ${(uploadMs / 1000).toFixed(1)} s` +
        ` to the 202 (${Math.round(UPLOAD_ROWS / (uploadMs / 1000))} rows/s); RSS +${mb(rssAfter - rssBefore)} MiB`,
      `enrollment of ${String(ENROLL_ROWS)} rows: ${(enrollMs / 1000).toFixed(1)} s (${Math.round(ENROLL_ROWS / (enrollMs / 1000))} leads/s)`,
      '',
    ].join('\n'),
  );
  server.close();
  await env.teardown();
  await prisma.$disconnect();
  await embedded?.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
