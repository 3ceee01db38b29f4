import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliPairs } from '../worker/register-search-attributes';
import { temporalCliPath } from './temporal-tools';

export interface DevServer {
  address: string;
  uiUrl: string;
  logFile: string;
  /** Settles when the server exits (on its own or stopped): its exit code, -1 for a signal. */
  exited: Promise<number | null>;
  /** The server's process id, for operators and the fault tests. */
  pid: number | undefined;
  stop: () => Promise<void>;
}

/**
 * `temporal server start-dev` with state kept under the data folder (SQLite in
 * WAL mode: file-backed SQLite is slow otherwise), the Web UI on, and the
 * project's search attributes registered (re-registering on restart is fine).
 */
export async function startTemporalDevServer(options: {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
}): Promise<DevServer> {
  const cli = temporalCliPath();
  if (cli === undefined) {
    throw new Error('the Temporal CLI is not installed: run `npm run setup`, or set TEMPORAL_ADDRESS');
  }
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = path.join(options.dataDir, 'temporal.log');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    path.join(options.dataDir, 'temporal.sqlite'),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--log-level',
    'warn',
    ...(options.namespace === 'default' ? [] : ['--namespace', options.namespace]),
    ...searchAttributeCliPairs().flatMap((pair) => ['--search-attribute', pair]),
  ];
  const child: ChildProcess = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  // Two sources into one file: neither may end it for the other (a write after
  // end is an 'error' event, and an unhandled one would take the service down).
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  log.on('error', () => undefined);
  child.once('close', () => {
    log.end();
  });
  // If this process goes down hard, do not leave the server behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve(code ?? (signal === null ? null : -1));
    });
    // Could not be spawned at all (the CLI vanished): an exit like any other, never an unhandled 'error'.
    child.once('error', () => {
      process.removeListener('exit', killOnExit);
      resolve(-1);
    });
  });

  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(address, options.namespace, exited, logFile);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    logFile,
    exited,
    pid: child.pid,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilReady(
  address: string,
  namespace: string,
  exited: Promise<number | null>,
  logFile: string,
): Promise<void> {
  const server = { gone: false };
  void exited.then(() => {
    server.gone = true;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.gone) throw new Error(`the Temporal dev server exited at start; see ${logFile}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`the Temporal dev server did not answer on ${address} within 60 s; see ${logFile}`);
}
