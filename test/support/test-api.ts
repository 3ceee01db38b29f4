import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { AppDeps } from '../../api/app-deps';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import type { PrismaClient } from '../../prisma/database';

/** The real app on a real HTTP server on a free local port; `close` stops it. */
export async function startTestApi(options: {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  webhookSecrets?: AppDeps['webhookSecrets'];
}): Promise<{ base: string; close: () => Promise<void> }> {
  const app = createApp({
    prisma: options.prisma,
    temporal: options.temporal,
    plans: PlanCatalog.load(),
    taskQueue: options.taskQueue,
    defaultPlanId: 'default',
    // TEST_LOG=error shows what a 500 was about.
    logger: createLogger(process.env.TEST_LOG ?? 'silent'),
    ...(options.webhookSecrets === undefined ? {} : { webhookSecrets: options.webhookSecrets }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
