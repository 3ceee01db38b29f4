import type { Logger } from '../config/logger';

/**
 * Background work of the API process (bulk enrollment, history deletion):
 * `pass` runs again at once while it reports work done (a count above zero),
 * then after `intervalMs`. A failing pass is logged and tried again later,
 * never ends the loop; `stop` waits for the pass in progress.
 */
export function startBackgroundLoop(options: {
  pass: () => Promise<number>;
  intervalMs: number;
  logger: Logger;
  /** Logged with the error when a pass fails. */
  failure: string;
}): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = (async () => {
      try {
        while (!stopped && (await options.pass()) > 0) {
          // keep going while there is work
        }
      } catch (error) {
        options.logger.error({ err: error }, options.failure);
      }
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    })();
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
