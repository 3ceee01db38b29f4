import { Router } from 'express';
import type { AppDeps } from '../app-deps';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`));
    }, CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

export function healthRouter(deps: AppDeps): Router {
  const router = Router();

  /** The process is up. */
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Temporal and the database both answer; 503 otherwise, saying which did not. */
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([
      withTimeout(deps.prisma.$queryRaw`SELECT 1`, 'database'),
      withTimeout(deps.temporal.workflowService.getSystemInfo({}), 'temporal'),
    ]);
    const [database, temporal] = checks.map((c) =>
      c.status === 'fulfilled' ? { ok: true } : { ok: false, error: (c.reason as Error).message },
    );
    const ready = checks.every((c) => c.status === 'fulfilled');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', checks: { database, temporal } });
  });

  return router;
}
