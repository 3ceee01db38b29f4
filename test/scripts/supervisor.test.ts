import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createLogger } from '../../config/logger';
import { supervise, type Supervisable } from '../../scripts/supervisor';
import { eventually } from '../support/eventually';

/** A real child process that runs until killed, as the dev server does. */
function sleeper(): Supervisable & { pid: number } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  return {
    pid: child.pid ?? -1,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const logger = createLogger('silent');

describe('supervise', () => {
  test('a child that dies is started again, with a longer pause each time its start fails', async () => {
    let starts = 0;
    const startedAt: number[] = [];
    const supervised = await supervise({
      name: 'sleeper',
      logger,
      initialDelayMs: 50,
      start: () => {
        starts += 1;
        startedAt.push(Date.now());
        // The second and third starts fail (the port is still taken, say).
        if (starts === 2 || starts === 3) return Promise.reject(new Error('cannot start'));
        return Promise.resolve(sleeper());
      },
    });
    try {
      const first = supervised.current();
      expect(supervised.state()).toBe('up');
      process.kill(first?.pid ?? -1, 'SIGKILL');
      await eventually(
        () => Promise.resolve(supervised.restarts()),
        (n) => n === 1,
      );
      expect(supervised.state()).toBe('up');
      expect(supervised.current()?.pid).not.toBe(first?.pid);
      expect(starts).toBe(4);
      // 50 ms, then 100 ms, then 200 ms between the tries.
      const pauses = startedAt.slice(2).map((at, i) => at - (startedAt[i + 1] ?? at));
      expect(pauses[0]).toBeGreaterThanOrEqual(90);
      expect(pauses[1]).toBeGreaterThanOrEqual(190);
    } finally {
      await supervised.stop();
    }
    expect(supervised.state()).toBe('stopped');
  });

  test('stop() ends it and nothing is started again', async () => {
    let starts = 0;
    const supervised = await supervise({
      name: 'sleeper',
      logger,
      initialDelayMs: 10,
      start: () => {
        starts += 1;
        return Promise.resolve(sleeper());
      },
    });
    const running = supervised.current();
    await supervised.stop();
    await running?.exited;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(starts).toBe(1);
    expect(supervised.current()).toBeNull();
  });
});
