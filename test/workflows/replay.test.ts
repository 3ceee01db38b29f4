import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { metricsRegistry } from '../../metrics/service-metrics';
import { workflowBundle } from '../support/temporal-test-env';

/**
 * Recorded histories of real runs (test/fixtures/histories, written by the
 * workflow tests with UPDATE_HISTORIES=1) must replay on today's workflow code
 * without nondeterminism: a change that would break running nurtures fails
 * here. Such a change goes behind `patched()`; refresh the fixtures only for a
 * deliberate, compatible change (see README, "Replay fixtures").
 */
const dir = path.join(__dirname, '../fixtures/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('%s replays without nondeterminism', async (file) => {
  const history = temporal.api.history.v1.History.fromObject(
    JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object,
  );
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file),
  ).resolves.toBeUndefined();
});

test('replaying every recorded history changes no metric: counters move in activities and the API only', async () => {
  const before = await metricsRegistry.getMetricsAsJSON();
  for (const file of files) {
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object,
    );
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
  }
  expect(await metricsRegistry.getMetricsAsJSON()).toEqual(before);
});
