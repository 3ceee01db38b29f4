import { startPollLoop } from '../../background/poll-loop';
import { createLogger, type Logger } from '../../config/logger';

function recordingLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const logger = createLogger('error', {
    write: (line: string) => {
      errors.push((JSON.parse(line) as { msg: string }).msg);
    },
  });
  return { logger, errors };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** Waits for a condition rather than a fixed time: a loaded CI machine runs timers late. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('startPollLoop', () => {
  it('passes again at once while a pass reports work, then waits for the interval', async () => {
    const reports = [3, 2, 0];
    let passes = 0;
    const { logger } = recordingLogger();
    const loop = startPollLoop({
      pass: () => Promise.resolve(reports[passes++] ?? 0),
      intervalMs: 60_000,
      logger,
      failure: 'failed',
    });
    await until(() => passes >= 3);
    // The third pass reported no work: nothing more until the (minute-long) interval.
    await settle();
    expect(passes).toBe(3);
    await loop.stop();
  });

  it('logs a failing pass and goes on at the next interval', async () => {
    let passes = 0;
    const { logger, errors } = recordingLogger();
    const loop = startPollLoop({
      pass: () => {
        passes += 1;
        return passes === 1 ? Promise.reject(new Error('database gone')) : Promise.resolve(0);
      },
      intervalMs: 5,
      logger,
      failure: 'pass failed; will retry',
    });
    await until(() => passes > 1);
    await loop.stop();
    expect(errors[0]).toBe('pass failed; will retry');
    expect(passes).toBeGreaterThan(1);
  });

  it('waits one interval before the first pass when asked, and never overlaps passes', async () => {
    let running = 0;
    let overlapped = false;
    let passes = 0;
    const { logger } = recordingLogger();
    const loop = startPollLoop({
      pass: async () => {
        running += 1;
        overlapped ||= running > 1;
        passes += 1;
        await new Promise((resolve) => setTimeout(resolve, 8));
        running -= 1;
        return 0;
      },
      intervalMs: 1,
      logger,
      failure: 'failed',
      passAtStart: false,
    });
    expect(passes).toBe(0);
    await until(() => passes >= 3);
    await loop.stop();
    expect(passes).toBeGreaterThan(0);
    expect(overlapped).toBe(false);
  });

  it('stop waits for the pass in progress and no pass starts after it', async () => {
    let finished = false;
    let passes = 0;
    const { logger } = recordingLogger();
    const loop = startPollLoop({
      pass: async () => {
        passes += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
        return 1;
      },
      intervalMs: 1,
      logger,
      failure: 'failed',
    });
    await loop.stop();
    expect(finished).toBe(true);
    const after = passes;
    await settle();
    expect(passes).toBe(after);
  });
});
