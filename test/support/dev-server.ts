import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { freePort } from './free-port';

export interface TestDevServer {
  address: string;
  namespace: string;
  /** SIGKILL, as a crash would: no shutdown, whatever SQLite had not written is lost. */
  kill: () => Promise<void>;
  /** Starts it again on the same port and the same SQLite file. */
  restart: () => Promise<void>;
  /** Stops it and deletes its folder. Safe to call after kill. */
  stop: () => Promise<void>;
}

/**
 * A real `temporal server start-dev` (the CLI from the project's tools) on free
 * local ports with its SQLite file in a temporary folder, started the way
 * `npm start` starts it: for what the time-skipping server does not do
 * (visibility, deleting executions) and for killing the server under a client.
 */
export async function startTestDevServer(): Promise<TestDevServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dn-dev-server-'));
  const [port, uiPort] = [await freePort(), await freePort()];
  const options = { dataDir, port, uiPort, namespace: 'default' };
  let server: DevServer | null = await startTemporalDevServer(options);
  const kill = async (): Promise<void> => {
    const running = server;
    server = null;
    if (running?.pid === undefined) return;
    process.kill(running.pid, 'SIGKILL');
    await running.exited;
  };
  return {
    address: `127.0.0.1:${String(port)}`,
    namespace: options.namespace,
    kill,
    async restart() {
      await kill();
      server = await startTemporalDevServer(options);
    },
    async stop() {
      const running = server;
      server = null;
      await running?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
