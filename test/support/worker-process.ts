/**
 * A real nurture worker in a Node process of its own, for tests that kill it
 * (SIGKILL: no shutdown hook, no finally, no last database write) and start
 * another, as a crashed and restarted worker host would. It reaches Temporal
 * and the database over the network like a deployed worker: the test's
 * time-skipping server by address, the test database over the PostgreSQL wire
 * protocol (PGlite served on a port, or the real PostgreSQL at DATABASE_URL),
 * and email goes through the real SMTP adapter.
 *
 * The parent runs this file with `node --import tsx` and passes the
 * configuration as one JSON argument (the service's config module reads the
 * process environment, which a test should not have to rewrite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { createOutboxChannels } from '../../activities/outbox-channel';
import { recordOnlySink } from '../../activities/notification-sink';
import { createSmtpEmailChannel } from '../../activities/providers/smtp-email-channel';
import { createPrismaClient } from '../../prisma/database';
import { createNurtureWorker } from '../../worker/create-worker';

const workerProcessConfigSchema = z.strictObject({
  temporalAddress: z.string().min(1),
  namespace: z.string().min(1),
  taskQueue: z.string().min(1),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//),
  /** PGlite behind the socket server: one connection per process (prisma/database.ts says why). */
  embeddedDatabase: z.boolean(),
  smtpUrl: z.string().regex(/^smtps?:\/\//),
  emailFrom: z.string().min(3),
  /** The workflow bundle the parent built once, written to a file: no second webpack run per worker. */
  workflowBundlePath: z.string().min(1),
  unsubscribe: z.strictObject({ baseUrl: z.url(), secret: z.string().min(32) }),
  maxCachedWorkflows: z.number().int().min(0).optional(),
});

export type WorkerProcessConfig = z.infer<typeof workerProcessConfigSchema>;

/** Messages the child sends its parent over the IPC channel. */
const childMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ready'), pid: z.number() }),
  z.strictObject({ kind: z.literal('failed'), error: z.string() }),
]);
type ChildMessage = z.infer<typeof childMessageSchema>;

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the child wrote to stderr, for the message of a failing test. */
  stderr: () => string;
  /** Settles once the child has exited, however it ended. */
  exited: Promise<void>;
  /** SIGKILL, then wait for the exit. Safe to call on a process that already exited. */
  kill: () => Promise<void>;
}

const SCRIPT = __filename;
const PROJECT_ROOT = path.resolve(__dirname, '../..');

/** Starts the worker child and resolves once it polls its task queue. */
export function startWorkerProcess(
  config: WorkerProcessConfig,
  readyTimeoutMs = 60_000,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(config)], {
    cwd: PROJECT_ROOT,
    // IPC: the ready message, and the child's cue to exit if this process dies first.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
  const handle: WorkerProcess = {
    child,
    stderr: () => stderr,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise<WorkerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      void handle.kill();
      reject(new Error(`worker process not ready after ${String(readyTimeoutMs)} ms\n${stderr}`));
    }, readyTimeoutMs);
    child.on('message', (raw: unknown) => {
      const message = childMessageSchema.safeParse(raw);
      if (!message.success) return;
      clearTimeout(timer);
      if (message.data.kind === 'ready') resolve(handle);
      else reject(new Error(`worker process failed to start: ${message.data.error}\n${stderr}`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker process exited before it was ready (${String(child.exitCode)})\n${stderr}`));
    });
  });
}

/** Sends a message to the parent; resolves once it is on its way, so an exit right after does not drop it. */
function tell(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else
      process.send(message, undefined, {}, () => {
        resolve();
      });
  });
}

async function runChild(config: WorkerProcessConfig): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The parent went away (a crashed test run): a worker nobody will kill must not linger.
  process.on('disconnect', () => process.exit(1));
  const prisma = createPrismaClient(config.databaseUrl, { embedded: config.embeddedDatabase });
  const email = createSmtpEmailChannel({
    smtpUrl: config.smtpUrl,
    from: config.emailFrom,
    timeoutMs: 10_000,
  });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createNurtureWorker({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    bundle: { codePath: config.workflowBundlePath },
    ...(config.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: config.maxCachedWorkflows }),
    deps: {
      prisma,
      email,
      sms: createOutboxChannels(prisma).sms,
      unsubscribe: config.unsubscribe,
      crm: recordOnlySink,
      alerts: recordOnlySink,
    },
  });
  const running = worker.run();
  await tell({ kind: 'ready', pid: process.pid });
  try {
    await running;
  } finally {
    email.close();
    await connection.close();
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  const parsed = workerProcessConfigSchema.safeParse(JSON.parse(process.argv[2] ?? 'null'));
  if (!parsed.success) {
    void tell({ kind: 'failed', error: z.prettifyError(parsed.error) }).then(() => process.exit(2));
  } else {
    runChild(parsed.data).catch(async (error: unknown) => {
      await tell({
        kind: 'failed',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exit(1);
    });
  }
}
