import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workerTracingOptions } from '../../tracing/temporal-worker-tracing';
import { startTracing } from '../../tracing/tracer-provider';
import { tracedWorkflowBundle } from '../support/temporal-test-env';

/**
 * The recorded histories were made without tracing, as every nurture running
 * today was: a worker that turns tracing on replays them (after an eviction or
 * a restart) with the workflow interceptors in its bundle. They must replay
 * without nondeterminism, and a replay must export no span: the sink is not
 * called while replaying, so no span is sent twice.
 */
const dir = path.join(__dirname, '../fixtures/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const exporter = new InMemorySpanExporter();
const tracing = startTracing({
  serviceName: 'durable-nurture-test',
  processor: new SimpleSpanProcessor(exporter),
});

afterAll(() => tracing.shutdown());

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('%s replays on a traced worker and exports nothing', async (file) => {
  const history = temporal.api.history.v1.History.fromObject(
    JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object,
  );
  const { sinks } = workerTracingOptions(tracing, true);
  await expect(
    Worker.runReplayHistory({ workflowBundle: await tracedWorkflowBundle(), sinks }, history, file),
  ).resolves.toBeUndefined();
  expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([]);
});
