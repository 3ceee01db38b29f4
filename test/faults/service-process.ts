import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../support/free-port';

const ROOT = path.join(__dirname, '../..');
const READY_TIMEOUT_MS = 120_000;

/** Process groups still running: killed when this process exits, however it exits. */
const running = new Set<number>();
process.once('exit', () => {
  for (const group of running) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.exit(130);
  });
}

export interface ServicePorts {
  api: number;
  temporal: number;
  ui: number;
  database: number;
}

/**
 * The real service, as a user runs it: `npm start` in a process group of its
 * own (so one signal reaches npm, tsx, the node process, the Temporal dev
 * server and everything else it started), on loopback ports picked for this
 * run, with its state in a folder of its own that outlives every kill.
 */
export class ServiceProcess {
  readonly dataDir: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private starts = 0;

  private constructor(
    readonly ports: ServicePorts,
    private readonly env: Record<string, string>,
  ) {
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'nurture-faults-'));
    this.logFile = path.join(this.dataDir, 'service.log');
  }

  static async create(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), database: 0 };
    ports.database = await freePort();
    return new ServiceProcess(ports, env);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${String(this.ports.api)}`;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${String(this.ports.temporal)}`;
  }

  /** The admin key `npm start` writes for the embedded database. */
  apiKey(): string {
    return readFileSync(path.join(this.dataDir, 'api-key'), 'utf8').trim();
  }

  /** Starts `npm start` and resolves once /readyz says ready (polled, bounded). */
  async start(): Promise<void> {
    if (this.child !== undefined) throw new Error('the service is already running');
    this.starts += 1;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    log.write(`\n===== start ${String(this.starts)} at ${new Date().toISOString()} =====\n`);
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DATA_DIR: this.dataDir,
        PORT: String(this.ports.api),
        HOST: '127.0.0.1',
        TEMPORAL_DEV_PORT: String(this.ports.temporal),
        TEMPORAL_UI_PORT: String(this.ports.ui),
        EMBEDDED_DB_PORT: String(this.ports.database),
        FAULT_HOOKS: 'true',
        LOG_LEVEL: 'info',
        // The fault loads (600 events, a 200-request burst) exceed the per-key default.
        RATE_LIMIT_PER_MINUTE: '100000',
        ...this.env,
      },
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    this.child = child;
    const group = child.pid;
    if (group !== undefined) running.add(group);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    await this.waitReady(READY_TIMEOUT_MS);
  }

  /** SIGKILL to the whole process group: npm, the service, its dev server, all at once. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await this.exited;
    this.child = undefined;
    // Grandchildren reparented elsewhere still belong to the group: wait until none is left.
    await this.waitGroupGone(child.pid);
  }

  /** Ctrl-C, as an operator stops it. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      return;
    }
    const stopped = await Promise.race([this.exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!stopped) await this.kill();
    else await this.waitGroupGone(child.pid);
    this.child = undefined;
  }

  /** SIGKILL to the Temporal dev server alone; `npm start`'s supervisor must bring it back. */
  killTemporalDevServer(): number {
    const pid = this.findInGroup((cmdline) => cmdline.includes('start-dev'));
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** Toggles the embedded database's port (the FAULT_HOOKS SIGUSR2 hook of scripts/start.ts). */
  toggleDatabase(): void {
    const matches = this.groupProcesses().filter((p) => p.cmdline.includes('scripts/start.ts'));
    // tsx runs the script in a child node process: the innermost match is the service.
    const service = matches.find((p) => !matches.some((other) => other.ppid === p.pid)) ?? matches[0];
    if (service === undefined) throw new Error('the service process was not found');
    process.kill(service.pid, 'SIGUSR2');
  }

  async readyz(): Promise<{ status: number; body: string }> {
    try {
      const response = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { status: 0, body: error instanceof Error ? error.message : String(error) };
    }
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status } = await this.readyz();
      if (status === 200) return;
      if (Date.now() > deadline) {
        throw new Error(`the service was not ready within ${String(timeoutMs)} ms; see ${this.logFile}`);
      }
      await sleep(250);
    }
  }

  private groupProcesses(): { pid: number; ppid: number; cmdline: string }[] {
    const group = this.child?.pid;
    if (group === undefined) return [];
    const found: { pid: number; ppid: number; cmdline: string }[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so split after ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== group) continue;
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
        found.push({ pid: Number(entry), ppid: Number(fields[1]), cmdline });
      } catch {
        // The process ended while being read.
      }
    }
    return found;
  }

  private findInGroup(match: (cmdline: string) => boolean): number {
    const found = this.groupProcesses().find((p) => match(p.cmdline));
    if (found === undefined) throw new Error('process not found in the service group');
    return found.pid;
  }

  /** Deletes the state folder (after a run that passed; a failed one keeps it to be read). */
  remove(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async waitGroupGone(group: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      try {
        process.kill(-group, 0);
      } catch {
        running.delete(group);
        return;
      }
      await sleep(50);
    }
    throw new Error(`process group ${String(group)} outlived its SIGKILL`);
  }
}
