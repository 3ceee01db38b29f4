import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { testServerPath } from '../../scripts/temporal-tools';
import { WORKFLOW_TRACING_MODULE } from '../../tracing/temporal-worker-tracing';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { registerSearchAttributes } from '../../worker/register-search-attributes';

/**
 * The time-skipping test server from the project's tools (see `npm run setup`):
 * the SDK's own download needs Temporal's CDN, which not every machine reaches.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const path = testServerPath();
  if (path === undefined) {
    throw new Error('temporal-test-server not found: run `npm run setup -- --for-tests` (npm test does)');
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

let tracedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle with the tracing interceptors in it, as a traced worker builds it from WORKFLOWS_PATH. */
export function tracedWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  tracedBundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
    logger: quietLogger,
  });
  return tracedBundle;
}

const noop = (): void => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/** Worker state changes at INFO drown test output; warnings and errors still show. */
export function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process (another test file ran first): keep it.
  }
}
