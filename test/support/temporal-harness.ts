import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { temporalCliPath } from '../../scripts/temporal-tools';
import { registerSearchAttributes } from '../../worker/register-search-attributes';
import type { PrismaClient } from '../../prisma/database';
import {
  startTestWorker,
  type Captured,
  type ChannelOverrides,
  type TestWorkerTracing,
} from './nurture-worker';
import { createTimeSkippingEnv, quietRuntime } from './temporal-test-env';

/**
 * A Temporal server and the workers polling it, owned together so that they
 * are stopped in the one order that ends: the workflows a test started, then
 * its workers, then the server. A worker left polling a stopped server
 * retries forever and keeps jest from exiting (issue 15, defect 11), and a
 * test that throws or times out skips whatever cleanup it meant to do after
 * its last line; the harness's own hooks do not depend on the test.
 */
export interface TemporalHarness {
  /** The server. Available in tests and in hooks declared after the harness. */
  readonly env: TestWorkflowEnvironment;
  /** A nurture worker on a fresh task queue, already running; the harness stops it. */
  startWorker: (
    prisma: PrismaClient,
    overrides?: ChannelOverrides,
    traced?: TestWorkerTracing,
  ) => Promise<RunningTestWorker>;
  /** A workflow to terminate before the workers stop, so no activity is left half-taken. */
  track: (workflowId: string) => void;
}

export interface RunningTestWorker {
  worker: Worker;
  taskQueue: string;
  captured: Captured;
}

export interface HarnessOptions {
  /**
   * `test`: a server per test (time skipping is shared by everything on a
   * server, so one test's leftovers would hold the next test's clock);
   * `file`: one server for the file's tests.
   */
  per: 'test' | 'file';
  /**
   * `time-skipping`: Temporal's test server (timers skip when a client waits).
   * `dev`: the real server (`temporal server start-dev`), for behaviour the
   * test server gets wrong or lacks (visibility, some cancellations).
   */
  server?: 'time-skipping' | 'dev';
}

/** Bounds for each cleanup step: the whole stop stays well under the hook timeout. */
const TERMINATE_MS = 5_000;
const WORKER_STOP_MS = 20_000;
const SERVER_STOP_MS = 15_000;
const HOOK_TIMEOUT_MS = 90_000;

/**
 * Registers the harness's hooks in the calling test file (or describe block)
 * and returns it. Declare it before hooks that use `env`.
 */
export function useTemporalHarness(options: HarnessOptions): TemporalHarness {
  let current: Session | null = null;
  const setUp = async (): Promise<void> => {
    current = new Session(await createEnv(options.server ?? 'time-skipping'));
  };
  const tearDown = async (): Promise<void> => {
    const session = current;
    current = null;
    await session?.stop();
  };
  if (options.per === 'test') {
    beforeEach(setUp, HOOK_TIMEOUT_MS);
    afterEach(tearDown, HOOK_TIMEOUT_MS);
  } else {
    beforeAll(setUp, HOOK_TIMEOUT_MS);
    afterAll(tearDown, HOOK_TIMEOUT_MS);
  }
  const session = (): Session => {
    if (current === null)
      throw new Error('the Temporal harness is not running here (use it inside a test or a later hook)');
    return current;
  };
  return {
    get env() {
      return session().env;
    },
    startWorker: (prisma, overrides, traced) => session().startWorker(prisma, overrides, traced),
    track: (workflowId) => {
      session().track(workflowId);
    },
  };
}

async function createEnv(server: 'time-skipping' | 'dev'): Promise<TestWorkflowEnvironment> {
  if (server === 'time-skipping') return createTimeSkippingEnv();
  quietRuntime();
  const path = temporalCliPath();
  if (path === undefined)
    throw new Error('temporal CLI not found: run `npm run setup -- --for-tests` (npm test does)');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path }, ip: '127.0.0.1', ui: false },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** One server's lifetime: what was started on it, and how to stop it all. */
class Session {
  private readonly workers: { worker: Worker; running: Promise<void> }[] = [];
  private readonly workflowIds = new Set<string>();
  private stopped = false;

  constructor(readonly env: TestWorkflowEnvironment) {}

  async startWorker(
    prisma: PrismaClient,
    overrides?: ChannelOverrides,
    traced?: TestWorkerTracing,
  ): Promise<RunningTestWorker> {
    if (this.stopped) throw new Error('this test already ended: its Temporal server is stopped');
    const started = await startTestWorker(this.env, prisma, overrides, traced);
    const running = started.worker.run();
    // Awaited in stop(); a worker that dies early must not be an unhandled rejection meanwhile.
    running.catch(() => undefined);
    this.workers.push({ worker: started.worker, running });
    return started;
  }

  track(workflowId: string): void {
    this.workflowIds.add(workflowId);
  }

  /** Every step runs even if an earlier one failed; the first failure is reported after. */
  async stop(): Promise<void> {
    this.stopped = true;
    const failures: unknown[] = [];
    const step = async (work: Promise<unknown>, ms: number, what: string): Promise<void> => {
      try {
        await within(work, ms, what);
      } catch (error) {
        failures.push(error);
      }
    };
    await Promise.all(
      [...this.workflowIds].map((id) =>
        // Already ended is fine: the terminate is for workflows a test left running.
        step(
          this.env.client.workflow
            .getHandle(id)
            .terminate('test finished')
            .catch(() => undefined),
          TERMINATE_MS,
          `terminating ${id}`,
        ),
      ),
    );
    await Promise.all(
      this.workers.map(({ worker, running }) => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        return step(running, WORKER_STOP_MS, `stopping the worker on ${worker.options.taskQueue}`);
      }),
    );
    await step(this.env.teardown(), SERVER_STOP_MS, 'stopping the Temporal server');
    if (failures.length > 0) throw failures[0];
  }
}

async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took longer than ${String(ms)} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
