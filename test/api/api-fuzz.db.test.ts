import fc from 'fast-check';
import { allWebhookSecrets } from '../support/webhook-secrets';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Every operation of the OpenAPI document, fed arbitrary path parameters,
 * queries, bodies and content types: the API never answers 5xx, never
 * crashes, and every error is a problem+json body.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;

interface Operation {
  method: string;
  path: string;
  bodyKeys: string[];
  queryKeys: string[];
}

let operations: Operation[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  api = await startTestApi({
    prisma: db.prisma,
    temporal: harness.env.client,
    // No worker listens: enrollments the fuzzer happens to get right just wait.
    taskQueue: 'fuzz',
    // Webhooks configured, so they verify (and refuse) rather than answer 501.
    webhookSecrets: allWebhookSecrets('fuzz'),
  });
  const doc = (await (await fetch(`${api.base}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string }[];
          requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
        }
      >
    >;
  };
  operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      bodyKeys: Object.keys(operation.requestBody?.content['application/json']?.schema?.properties ?? {}),
      queryKeys: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
});

afterAll(async () => {
  await api.close();
  await db.close();
});

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    'lead-1',
    'a@b.co',
    '+14155550123',
    '00000000-0000-4000-8000-000000000000',
    '..',
    '%',
    'default',
  ),
);

function bodyFor(keys: string[]): fc.Arbitrary<string | undefined> {
  const shaped =
    keys.length === 0
      ? fc.constant({})
      : fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), { maxKeys: keys.length });
  return fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    shaped.map((value) => JSON.stringify(value)),
    fc.constant('{"id":'),
    fc.constant('id,email\nx,y\n'),
  );
}

const contentType = fc.constantFrom(
  'application/json',
  'application/problem+json',
  'text/csv',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'text/plain',
  undefined,
);

describe('every endpoint, fuzzed', () => {
  test('the document lists the operations to fuzz', () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  test('never a 5xx; every error is problem+json', async () => {
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(segment, { minLength: 3, maxLength: 3 }),
          fc.dictionary(
            operation.queryKeys.length > 0
              ? fc.oneof(fc.constantFrom(...operation.queryKeys), fc.string({ maxLength: 8 }))
              : fc.string({ maxLength: 8 }),
            fc.string({ maxLength: 20 }),
            { maxKeys: 3 },
          ),
          bodyFor(operation.bodyKeys),
          contentType,
          fc.constantFrom('admin', 'admin', 'admin', 'none', 'bad'),
          async (segments, query, body, type, who) => {
            let index = 0;
            const path = operation.path.replace(/\{\w+\}/g, () =>
              encodeURIComponent(segments[index++] ?? ''),
            );
            const search = new URLSearchParams(query).toString();
            const headers: Record<string, string> = {
              // Browser pages (/u/…) answer HTML to browsers; API clients ask for JSON.
              accept: 'application/json',
              ...(who === 'admin' ? api.auth : who === 'bad' ? { authorization: 'Bearer dn_x' } : {}),
              ...(type === undefined ? {} : { 'content-type': type }),
            };
            const response = await fetch(`${api.base}${path}${search === '' ? '' : `?${search}`}`, {
              method: operation.method,
              headers,
              body: operation.method === 'GET' || operation.method === 'HEAD' ? undefined : body,
            });
            const text = await response.text();
            const context = `${operation.method} ${path} → ${String(response.status)} ${text.slice(0, 300)}`;
            if (response.status >= 500) throw new Error(context);
            if (response.status >= 400) {
              if (!(response.headers.get('content-type') ?? '').includes('application/problem+json')) {
                throw new Error(`not problem+json: ${context}`);
              }
              const problem = JSON.parse(text) as { status?: unknown; type?: unknown };
              if (problem.status !== response.status || typeof problem.type !== 'string') {
                throw new Error(`malformed problem: ${context}`);
              }
            }
          },
        ),
        { numRuns: RUNS },
      );
    }
    // The server is still up and answering.
    expect((await fetch(`${api.base}/healthz`)).status).toBe(200);
  }, 240_000);
});
