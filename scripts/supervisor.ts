import type { Logger } from '../config/logger';

/** Something `npm start` runs that can end on its own: a child process, the worker's poll loop. */
export interface Supervisable {
  /** Settles (either way) when it ends, asked to or not. */
  exited: Promise<unknown>;
  stop: () => Promise<void>;
}

export type SupervisedState = 'up' | 'restarting' | 'stopped';

export interface Supervised<T extends Supervisable> {
  state: () => SupervisedState;
  /** The running instance, or null while it restarts. */
  current: () => T | null;
  /** How many times it was started again after ending on its own. */
  restarts: () => number;
  stop: () => Promise<void>;
}

export interface SupervisorOptions<T extends Supervisable> {
  name: string;
  start: () => Promise<T>;
  logger: Logger;
  /** First pause before a restart; doubled after each failed start, up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Up this long, it counts as healthy again: the next restart starts from initialDelayMs. */
  healthyAfterMs?: number;
  /** Told when it is up again after a restart (the caller re-registers what the new instance needs). */
  onRestarted?: (instance: T) => void;
}

/**
 * Starts `start()` and keeps it running: whenever it ends without being asked
 * to, it is started again after an exponential backoff, and again (with a
 * longer pause) if that start fails, until `stop()`. The first start is the
 * caller's to await: a service that cannot start at all says so at once.
 */
export async function supervise<T extends Supervisable>(
  options: SupervisorOptions<T>,
): Promise<Supervised<T>> {
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  const { logger, name } = options;

  let instance: T | null = await options.start();
  const now = { state: 'up' as SupervisedState };
  const stopped = (): boolean => now.state === 'stopped';
  let restarts = 0;
  let delayMs = initialDelayMs;
  let upSince = Date.now();
  let wake: (() => void) | undefined;
  let loop: Promise<void> = Promise.resolve();

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = (running: T): void => {
    loop = running.exited.then(
      (value) => restartAfterExit(`ended (${String(value)})`),
      (error: unknown) => restartAfterExit(error instanceof Error ? error.message : String(error)),
    );
  };

  async function restartAfterExit(how: string): Promise<void> {
    if (stopped()) return;
    instance = null;
    now.state = 'restarting';
    if (Date.now() - upSince >= healthyAfterMs) delayMs = initialDelayMs;
    logger.error({ component: name, how, restartInMs: delayMs }, `${name} ended on its own; restarting`);
    for (;;) {
      await pause(delayMs);
      if (stopped()) return;
      delayMs = Math.min(delayMs * 2, maxDelayMs);
      try {
        const started = await options.start();
        if (stopped()) {
          await started.stop();
          return;
        }
        instance = started;
        now.state = 'up';
        upSince = Date.now();
        restarts += 1;
        logger.info({ component: name, restarts }, `${name} restarted`);
        options.onRestarted?.(started);
        watch(started);
        return;
      } catch (error) {
        logger.error({ component: name, err: error, retryInMs: delayMs }, `${name} did not start; retrying`);
      }
    }
  }

  watch(instance);
  return {
    state: () => now.state,
    current: () => instance,
    restarts: () => restarts,
    async stop() {
      now.state = 'stopped';
      wake?.();
      const running = instance;
      instance = null;
      if (running !== null) await running.stop();
      await loop;
    },
  };
}
