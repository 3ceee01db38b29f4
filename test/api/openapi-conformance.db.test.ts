import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { schemathesisPath } from '../../scripts/schemathesis-tool';
import { allWebhookSecrets } from '../support/webhook-secrets';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Schemathesis (an OpenAPI fuzzer nobody here wrote) against the real app on
 * a real port: every operation of /openapi.json, every check it has, a
 * bounded number of cases, zero failures. The document is generated from the
 * routes' own zod schemas; this keeps it saying what the server does.
 *
 * - Limits raised: 429s would eat the cases (the fuzzer also sends requests
 *   without a key, on purpose, to check they get 401).
 * - Webhook secrets set, so those endpoints verify (401) instead of 501.
 * - No NUL characters generated: the server refuses U+0000 in any string
 *   (400, api/refuse-nul.ts; PostgreSQL cannot store it), which the document
 *   says in prose because a pattern on every string would drown it.
 * - Phases: examples, coverage (boundary values, undeclared methods, missing
 *   auth) and fuzzing. Stateful testing is off: the document has no links.
 * - A fixed seed, so a failure reproduces; test/api/schemathesis.toml holds
 *   the expected statuses it needs (410 and the 422s, explained there).
 */
const MAX_EXAMPLES = 10;
const SEED = 20261203;
const RUN_TIMEOUT_MS = 150_000;

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await openTestDatabase();
  const { taskQueue } = await harness.startWorker(db.prisma);
  api = await startTestApi({
    prisma: db.prisma,
    temporal: harness.env.client,
    taskQueue,
    webhookSecrets: allWebhookSecrets('conformance'),
    overrides: { rateLimitPerMinute: 1_000_000, failedAuthPerMinute: 1_000_000 },
  });
});

afterAll(async () => {
  await api.close();
  await db.close();
});

interface Run {
  exitCode: number | null;
  output: string;
}

function runSchemathesis(executable: string, args: string[]): Promise<Run> {
  // Its own working directory: nothing it might write lands in the repository.
  const cwd = mkdtempSync(path.join(tmpdir(), 'schemathesis-'));
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(executable, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: RUN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ exitCode, output });
    });
  });
}

/** The failures section and the summary: what a reader needs when the run fails. */
function report(output: string): string {
  const failures = output.indexOf('FAILURES');
  const summary = output.indexOf('SUMMARY');
  const from = failures >= 0 ? failures : summary >= 0 ? summary : Math.max(0, output.length - 4000);
  return output.slice(from, from + 20_000);
}

test(
  'the server does what its OpenAPI document says, by Schemathesis, every check and operation',
  async () => {
    const executable = schemathesisPath();
    if (executable === undefined) {
      throw new Error(
        'schemathesis not found in .tools/venv: run `npm run setup -- --for-tests` (npm test does)',
      );
    }
    const authorization = api.auth.authorization;
    if (authorization === undefined) throw new Error('the test API minted no key');
    const run = await runSchemathesis(executable, [
      '--config-file',
      path.join(__dirname, 'schemathesis.toml'),
      'run',
      `${api.base}/openapi.json`,
      '--checks',
      'all',
      '--phases',
      'examples,coverage,fuzzing',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      '--header',
      `Authorization: ${authorization}`,
      '--generation-allow-x00',
      'false',
      '--generation-database',
      'none',
      '--request-timeout',
      '30',
      '--workers',
      '1',
      '--no-color',
    ]);
    const summary = /=+ (.*) in [\d.]+s =+\s*$/m.exec(run.output)?.[1] ?? 'no summary line';
    expect({ exitCode: run.exitCode, summary, report: run.exitCode === 0 ? '' : report(run.output) }).toEqual(
      {
        exitCode: 0,
        summary: expect.not.stringMatching(/fail|error/i) as unknown,
        report: '',
      },
    );
    // Every operation ran: a run that skipped some would pass vacuously.
    const document = (await (await fetch(`${api.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(run.output).toContain(
      `Operations:       ${String(operations)} selected / ${String(operations)} total`,
    );
  },
  RUN_TIMEOUT_MS + 30_000,
);
