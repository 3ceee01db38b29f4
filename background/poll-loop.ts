import type { Logger } from '../config/logger';

/**
 * The one loop behind every background job of a process (event relay,
 * audience sync, bulk enrollment, history deletion): `pass` runs again at
 * once while it reports work done (a count above zero), then after
 * `intervalMs`. A failing pass is logged and tried again later, never ends
 * the loop; passes never overlap; `stop` waits for the pass in progress.
 */
export function startPollLoop(options: {
  pass: () => Promise<number>;
  intervalMs: number;
  logger: Logger;
  /** Logged with the error when a pass fails. */
  failure: string;
  /** Run the first pass at once (default) or only after one interval. */
  passAtStart?: boolean;
}): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(tick, options.intervalMs);
    // A loop someone forgot to stop must not keep the process (or a test run) alive.
    timer.unref();
  };
  const tick = (): void => {
    running = (async () => {
      try {
        while (!stopped && (await options.pass()) > 0) {
          // keep going while there is work
        }
      } catch (error) {
        options.logger.error({ err: error }, options.failure);
      }
      schedule();
    })();
  };
  if (options.passAtStart ?? true) tick();
  else schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
