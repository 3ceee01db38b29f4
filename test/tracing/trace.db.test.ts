import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { tracingClientInterceptors } from '../../tracing/temporal-client-tracing';
import { startTracing } from '../../tracing/tracer-provider';
import { uniqueLeadId } from '../support/builders';
import { eventually } from '../support/eventually';
import { useTemporalHarness, type RunningTestWorker } from '../support/temporal-harness';
import { tracedWorkflowBundle } from '../support/temporal-test-env';
import { startTestApi, type TestApi } from '../support/test-api';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Issue 13: one enrollment is one trace, from the HTTP request through the
 * signal-with-start, the workflow and its activities. The worker and the API
 * share this file's provider, as they share one in `npm start`; the workflow's
 * spans reach it through the sink.
 */
const exporter = new InMemorySpanExporter();
const tracing = startTracing({
  serviceName: 'durable-nurture-test',
  processor: new SimpleSpanProcessor(exporter),
});
let db: TestDatabase;
let api: TestApi;
let worker: RunningTestWorker;

const EMAIL = 'adelheid.tracing@example.com';
const FIRST_NAME = 'Adelheid';

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${api.base}${path}`, {
    method: 'POST',
    headers: { ...api.auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

/**
 * Waits until every named span has been exported and every activity run's
 * scheduling span too (the workflow ends that one only when it hears the
 * result, a moment after the activity's own span), and returns them all.
 */
async function spansNamed(names: string[]): Promise<ReadableSpan[]> {
  const settled = (spans: ReadableSpan[]): boolean => {
    const ids = new Set(spans.map(idOf));
    return (
      names.every((name) => spans.some((span) => span.name === name)) &&
      spans.every((span) => !span.name.startsWith('RunActivity:') || ids.has(span.parentSpanId ?? ''))
    );
  };
  return eventually(() => Promise.resolve(exporter.getFinishedSpans()), settled).catch((error: unknown) => {
    throw new Error(`${String(error)}\nexported: ${describeSpans(exporter.getFinishedSpans())}`);
  });
}

function describeSpans(spans: ReadableSpan[]): string {
  return spans
    .map(
      (s) =>
        `${s.name} trace=${s.spanContext().traceId} id=${s.spanContext().spanId} parent=${String(s.parentSpanId)}`,
    )
    .join('\n');
}

function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found.map((span) => span.name)).toEqual([name]);
  const [span] = found;
  if (span === undefined) throw new Error(`no span ${name}`);
  return span;
}

// Both servers: the dev server is what production runs; they route a signal-with-start's
// header differently (see HandleSignal below).
describe.each(['time-skipping', 'dev'] as const)('on the %s server', (server) => {
  const harness = useTemporalHarness({ per: 'file', server });

  beforeAll(async () => {
    db = await openTestDatabase();
    worker = await harness.startWorker(db.prisma, {}, { tracing, bundle: await tracedWorkflowBundle() });
    const temporal = new Client({
      connection: harness.env.connection,
      namespace: harness.env.namespace ?? 'default',
      interceptors: tracingClientInterceptors(tracing),
    });
    api = await startTestApi({
      prisma: db.prisma,
      temporal,
      taskQueue: worker.taskQueue,
      overrides: { tracer: tracing.tracer },
    });
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  beforeEach(() => {
    exporter.reset();
  });

  test('one enrollment yields one connected trace: HTTP → signal-with-start → workflow → activities', async () => {
    const leadId = uniqueLeadId('trace');
    const workflowId = `nurture-${leadId}`;
    harness.track(workflowId);
    const status = await post('/v1/leads', {
      id: leadId,
      email: EMAIL,
      firstName: FIRST_NAME,
      timezone: 'America/Chicago',
      consent: { email: true, sms: { granted: false, source: 'signup-form' } },
    });
    expect(status).toBe(201);
    // The first touch: its activity span, and the workflow's span around it, which ends
    // when the workflow hears the result.
    const spans = await spansNamed(['RunActivity:sendTouch', 'StartActivity:sendTouch']);
    expect(worker.captured.sends.map((send) => send.channel)).toEqual(['email']);

    const root = only(spans, 'POST /v1/leads');
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({ 'http.route': '/v1/leads', 'http.response.status_code': 201 });
    const traceId = root.spanContext().traceId;
    const trace = spans.filter((span) => span.spanContext().traceId === traceId);

    // Every span about this nurture is in the request's trace: nothing started a trace of its own.
    const aboutThisLead = spans.filter(
      (span) =>
        span.attributes.workflowId === workflowId || span.attributes.temporalWorkflowId === workflowId,
    );
    expect(aboutThisLead.length).toBeGreaterThanOrEqual(5);
    expect(describeSpans(aboutThisLead.filter((span) => span.spanContext().traceId !== traceId))).toBe('');

    const signalWithStart = only(trace, 'SignalWithStartWorkflow:nurtureWorkflow');
    expect(signalWithStart.parentSpanId).toBe(idOf(root));

    // The workflow's run span lasts as long as the nurture (days), so it is not exported yet;
    // every workflow span hangs under the same one, and each activity run under the
    // workflow's span for scheduling it. The engine may apply effects more than once by now.
    const [firstStart] = trace.filter((span) => span.name.startsWith('StartActivity:'));
    const runId = firstStart?.parentSpanId;
    expect(runId).toEqual(expect.stringMatching(/^[0-9a-f]{16}$/));
    // The signal's span hangs under the run on the time-skipping server, under the
    // signal-with-start's on the dev server (which hands the signal its own header).
    expect([runId, idOf(signalWithStart)]).toContain(only(trace, 'HandleSignal:enroll').parentSpanId);
    for (const activity of ['applyEffects', 'sendTouch']) {
      const starts = trace.filter((span) => span.name === `StartActivity:${activity}`);
      const runs = trace.filter((span) => span.name === `RunActivity:${activity}`);
      expect(starts.length).toBeGreaterThanOrEqual(1);
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(starts.map((span) => span.parentSpanId)).toEqual(starts.map(() => runId));
      const startIds = new Set(starts.map(idOf));
      expect(describeSpans(runs.filter((span) => !startIds.has(span.parentSpanId ?? '')))).toBe('');
    }

    // One tree: each span's parent is in the trace, save the root's and the still-open run's.
    const ids = new Set(trace.map(idOf));
    const dangling = trace.filter(
      (span) => span !== root && span.parentSpanId !== runId && !ids.has(span.parentSpanId ?? ''),
    );
    expect(describeSpans(dangling)).toBe('');

    // No personal data, and none of the workflow's memo or search attributes, on any span.
    const attributes = JSON.stringify(spans.map((span) => span.attributes));
    expect(attributes).not.toContain(EMAIL);
    expect(attributes).not.toContain(FIRST_NAME);
    for (const span of trace) {
      expect(Object.keys(span.attributes)).not.toEqual(expect.arrayContaining(['memo']));
      expect(Object.keys(span.attributes)).not.toEqual(expect.arrayContaining(['searchAttributes']));
    }

    // A suppression ends the nurture: its run span ends and joins the enrollment's trace,
    // under the signal-with-start that started it.
    expect(await post(`/v1/leads/${leadId}/suppress`, { reason: 'trace test', source: 'api' })).toBe(202);
    const after = await spansNamed(['RunWorkflow:nurtureWorkflow']);
    const run = only(after, 'RunWorkflow:nurtureWorkflow');
    expect(run.spanContext().traceId).toBe(traceId);
    expect(idOf(run)).toBe(runId);
    expect(run.parentSpanId).toBe(idOf(signalWithStart));
  });
});

afterAll(() => tracing.shutdown());
