import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { AppDeps } from '../../api/app-deps';
import { createApiKey } from '../../api/auth/api-key-store';
import type { Scope } from '../../api/auth/scopes';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import type { PrismaClient } from '../../prisma/database';
import { TEST_UNSUBSCRIBE } from './nurture-worker';

export interface TestApi {
  base: string;
  /** Headers with an admin API key: spread them into a request. */
  auth: Record<string, string>;
  /** Mints another key, for tests of scopes. */
  keyWith: (scopes: Scope[]) => Promise<Record<string, string>>;
  close: () => Promise<void>;
}

/** The real app on a real HTTP server on a free local port; `close` stops it. */
export async function startTestApi(options: {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  webhookSecrets?: AppDeps['webhookSecrets'];
  overrides?: Partial<AppDeps>;
}): Promise<TestApi> {
  const app = createApp({
    prisma: options.prisma,
    temporal: options.temporal,
    plans: PlanCatalog.load(),
    taskQueue: options.taskQueue,
    defaultPlanId: 'default',
    // TEST_LOG=error shows what a 500 was about.
    logger: createLogger(process.env.TEST_LOG ?? 'silent'),
    unsubscribeSecret: TEST_UNSUBSCRIBE.secret,
    ...(options.webhookSecrets === undefined ? {} : { webhookSecrets: options.webhookSecrets }),
    ...options.overrides,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const keyWith = async (scopes: Scope[]) => {
    const { token } = await createApiKey(options.prisma, { name: `test ${scopes.join(',')}`, scopes });
    return { authorization: `Bearer ${token}` };
  };
  return {
    base: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    auth: await keyWith(['admin']),
    keyWith,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
